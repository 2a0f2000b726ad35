"""What people read: e-mails go through gettext, seats are "cupos", and Spanish
stays gender-neutral where the reader's gender is unknown."""

import io
import re
import tokenize
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
EMAILS = sorted(p for p in (TEMPLATES / "emails").rglob("*") if p.is_file())
PAGES = sorted(
    p
    for p in TEMPLATES.rglob("*.html")
    if "emails" not in p.relative_to(TEMPLATES).parts
)
APPS = ("cafe", "sessions_app", "proposals")
# A string literal that is an internal code ("inscrito", "lista_espera"), not prose.
CODE = re.compile(r"""^[rbuf]*(["'])[a-z_]+\1$""")


def untranslated_text(source: str) -> str:
    """The template's text outside {% translate %} / {% blocktranslate %}, with
    every tag, variable and HTML markup removed: what would reach the reader
    untranslated."""
    kept, depth = [], 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in ("blocktranslate", "blocktrans"):
                depth += 1
            elif name in ("endblocktranslate", "endblocktrans"):
                depth -= 1
            kept.append(" ")
        elif token.token_type == TokenType.TEXT and not depth:
            kept.append(token.contents)
        else:
            kept.append(" ")
    text = re.sub(r"<[^>]*>", " ", "".join(kept))
    return re.sub(r"&\w+;", " ", text)


def loads_i18n(source: str) -> bool:
    return any(
        t.token_type == TokenType.BLOCK
        and t.contents.startswith("load ")
        and "i18n" in t.contents.split()[1:]
        for t in Lexer(source).tokenize()
    )


def test_there_are_email_templates():
    assert len(EMAILS) >= 40


@pytest.mark.parametrize("path", EMAILS, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_email_template_loads_i18n_and_translates_all_its_prose(path):
    source = path.read_text(encoding="utf-8")
    assert loads_i18n(source), f"{path.name} does not load i18n"
    words = re.findall(r"[^\W\d_]+", untranslated_text(source))
    assert not words, f"text outside translate tags: {words}"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_page_template_translates_all_its_prose(path):
    words = re.findall(
        r"[^\W\d_]+", untranslated_text(path.read_text(encoding="utf-8"))
    )
    assert not words, f"text outside translate tags: {words}"


def test_the_scan_sees_prose_outside_translate_tags():
    # The check above must be able to fail: plain prose is reported, translated
    # prose, markup and variables are not.
    source = (
        '{% load i18n %}<p style="color:red">Hola, {{ user.full_name }}:</p>'
        '<p>{% translate "Gracias" %}</p>{% blocktranslate %}Le {{ x }}'
        "{% endblocktranslate %} · «{{ t }}» &amp; (1)"
    )
    assert re.findall(r"[^\W\d_]+", untranslated_text(source)) == ["Hola"]


def ui_strings():
    """(place, text) of every Spanish string a person can read: template text and
    Python string literals outside tests and migrations."""
    for path in TEMPLATES.rglob("*"):
        if path.suffix in (".html", ".txt"):
            yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if {"tests", "migrations"} & set(path.parts):
                continue
            source = path.read_text(encoding="utf-8")
            for token in tokenize.generate_tokens(io.StringIO(source).readline):
                if token.type == tokenize.STRING and not CODE.match(token.string):
                    yield f"{path.relative_to(ROOT)}:{token.start[0]}", token.string


def matches(pattern: str) -> list[str]:
    found = re.compile(pattern, re.IGNORECASE)
    return [
        f"{place}: {hit.group(0)}"
        for place, text in ui_strings()
        for hit in found.finditer(text)
    ]


def test_seats_are_cupos_never_plazas():
    assert not matches(r"\bplazas?\b")


@pytest.mark.parametrize(
    "pattern",
    [
        r"\b\w+o/a\b",  # "Inscrito/a", "escuchado/a"
        r"\b\w+os/as\b",
        r"\b\w+o\(a\)",
        r"(?<!la )\bbienvenid[oa]s?\s+a\b",  # "Le damos la bienvenida a"
        r"\binscritos?\b",  # "Inscripción confirmada", "personas inscritas"
        r"\b(est[aá]|qued[oó]|queda)\s+invitad[oa]s?\b",
        r"\bautor o autora\b",
    ],
)
def test_no_gendered_forms_addressed_to_the_reader(pattern):
    assert not matches(pattern)


@pytest.mark.django_db
def test_the_moderation_card_says_it_is_internal(login, comunicaciones, servidor):
    from proposals.tests.factories import ProposalFactory

    proposal = ProposalFactory()
    staff = login(comunicaciones).get(f"/propuestas/{proposal.pk}/").content.decode()
    assert ">Moderación interna</h2>" in staff
    public = login(servidor).get(f"/propuestas/{proposal.pk}/").content.decode()
    assert "Moderación interna" not in public
