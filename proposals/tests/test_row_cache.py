"""Proposal rows are rendered once and then read from the cache (cafe.fragments),
under a key made of everything they show: any change is seen on the next visit."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from cafe import fragments
from cafe.org.models import Dependency
from proposals.models import Proposal
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def rows(client) -> str:
    """The list of proposals of the page (not the filters, not the CSRF token)."""
    page = client.get(reverse("proposals:list")).content.decode()
    start = page.index('<ul class="list-group')
    return page[start : page.index("</ul>", start)]


def test_the_second_visit_reads_the_rows_from_the_cache(login, servidor, monkeypatch):
    ProposalFactory.create_batch(3)
    client = login(servidor)
    first = rows(client)
    rendered = []
    original = fragments.get_template

    def counting(name):
        template = original(name)
        rendered.append(name)
        return template

    monkeypatch.setattr(fragments, "get_template", counting)
    monkeypatch.setattr(
        fragments.cache, "set_many", lambda *a, **k: rendered.append("set")
    )
    assert rows(client) == first
    assert "set" not in rendered  # every row was found


def test_a_change_to_anything_a_row_shows_is_seen_at_once(login, servidor):
    proposal = ProposalFactory(title="Ventanilla única de viáticos")
    client = login(servidor)
    assert "Ventanilla única de viáticos" in rows(client)

    Proposal.objects.filter(pk=proposal.pk).update(title="Viáticos en línea")
    page = rows(client)
    assert "Viáticos en línea" in page and "Ventanilla única" not in page

    Proposal.objects.filter(pk=proposal.pk).update(support_count=7)
    assert "7 apoyos" in rows(client)

    dependency = Dependency.objects.create(name="Dirección de Talento Humano")
    Proposal.objects.filter(pk=proposal.pk).update(
        status=Proposal.Status.ACCEPTED,
        responsible_dependency=dependency,
        due_date=timezone.localdate() - timedelta(days=1),
    )
    page = rows(client)
    assert "Dirección de Talento Humano" in page
    assert "Compromiso vencido" in page

    Dependency.objects.filter(pk=dependency.pk).update(name="Talento Humano")
    page = rows(client)
    assert "Talento Humano" in page and "Dirección de Talento" not in page


def test_a_row_cached_yesterday_is_not_shown_today(login, servidor, monkeypatch):
    ProposalFactory(
        status=Proposal.Status.ACCEPTED, due_date=timezone.localdate() + timedelta(1)
    )
    client = login(servidor)
    assert "Compromiso vencido" not in rows(client)
    tomorrow = timezone.localdate() + timedelta(days=2)
    monkeypatch.setattr(fragments.timezone, "localdate", lambda: tomorrow)
    assert "Compromiso vencido" in rows(client)


def test_a_template_change_renders_afresh(settings, tmp_path):
    fragments.templates_digest.cache_clear()
    before = fragments.templates_digest()
    (tmp_path / "extra.html").write_text("<p>otra</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    fragments.templates_digest.cache_clear()
    try:
        assert fragments.templates_digest() != before
    finally:
        fragments.templates_digest.cache_clear()
        cache.clear()


def test_the_key_covers_related_and_prefetched_objects(servidor):
    from django.db.models import Prefetch

    from cafe.testing.factories import UserFactory
    from proposals import services
    from proposals.models import Support

    proposal = ProposalFactory()
    today = timezone.localdate()

    def keys():
        plain = Proposal.objects.select_related("author").get(pk=proposal.pk)
        prefetched = Proposal.objects.prefetch_related("supports").get(pk=proposal.pk)
        to_attr = Proposal.objects.prefetch_related(
            Prefetch("supports", queryset=Support.objects.all(), to_attr="listed")
        ).get(pk=proposal.pk)
        return [
            fragments._key("proposals/_row.html", {"proposal": p}, today)
            for p in (plain, prefetched, to_attr)
        ]

    before = keys()
    assert keys() == before  # the same values, the same keys
    services.support_proposal(proposal=proposal, user=UserFactory())
    after = keys()
    assert after[1] != before[1] and after[2] != before[2]
    Support.objects.filter(proposal=proposal).update(user=servidor)
    assert keys()[1:] != after[1:]
    author = proposal.author
    author.full_name = "Otro nombre"
    author.save()
    assert keys()[0] != after[0]


def test_an_edited_template_is_rendered_afresh_by_runserver(tmp_path):
    """runserver reloads templates without restarting (``file_changed``): the
    digest and the top bar's markup are forgotten."""
    from django.utils.autoreload import file_changed

    from cafe.org import navigation

    before = fragments.templates_digest()
    navigation._markup((), -1, "es-co", None, "/")
    assert navigation._markup.cache_info().currsize
    file_changed.send(sender=None, file_path=tmp_path / "x.py")
    assert fragments.templates_digest.cache_info().currsize == 1
    file_changed.send(sender=None, file_path=tmp_path / "base.html")
    assert fragments.templates_digest.cache_info().currsize == 0
    assert navigation._markup.cache_info().currsize == 0
    assert fragments.templates_digest() == before  # nothing changed on disk
