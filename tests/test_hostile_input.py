"""Hostile input in every form and every filter, typed by the role that may use it.

Whatever arrives, the answer is never a 500. Either the input is refused with a message
in Spanish and nothing was saved, or it was saved and every page (and e-mail) that shows
it renders it inert: no script of anyone but the site, no event-handler attribute, no
``javascript:``/``data:`` link, no template evaluated (``{{ 7*7 }}`` never becomes 49).
"""

import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cafe.notify.models import Delivery, MessageContent
from cafe.org.models import User
from cafe.testing.factories import accept_privacy
from proposals.models import Bulletin, Proposal, StatusChange
from proposals.tests.factories import ProposalFactory
from sessions_app.models import (
    Feedback,
    Minutes,
    MinutesVersion,
    Registration,
    Session,
    Topic,
)
from sessions_app.tests.factories import (
    RegistrationFactory,
    SessionFactory,
    held_session,
)

pytestmark = pytest.mark.django_db

S = Proposal.Status
LONG = "a" * 100_000
HOSTILE = {
    "script": "<script>alert(1)</script>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "attr-break": '" onmouseover="alert(1)',
    "attr-break-single": "' onfocus='alert(1)' autofocus='",
    "javascript-url": "javascript:alert(1)",
    "markdown-js-link": "[pulse aquí](javascript:alert(1))",
    "markdown-data-link": "[datos](data:text/html;base64,PHNjcmlwdD4=)",
    "svg": "<svg/onload=alert(1)>",
    "nul": "con\x00nulo",
    "rtl-override": "archivo\u202egpj.exe",
    "zero-width": "cero\u200b\u200c\u200d\u2060\ufeffancho",
    "sql-drop": "'; DROP TABLE org_user; --",
    "sql-or": '" OR 1=1 --',
    "template": "{{ 7*7 }} {% debug %}",
    "long": LONG,
    "long-script": "<script>alert(1)</script>" * 4000,
}
TOO_LONG = {"long", "long-script"}
REFUSED = TOO_LONG | {"nul"}
# Fields that are not Markdown get the corpus without its Markdown-only and duplicate
# variants (keeps the file fast); Markdown fields and search get all of it.
PLAIN = {
    name: payload
    for name, payload in HOSTILE.items()
    if name not in {"attr-break-single", "markdown-data-link", "long-script"}
}
# Kept as typed (once control characters are stripped) and shown as text.
SHOWN = [name for name in HOSTILE if name not in REFUSED]
SHOWN_PLAIN = [name for name in PLAIN if name not in REFUSED]

URLS = {
    "javascript": "javascript:alert(1)",
    "javascript-mixed-case": " JaVaScRiPt:alert(document.cookie)",
    "data": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript": "vbscript:msgbox(1)",
    "attr-break": 'https://reunion.example.org/" onmouseover="alert(1)',
    "nul": "https://reunion.example.org/\x00",
    "long": "https://reunion.example.org/" + LONG,
}
# Valid https links that carry a payload: saved, and must stay inside the attribute.
URLS_SAVED = {
    "quote-break": 'https://reunion.example.org/sala?x="><script>alert(1)</script>',
    "template": "https://reunion.example.org/{{7*7}}",
}
EMAILS = [
    *HOSTILE.values(),
    "<script>alert(1)</script>@prueba.gov.co",
    '"<script>alert(1)</script>"@prueba.gov.co',
    "persona@prueba.gov.co\x00",
    "persona@prueba.gov.co' OR '1'='1",
    "a" * 300 + "@prueba.gov.co",
]
# Odd values for filters that expect ids, months, dates or choices.
ODD_FILTER_VALUES = [
    "-1",
    "9" * 30,
    "9" * 5000,
    "²",
    "9999-12",
    "9999-12-31",
    "0001-01-01",
    "100000000000000000000-01",
]

MAX_LENGTH = "Asegúrese de que este valor tenga como máximo"
NUL = "Los caracteres nulos no están permitidos."
ENGLISH = re.compile(
    r"\b(Ensure|Enter a|This field|Null characters|is required|Select a valid|"
    r"must be|not allowed|invalid)\b",
    re.IGNORECASE,
)
ERROR_CLASSES = {"invalid-feedback", "alert-danger", "alert-warning", "errorlist"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}


def wrap(name: str, payload: str) -> str:
    """The payload inside a sentence, so rules on minimum length do not refuse it."""
    return payload if name in TOO_LONG else f"Prueba {payload} con texto de sobra"


def squeeze(text: str) -> str:
    return " ".join(text.split())


class Page(HTMLParser):
    """What the tests need from a rendered page: anything that could run script, the
    visible text and the error messages."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.active: list[str] = []
        self.text: list[str] = []
        self.errors: list[str] = []
        self._error: list = []  # [tag, depth, parts] while inside an error element
        self._script: list | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script":
            src = values.get("src") or ""
            if values.get("type") == "application/json" and not src:
                self._script = []
            elif not src.startswith("/static/"):
                self.active.append(f"<script src={src!r}>")
        if tag in FORBIDDEN_TAGS:
            self.active.append(f"<{tag}>")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.active.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            if name.startswith("on"):
                self.active.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES:
                # Browsers ignore whitespace and control characters in the scheme.
                scheme = re.sub(r"[\x00-\x20]", "", value or "").lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.active.append(f"<{tag} {name}={value!r}>")
        if self._error and tag == self._error[0]:
            self._error[1] += 1
        elif not self._error and ERROR_CLASSES & set(
            (values.get("class") or "").split()
        ):
            self._error = [tag, 1, []]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self._error and tag == self._error[0]:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            json.loads("".join(self._script))  # json_script data, never code
            self._script = None
        if self._error and tag == self._error[0]:
            self._error[1] -= 1
            if not self._error[1]:
                self.errors.append(squeeze("".join(self._error[2])))
                self._error = []

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
            return
        self.text.append(data)
        if self._error:
            self._error[2].append(data)

    @property
    def visible(self) -> str:
        return squeeze("".join(self.text))


def parse(response) -> Page:
    assert response["Content-Type"].startswith("text/html"), response["Content-Type"]
    return Page(response.content.decode())


def assert_inert(response, *shown: str) -> Page:
    """The page runs nothing of the user's and shows ``shown`` as plain text."""
    page = parse(response)
    assert page.active == [], page.active
    for value in shown:
        assert squeeze(value) in page.visible, value[:80]
    if any("{{ 7*7 }}" in value for value in shown):
        assert "{{ 7*7 }}" in page.visible and "{% debug %}" in page.visible
    return page


def assert_spanish_errors(page: Page, expected: str | None = None) -> None:
    assert page.errors, "refused without telling why"
    for error in page.errors:
        assert error and not ENGLISH.search(error), error
    if expected:
        assert any(expected in error for error in page.errors), page.errors


class Outcome:
    """What a POST did: truthy when something was saved; ``page`` is where it led."""

    def __init__(self, saved: bool, page: Page):
        self.saved, self.page = saved, page

    def __bool__(self):
        return self.saved

    def shows(self, *values: str) -> None:
        for value in values:
            assert squeeze(value) in self.page.visible, value[:80]


def attempt(
    client, url, data, state, name, *, refuse_all=False, either=False, expected=None
) -> Outcome:
    """POST hostile ``data`` (following redirects); check the outcome against what
    ``name`` calls for.

    ``state`` snapshots what the form may change: equal before and after means
    nothing was saved. ``either``: saving or refusing are both fine (the page must be
    inert and a refusal explained).
    """
    before = state()
    response = client.post(url, data, follow=True)
    assert response.status_code < 500, (url, name)
    page = assert_inert(response)
    saved = state() != before
    if refuse_all or name in REFUSED:
        assert not saved, (url, name)
        if expected is None and name in TOO_LONG:
            expected = MAX_LENGTH
        if expected is None and name == "nul":
            expected = NUL
    elif not either:
        assert saved, (url, name, page.errors)
    if not saved:
        assert_spanish_errors(page, expected)
    return Outcome(saved, page)


def assert_mail_inert(*, at_least: int = 1) -> None:
    """Every e-mail in the outbox (sent on commit, so not yet in mail.outbox)."""
    bodies = [
        *Delivery.objects.values_list("subject", "body_html"),
        *MessageContent.objects.values_list("subject", "body_html"),
    ]
    assert len(bodies) >= at_least
    for subject, html in bodies:
        page = Page(html)
        assert page.active == [], (subject, page.active)


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


# --- Proposals -----------------------------------------------------------------------


def proposal_state():
    return list(Proposal.objects.order_by("pk").values_list("pk", "title", "text"))


def test_proposal_form(login, servidor, despacho, comunicaciones):
    client = login(servidor)
    saved_pks = []
    for field in ("title", "text"):
        for name, payload in HOSTILE.items():
            data = {
                "kind": "propuesta",
                "title": "Trámites en línea",
                "text": "Propongo que los trámites internos se hagan en línea.",
                "topic": "",
                "session": "",
                "signature": "nombre",
                field: wrap(name, payload),
            }
            if outcome := attempt(
                client, "/propuestas/nueva/", data, proposal_state, name
            ):
                proposal = Proposal.objects.latest("pk")
                outcome.shows(proposal.title, proposal.text)  # the author's page
                saved_pks.append(proposal.pk)
    assert len(saved_pks) == 2 * len(SHOWN)
    boss = login(despacho)
    for proposal in Proposal.objects.filter(pk__in=saved_pks[len(SHOWN) :]):
        page = get_ok(boss, f"/propuestas/{proposal.pk}/")
        assert_inert(page, proposal.title, proposal.text)
    for reader, url in [
        (client, "/propuestas/?pagina=1"),
        (client, "/propuestas/?pagina=2"),
        (client, "/propuestas/mias/?pagina=1"),
        (client, "/propuestas/mias/?pagina=2"),
        (client, "/mis-datos/"),
        (boss, "/propuestas/bandeja/"),
        (boss, "/propuestas/tablero/"),
        (login(comunicaciones), "/propuestas/?pagina=1"),
    ]:
        assert_inert(get_ok(reader, url))
    # Control characters that reorder text are stripped; the table is still there.
    assert not Proposal.objects.filter(title__contains="\u202e").exists()
    assert User.objects.filter(pk=servidor.pk).exists()


def test_an_anonymous_proposal_page_shows_the_hostile_title_inert(login, servidor):
    data = {
        "kind": "pregunta",
        "title": wrap("script", HOSTILE["script"]),
        "text": wrap("img-onerror", HOSTILE["img-onerror"]),
        "topic": "",
        "session": "",
        "signature": "anonima",
    }
    client = login(servidor)
    response = client.post("/propuestas/nueva/", data)
    assert response.status_code == 200
    assert_inert(response)
    # While it waits for its batch, the code shows it: inert there too.
    waiting = client.post("/propuestas/consultar/", {"code": response.context["code"]})
    assert waiting.context["queued"] is not None
    assert_inert(waiting)
    from proposals.services import publish_anonymous_batch

    (proposal,) = publish_anonymous_batch()
    assert proposal.is_anonymous and proposal.author is None


def test_room_capture(login, comunicaciones, servidor):
    session = SessionFactory()
    client = login(comunicaciones)
    url = f"/propuestas/sesion/{session.pk}/capturar/"
    saved = []
    for field in ("title", "text"):
        for name, payload in PLAIN.items():
            data = {
                "kind": "inquietud",
                "title": "Parqueaderos",
                "text": "No hay cupos de parqueadero para las bicicletas.",
                "author_email": "",
                field: wrap(name, payload),
            }
            if attempt(client, url, data, proposal_state, name):
                saved.append(Proposal.objects.latest("pk"))
    for email in EMAILS:
        data = {
            "kind": "inquietud",
            "title": "Parqueaderos",
            "text": "No hay cupos de parqueadero para las bicicletas.",
            "author_email": email,
        }
        attempt(client, url, data, proposal_state, "email", refuse_all=True)
    for proposal in saved:
        assert_inert(
            get_ok(client, f"/propuestas/{proposal.pk}/"), proposal.title, proposal.text
        )
    assert_inert(get_ok(login(servidor), f"/sesiones/{session.pk}/"))


def walk(proposal, despacho, *steps, dependency=None):
    from proposals import services

    for step in steps:
        if step == S.ACCEPTED:
            services.accept_proposal(
                proposal_id=proposal.pk,
                actor=despacho,
                commitment="Hacerlo este semestre",
                due_date=None,
                note="Aceptada",
                dependency=dependency,
            )
        else:
            services.change_status(
                proposal_id=proposal.pk,
                actor=despacho,
                new_status=step,
                note="Nota del cambio",
            )
    proposal.refresh_from_db()
    return proposal


def follow_up_state(proposal):
    def state():
        proposal.refresh_from_db()
        notes = list(proposal.changes.values_list("pk", "note"))
        return (
            proposal.status,
            proposal.answer,
            proposal.commitment,
            proposal.outcome,
            proposal.impact,
            proposal.is_hidden,
            proposal.hidden_reason,
            notes,
        )

    return state


def check_proposal_pages(proposal, clients, *shown):
    for client in clients:
        assert_inert(get_ok(client, f"/propuestas/{proposal.pk}/"), *shown)


def test_status_note_outcome_and_impact(login, servidor, despacho, enlace, dependency):
    boss, liaison, author = login(despacho), login(enlace), login(servidor)
    for name, payload in PLAIN.items():
        proposal = ProposalFactory(author=servidor)
        value = wrap(name, payload)
        data = {"new_status": S.IN_ANALYSIS, "note": value}
        url = f"/propuestas/{proposal.pk}/estado/"
        if outcome := attempt(boss, url, data, follow_up_state(proposal), name):
            note = proposal.changes.latest("pk").note
            outcome.shows(note)
            check_proposal_pages(proposal, [author], note)
        # The liaison closes one in implementation with a hostile outcome and impact.
        proposal = walk(
            ProposalFactory(author=servidor),
            despacho,
            S.IN_ANALYSIS,
            S.ACCEPTED,
            S.IN_PROGRESS,
            dependency=dependency,
        )
        for field in ("note", "outcome", "impact"):
            data = {
                "new_status": S.IMPLEMENTED,
                "note": "Quedó implementada.",
                "outcome": "Formulario en línea funcionando.",
                "impact": "Todo el personal ahorra dos horas al mes.",
                field: value,
            }
            url = f"/propuestas/{proposal.pk}/estado/"
            if outcome := attempt(liaison, url, data, follow_up_state(proposal), name):
                outcome.shows(proposal.outcome, proposal.impact)
                check_proposal_pages(
                    proposal, [author], proposal.outcome, proposal.impact
                )
                break
    assert Proposal.objects.filter(status=S.IMPLEMENTED).count() == len(SHOWN_PLAIN)
    assert_mail_inert()


def test_accept_commitment_answer_and_progress(
    login, servidor, despacho, enlace, dependency
):
    boss, liaison, author = login(despacho), login(enlace), login(servidor)
    due = (timezone.localdate() + timedelta(days=60)).isoformat()
    for name, payload in PLAIN.items():
        value = wrap(name, payload)
        for field in ("commitment", "note"):
            proposal = walk(ProposalFactory(author=servidor), despacho, S.IN_ANALYSIS)
            data = {
                "dependency": dependency.pk,
                "commitment": "Hacerlo este semestre.",
                "due_date": due,
                "note": "Aceptada con compromiso.",
                field: value,
            }
            url = f"/propuestas/{proposal.pk}/aceptar/"
            if outcome := attempt(boss, url, data, follow_up_state(proposal), name):
                outcome.shows(proposal.commitment, proposal.changes.latest("pk").note)
        proposal = ProposalFactory(author=servidor)
        url = f"/propuestas/{proposal.pk}/responder/"
        state = follow_up_state(proposal)
        if outcome := attempt(boss, url, {"answer": value}, state, name):
            outcome.shows(proposal.answer)
            check_proposal_pages(proposal, [author], proposal.answer)
        proposal = walk(
            ProposalFactory(author=servidor),
            despacho,
            S.IN_ANALYSIS,
            S.ACCEPTED,
            dependency=dependency,
        )
        url = f"/propuestas/{proposal.pk}/avance/"
        if outcome := attempt(
            liaison, url, {"note": value}, follow_up_state(proposal), name
        ):
            note = proposal.changes.latest("pk").note
            outcome.shows(note)
            check_proposal_pages(proposal, [author], note)
    assert_inert(get_ok(liaison, "/propuestas/seguimiento/"))
    assert_mail_inert()


def test_hide_reason_and_duplicate(login, comunicaciones, servidor):
    moderator = login(comunicaciones)
    original = ProposalFactory()
    for name, payload in PLAIN.items():
        proposal = ProposalFactory(author=servidor)
        url = f"/propuestas/{proposal.pk}/ocultar/"
        state = follow_up_state(proposal)
        if outcome := attempt(
            moderator, url, {"reason": wrap(name, payload)}, state, name
        ):
            outcome.shows(proposal.hidden_reason)
        proposal = ProposalFactory(author=servidor)
        for value in (payload, wrap(name, payload)):
            data = {"original": value}
            url = f"/propuestas/{proposal.pk}/duplicada/"
            attempt(
                moderator,
                url,
                data,
                follow_up_state(proposal),
                name,
                refuse_all=True,
                expected="Ingrese un número entero.",
            )
    proposal = ProposalFactory(author=servidor)
    for value in ["0", "-1", "9" * 19, "9" * 30, "9" * 5000, "²", "1e3", "3.5"]:
        data = {"original": value}
        url = f"/propuestas/{proposal.pk}/duplicada/"
        attempt(moderator, url, data, follow_up_state(proposal), value, refuse_all=True)
    url = f"/propuestas/{proposal.pk}/duplicada/"
    assert attempt(
        moderator, url, {"original": original.pk}, follow_up_state(proposal), "ok"
    )


# --- Sessions ------------------------------------------------------------------------

FMT = "%Y-%m-%dT%H:%M"


def session_form(**overrides):
    start = timezone.localtime() + timedelta(days=15)
    start = start.replace(hour=9, minute=0, second=0, microsecond=0)
    data = {
        "title": "Café con Talento Humano",
        "description": "",
        "topic": "",
        "dependency": "",
        "starts_at": start.strftime(FMT),
        "ends_at": (start + timedelta(minutes=90)).strftime(FMT),
        "format": "presencial",
        "place": "Sala 1",
        "meeting_url": "",
        "capacity": "25",
        "registration_opens_at": (start - timedelta(days=10)).strftime(FMT),
        "registration_closes_at": (start - timedelta(hours=2)).strftime(FMT),
        "host_name": "",
        # Every attempt takes the same slot: confirm the overlap warning.
        "save_anyway": "on",
    }
    data.update(overrides)
    return data


def session_state():
    return list(
        Session.objects.order_by("pk").values_list(
            "pk", "title", "description", "place", "meeting_url", "host_name"
        )
    )


SESSION_TEXT_FIELDS = ("title", "description", "place", "host_name")


def test_session_create(login, comunicaciones):
    client = login(comunicaciones)
    for field in SESSION_TEXT_FIELDS:
        for name, payload in PLAIN.items():
            data = session_form(**{field: wrap(name, payload)})
            url = "/sesiones/gestion/nueva/"
            if outcome := attempt(client, url, data, session_state, name):
                outcome.shows(getattr(Session.objects.latest("pk"), field))
    for name, url in [*URLS.items(), *PLAIN.items()]:
        data = session_form(format="virtual", place="", meeting_url=url)
        refuse = name in URLS or name in REFUSED
        attempt(
            client,
            "/sesiones/gestion/nueva/",
            data,
            session_state,
            name,
            refuse_all=refuse,
            either=not refuse,
        )
    assert_inert(get_ok(client, "/sesiones/gestion/"))
    assert Session.objects.filter(meeting_url="").count() == len(
        SESSION_TEXT_FIELDS
    ) * len(SHOWN_PLAIN)


def test_session_edit_as_registrants_see_it(login, comunicaciones, servidor):
    session = SessionFactory()
    RegistrationFactory(session=session, user=servidor)
    client, attendee = login(comunicaciones), login(servidor)
    url = f"/sesiones/{session.pk}/editar/"
    base = {
        "title": session.title,
        "place": session.place,
        "host_name": session.host_name,
        "starts_at": timezone.localtime(session.starts_at).strftime(FMT),
        "ends_at": timezone.localtime(session.ends_at).strftime(FMT),
        "registration_opens_at": timezone.localtime(
            session.registration_opens_at
        ).strftime(FMT),
        "registration_closes_at": timezone.localtime(
            session.registration_closes_at
        ).strftime(FMT),
        "capacity": "20",
    }
    for field in SESSION_TEXT_FIELDS:
        for name, payload in PLAIN.items():
            data = session_form(**{**base, field: wrap(name, payload)})
            if outcome := attempt(client, url, data, session_state, name):
                session.refresh_from_db()
                outcome.shows(getattr(session, field))
        # What the registrant sees after the last accepted value of the field.
        shown = getattr(session, field)
        assert_inert(get_ok(attendee, f"/sesiones/{session.pk}/"), shown)
    for url_value in [*URLS.values(), *URLS_SAVED.values()]:
        data = session_form(**{**base, "format": "hibrido", "meeting_url": url_value})
        name = "saved" if url_value in URLS_SAVED.values() else "url"
        if attempt(client, url, data, session_state, name, refuse_all=name == "url"):
            response = get_ok(attendee, f"/sesiones/{session.pk}/")
            assert_inert(response, url_value)
            if '"' in url_value:  # the quote is escaped, the attribute stays whole
                assert url_value not in response.content.decode()
    for page in ["/sesiones/", "/sesiones/mis-sesiones/", "/propuestas/nueva/"]:
        assert_inert(get_ok(attendee, page))
    ics = get_ok(attendee, f"/sesiones/{session.pk}/invitacion.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert_mail_inert()  # changing place and link sends the updated invitation


def test_cancel_reason(login, comunicaciones, servidor):
    client, attendee = login(comunicaciones), login(servidor)
    for name, payload in PLAIN.items():
        session = SessionFactory()
        RegistrationFactory(session=session, user=servidor)

        def state(session=session):
            session.refresh_from_db()
            return (session.status, session.cancel_reason)

        url = f"/sesiones/{session.pk}/cancelar/"
        if outcome := attempt(
            client, url, {"reason": wrap(name, payload)}, state, name
        ):
            assert session.status == Session.Status.CANCELLED
            outcome.shows(session.cancel_reason)
            page = get_ok(attendee, f"/sesiones/{session.pk}/")
            assert_inert(page, session.cancel_reason)
    assert_mail_inert()


def topic_state():
    return list(Topic.objects.order_by("pk").values_list("pk", "name", "description"))


def test_topic_form(login, comunicaciones, servidor):
    client = login(comunicaciones)
    for field in ("name", "description"):
        for name, payload in PLAIN.items():
            data = {"name": f"Tema {field} {name}", "kind": "tema", "is_active": "on"}
            data[field] = wrap(name, payload)
            if outcome := attempt(
                client, "/sesiones/gestion/temas/nuevo/", data, topic_state, name
            ):
                topic = Topic.objects.latest("pk")
                outcome.shows(topic.name)  # back on the list of topics
                SessionFactory(topic=topic)
    page = get_ok(client, f"/sesiones/gestion/temas/{topic.pk}/")
    assert_inert(page)
    reader = login(servidor)
    assert_inert(get_ok(client, "/sesiones/gestion/temas/"), topic.name)
    for url in ["/sesiones/", "/propuestas/", "/propuestas/nueva/"]:
        assert_inert(get_ok(reader, url))
    for session in Session.objects.filter(topic__isnull=False)[:3]:
        assert_inert(get_ok(reader, f"/sesiones/{session.pk}/"), session.topic.name)


def minutes_state():
    return (
        list(
            Minutes.objects.order_by("pk").values_list(
                "pk", "summary", "agreements", "video_url", "post_url"
            )
        ),
        MinutesVersion.objects.count(),
    )


def test_conclusions_markdown_and_links(login, comunicaciones, despacho, servidor):
    from sessions_app import services

    writer, reviewer, reader = login(comunicaciones), login(despacho), login(servidor)
    published = []
    for field in ("summary", "agreements"):
        for name, payload in HOSTILE.items():
            session = held_session()
            RegistrationFactory(session=session)  # e-mailed on publication
            data = {"summary": "Conversamos sobre el teletrabajo.", "agreements": ""}
            data[field] = wrap(name, payload)
            url = f"/sesiones/{session.pk}/conclusiones/"
            if attempt(writer, url, data, minutes_state, name):  # back on this page
                assert_inert(get_ok(reviewer, f"{url}versiones/"))
                services.submit_minutes(session_id=session.pk, actor=comunicaciones)
                assert_inert(get_ok(reviewer, f"{url}revision/"))
                services.approve_minutes(session_id=session.pk, actor=despacho)
                published.append(session)
    session = held_session()
    for name, value in [*URLS.items(), *PLAIN.items()]:
        refuse = name in URLS or name in REFUSED
        for field in ("video_url", "post_url"):
            data = {"summary": "Conversamos sobre el teletrabajo.", field: value}
            url = f"/sesiones/{session.pk}/conclusiones/"
            attempt(
                writer,
                url,
                data,
                minutes_state,
                name,
                refuse_all=refuse,
                either=not refuse,
            )
    session = held_session()
    data = {
        "summary": "Conversamos.",
        "video_url": URLS_SAVED["quote-break"],
        "post_url": URLS_SAVED["template"],
    }
    assert attempt(
        writer, f"/sesiones/{session.pk}/conclusiones/", data, minutes_state, "ok"
    )
    services.submit_minutes(session_id=session.pk, actor=comunicaciones)
    services.approve_minutes(session_id=session.pk, actor=despacho)
    published.append(session)
    for session in published:
        assert_inert(get_ok(reader, f"/sesiones/{session.pk}/"))
    assert_inert(get_ok(reader, "/sesiones/archivo/"))
    # The conclusions e-mailed to each registrant on publication are inert too.
    mailed = Delivery.objects.filter(kind="minutes_published").count()
    assert mailed == len(published) - 1  # the last session had nobody registered
    assert_mail_inert(at_least=mailed)


def test_returning_conclusions_with_a_hostile_comment(login, comunicaciones, despacho):
    from sessions_app import services

    reviewer, writer = login(despacho), login(comunicaciones)
    for name, payload in PLAIN.items():
        session = held_session()
        services.save_minutes(
            session_id=session.pk, actor=comunicaciones, data={"summary": "Resumen."}
        )
        services.submit_minutes(session_id=session.pk, actor=comunicaciones)

        def state(session=session):
            minutes = Minutes.objects.get(session=session)
            return (minutes.status, minutes.review_comment)

        url = f"/sesiones/{session.pk}/conclusiones/revision/"
        if attempt(reviewer, url, {"comment": wrap(name, payload)}, state, name):
            comment = Minutes.objects.get(session=session).review_comment
            page = get_ok(writer, f"/sesiones/{session.pk}/conclusiones/versiones/")
            assert_inert(page, comment)


def registration_state():
    return list(Registration.objects.order_by("pk").values_list("pk", "needs"))


def test_registration_needs(login, servidor, comunicaciones):
    client, staff = login(servidor), login(comunicaciones)
    for name, payload in PLAIN.items():
        session = SessionFactory()
        url = f"/sesiones/{session.pk}/inscribirme/"
        data = {"needs": wrap(name, payload)}
        if attempt(client, url, data, registration_state, name):
            needs = Registration.objects.get(session=session).needs
            assert_inert(get_ok(staff, f"/sesiones/{session.pk}/asistencia/"), needs)
    assert_inert(get_ok(client, "/mis-datos/"))
    assert_inert(get_ok(client, "/sesiones/mis-sesiones/"))
    export = get_ok(client, "/mis-datos/descargar/json/")
    assert export["Content-Type"].startswith("application/json")
    assert json.loads(export.content)["secciones"]


def test_walk_in_email(login, comunicaciones):
    session = held_session()
    client = login(comunicaciones)
    url = f"/sesiones/{session.pk}/asistencia/sin-inscripcion/"
    for email in EMAILS:
        attempt(client, url, {"email": email}, registration_state, "x", refuse_all=True)


def test_survey_comment(login, settings, servidor, comunicaciones):
    settings.SESSIONS_SURVEY_MIN_ANSWERS = 1
    client, staff = login(servidor), login(comunicaciones)
    for name, payload in PLAIN.items():
        session = held_session()
        RegistrationFactory(
            session=session, user=servidor, checked_in_at=timezone.now()
        )
        data = {
            "felt_heard": "5",
            "useful": "4",
            "trust": "4",
            "comment": wrap(name, payload),
        }

        def state():
            return list(Feedback.objects.values_list("pk", "comment"))

        url = f"/sesiones/{session.pk}/encuesta/"
        if outcome := attempt(client, url, data, state, name):
            comment = Feedback.objects.get(session=session).comment
            outcome.shows(comment)  # back on the session page
            assert_inert(get_ok(staff, f"/sesiones/{session.pk}/"), comment)


def test_planner_place(login, comunicaciones, dependency):
    client = login(comunicaciones)
    day = timezone.localdate() + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    for name, payload in PLAIN.items():
        data = {
            "plan-TOTAL_FORMS": "1",
            "plan-INITIAL_FORMS": "1",
            "plan-MIN_NUM_FORMS": "0",
            "plan-MAX_NUM_FORMS": "1000",
            "plan-0-include": "on",
            "plan-0-dependency": str(dependency.pk),
            "plan-0-day": day.isoformat(),
            "plan-0-start": "10:00",
            "plan-0-end": "11:30",
            "plan-0-place": wrap(name, payload),
            "plan-0-capacity": "30",
            # Every attempt takes the same slot: confirm the overlap warning.
            "confirmar": "1",
        }
        if attempt(client, "/sesiones/gestion/ciclo/", data, session_state, name):
            session = Session.objects.latest("pk")
            assert_inert(get_ok(client, f"/sesiones/{session.pk}/"), session.place)
    data["plan-0-place"] = "Sala 2"
    for value in ["²", "9" * 30, "9" * 5000, *PLAIN.values()]:
        data["plan-0-dependency"] = value
        url = "/sesiones/gestion/ciclo/"
        attempt(client, url, data, session_state, "x", refuse_all=True)


# --- Bulletin ------------------------------------------------------------------------


def test_bulletin_editorial_note(login, comunicaciones):
    client = login(comunicaciones)
    client.post("/propuestas/boletin/componer/")
    bulletin = Bulletin.objects.get()
    url = f"/propuestas/boletin/{bulletin.pk}/editar/"

    def state():
        bulletin.refresh_from_db()
        return bulletin.editorial_note

    for name, payload in HOSTILE.items():
        if attempt(client, url, {"note": wrap(name, payload)}, state, name):
            assert_inert(get_ok(client, f"/propuestas/boletin/{bulletin.pk}/"))
            preview = get_ok(client, f"/propuestas/boletin/{bulletin.pk}/correo/")
            assert Page(preview.content.decode()).active == []


# --- Look-ups and accounts -----------------------------------------------------------


def test_tracking_code_lookup(login, servidor):
    client = login(servidor)
    ProposalFactory()

    def state():
        return (proposal_state(), StatusChange.objects.count())

    for name, payload in HOSTILE.items():
        for value in (payload, wrap(name, payload)):
            expected = "No encontramos una propuesta"
            if len(value) > 40:
                expected = MAX_LENGTH
            elif name == "nul":
                expected = NUL
            attempt(
                client,
                "/propuestas/consultar/",
                {"code": value},
                state,
                name,
                refuse_all=True,
                expected=expected,
            )


def test_login_form(client, servidor, settings):
    settings.AXES_FAILURE_LIMIT = 1000

    def state():
        return (User.objects.count(), "_auth_user_id" in client.session)

    for index, value in enumerate(EMAILS):
        data = {"username": value, "password": "clave-cualquiera"}
        attempt(client, "/ingresar/", data, state, "x", refuse_all=True)
        data = {"username": f"nadie{index}@prueba.gov.co", "password": value}
        attempt(client, "/ingresar/", data, state, "x", refuse_all=True)
    # Valid for EmailValidator (up to 320) but longer than an account's e-mail: it
    # used to reach authenticate() and overflow django-axes' username column (500 on
    # PostgreSQL).
    data = {"username": "a" * 300 + "@prueba.gov.co", "password": "x"}
    url = "/ingresar/"
    attempt(client, url, data, state, "x", refuse_all=True, expected=MAX_LENGTH)
    for value in HOSTILE.values():
        response = client.get("/ingresar/?" + urlencode({"next": value}))
        assert response.status_code < 500
        assert_inert(response)
    response = client.post(
        "/ingresar/?" + urlencode({"next": "javascript:alert(1)"}),
        {
            "username": servidor.email,
            "password": "clave-de-prueba-2026",
            "next": "javascript:alert(1)",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_password_reset_form(client, servidor):
    def state():
        return Delivery.objects.count()

    for value in EMAILS:
        before = state()
        response = client.post("/clave/restablecer/", {"email": value}, follow=True)
        assert response.status_code < 500
        page = assert_inert(response)
        assert state() == before
        if response.redirect_chain:
            assert response.redirect_chain[-1][0] == "/clave/restablecer/enviado/"
        else:
            assert_spanish_errors(page)


def test_password_change_form(login, servidor):
    client = login(servidor)
    for name, payload in PLAIN.items():
        value = wrap(name, payload)
        data = {
            "old_password": "clave-de-prueba-2026",
            "new_password1": value,
            "new_password2": value,
        }

        def state():
            servidor.refresh_from_db()
            return servidor.password

        # Django sets no upper limit on passwords: a long one may be taken.
        long = name in TOO_LONG
        label = "long-password" if long else name
        if attempt(client, "/clave/cambiar/", data, state, label, either=long):
            servidor.set_password("clave-de-prueba-2026")
            servidor.save()
            client = login(servidor)


def test_password_reset_confirm_form(client, servidor):
    """The form behind the e-mailed link: each hostile password is either taken or
    refused in Spanish, and the page stays inert."""
    uid = urlsafe_base64_encode(force_bytes(servidor.pk))
    for name, payload in PLAIN.items():
        value = wrap(name, payload)
        token = default_token_generator.make_token(servidor)
        link = client.get(f"/clave/restablecer/{uid}/{token}/")
        assert link.status_code == 302, name  # to the form, the token in the session
        form_url = link["Location"]
        assert form_url.endswith("/set-password/")

        def state():
            servidor.refresh_from_db()
            return servidor.password

        long = name in TOO_LONG
        label = "long-password" if long else name
        data = {"new_password1": value, "new_password2": value}
        if attempt(client, form_url, data, state, label, either=long).saved:
            servidor.set_password("clave-de-prueba-2026")
            servidor.save()


def test_privacy_notice_next(servidor):
    from django.test import Client

    client = Client()
    client.force_login(servidor)
    for value in [*HOSTILE.values(), "//malo.example/", "https://malo.example/"]:
        response = client.get("/privacidad/?" + urlencode({"next": value}))
        assert response.status_code == 200
        assert_inert(response)
        response = client.post("/privacidad/", {"accept": "", "next": value})
        assert response.status_code == 200
        assert_spanish_errors(assert_inert(response), "debe marcar la casilla")
    response = client.post(
        "/privacidad/", {"accept": "on", "next": "javascript:alert(1)"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    accept_privacy(servidor)


# --- Filters and search --------------------------------------------------------------

FILTERS = [
    ("servidor", "/sesiones/", ["mes", "dependencia", "tema", "modalidad", "pagina"]),
    ("servidor", "/sesiones/archivo/", ["pagina"]),
    (
        "servidor",
        "/propuestas/",
        [
            "q",
            "estado",
            "tipo",
            "tema",
            "sesion",
            "dependencia",
            "orden",
            "vencidas",
            "pagina",
        ],
    ),
    ("servidor", "/propuestas/mias/", ["pagina"]),
    ("servidor", "/propuestas/nueva/", ["sesion"]),
    ("comunicaciones", "/sesiones/gestion/", ["estado", "mes", "pagina"]),
    ("comunicaciones", "/sesiones/gestion/ciclo/", ["month"]),
    ("comunicaciones", "/correo/", ["estado", "tipo", "pagina"]),
    ("despacho", "/propuestas/tablero/", ["desde", "hasta", "dependencia"]),
    ("despacho", "/propuestas/tablero/exportar.csv", ["desde", "hasta", "dependencia"]),
    ("despacho", "/propuestas/bandeja/", ["pagina"]),
    ("enlace", "/propuestas/seguimiento/", ["pagina"]),
]


@pytest.mark.parametrize(
    ("role", "path", "params"), FILTERS, ids=[path for _role, path, _ in FILTERS]
)
def test_list_filters_and_search(
    role, path, params, login, servidor, comunicaciones, despacho, enlace
):
    people = {
        "servidor": servidor,
        "comunicaciones": comunicaciones,
        "despacho": despacho,
        "enlace": enlace,
    }
    client = login(people[role])
    session = SessionFactory(title=wrap("script", HOSTILE["script"]))
    ProposalFactory(title=wrap("svg", HOSTILE["svg"]), session=session)
    users = User.objects.count()
    for param in params:
        # Free text gets the whole corpus; ids, months, dates and choices the odd
        # values too.
        values = HOSTILE if param == "q" else [*PLAIN.values(), *ODD_FILTER_VALUES]
        for value in values if param != "q" else values.values():
            response = client.get(f"{path}?{urlencode({param: value})}")
            assert response.status_code < 500, (param, value[:40])
            if response["Content-Type"].startswith("text/html"):
                assert_inert(response)
    combined = dict.fromkeys(params, HOSTILE["sql-drop"])
    assert client.get(f"{path}?{urlencode(combined)}").status_code < 500
    assert User.objects.count() == users


def test_month_and_date_filters_out_of_range_are_refused_in_spanish(
    login, comunicaciones, despacho
):
    staff, boss = login(comunicaciones), login(despacho)
    response = staff.get("/sesiones/?mes=100000000000000000000-01")
    assert_spanish_errors(parse(response), "Escriba el mes como AAAA-MM.")
    response = staff.get("/sesiones/gestion/ciclo/?month=9999-12")
    assert_spanish_errors(parse(response), "entre el 01/01/2000 y el 31/12/2100")
    response = boss.get("/propuestas/tablero/?hasta=9999-12-31")
    assert_spanish_errors(parse(response), "entre el 01/01/2000 y el 31/12/2100")
    assert staff.get("/sesiones/gestion/?mes=9999-12").status_code == 200


def test_hostile_ids_in_urls_are_404_not_500(login, comunicaciones):
    client = login(comunicaciones)
    huge = "9" * 30
    for url in [
        f"/sesiones/{huge}/",
        f"/sesiones/{huge}/editar/",
        f"/propuestas/{huge}/",
        f"/propuestas/sesion/{huge}/capturar/",
        f"/propuestas/boletin/{huge}/",
    ]:
        assert client.get(url).status_code == 404, url
    session = SessionFactory()
    response = client.post(f"/sesiones/{session.pk}/asistencia/{huge}/")
    assert response.status_code < 500
    response = client.post("/sesiones/gestion/", {"sesiones": ["²", huge, "9" * 5000]})
    assert response.status_code == 302
    assert Session.objects.get().status == Session.Status.PUBLISHED


def test_the_inertness_checker_catches_active_content():
    assert Page("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>").active == []
    assert Page("<script>alert(1)</script>").active
    assert Page('<script src="https://malo.example/x.js"></script>').active
    assert Page('<script src="/static/js/cafe.js"></script>').active == []
    assert Page('<img src=x onerror="alert(1)">').active
    assert Page('<a href=" java\tscript:alert(1)">x</a>').active
    assert Page('<a href="data:text/html,x">x</a>').active
    assert Page("<svg/onload=alert(1)>").active
    assert Page('<div class="invalid-feedback"><b>Ingrese</b> algo</div>').errors == [
        "Ingrese algo"
    ]
    with pytest.raises(json.JSONDecodeError):
        Page('<script type="application/json">alert(1)</script>')
