"""The stored support count (``Proposal.support_count``): every write that adds,
removes or moves supports keeps it equal to the Support rows, the pages show it and
the "Más apoyadas" order follows it, and the list never aggregates the supports."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cafe.testing.factories import UserFactory
from proposals import services
from proposals.models import Proposal, Support
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def stored(proposal) -> int:
    return Proposal.objects.get(pk=proposal.pk).support_count


def rows(proposal) -> int:
    return Support.objects.filter(proposal=proposal).count()


def assert_exact(*proposals) -> None:
    for proposal in proposals:
        assert stored(proposal) == rows(proposal), proposal.title


def test_support_withdraw_and_double_support_keep_the_count_exact():
    proposal = ProposalFactory()
    first, second = UserFactory(), UserFactory()
    assert stored(proposal) == 0
    assert services.support_proposal(proposal=proposal, user=first) is True
    assert stored(proposal) == 1
    # Supporting twice is refused by the unique constraint: the count stays.
    assert services.support_proposal(proposal=proposal, user=first) is False
    assert stored(proposal) == 1
    assert services.support_proposal(proposal=proposal, user=second) is True
    assert stored(proposal) == 2
    assert services.withdraw_support(proposal=proposal, user=first) is True
    assert stored(proposal) == 1
    # Withdrawing a support one does not have changes nothing.
    assert services.withdraw_support(proposal=proposal, user=first) is False
    assert stored(proposal) == 1
    assert services.withdraw_support(proposal=proposal, user=second) is True
    assert stored(proposal) == 0
    assert_exact(proposal)


def test_refused_supports_do_not_count():
    author = UserFactory()
    own = ProposalFactory(author=author)
    hidden = ProposalFactory(is_hidden=True, hidden_reason="Ofensiva")
    for proposal in (own, hidden):
        with pytest.raises(ValidationError):
            services.support_proposal(proposal=proposal, user=author)
    assert stored(own) == 0
    assert stored(hidden) == 0


def test_the_support_button_updates_the_count_the_page_shows(login, servidor):
    proposal = ProposalFactory(title="Ventanilla única")
    services.support_proposal(proposal=proposal, user=UserFactory())
    client = login(servidor)
    client.post(f"/propuestas/{proposal.pk}/apoyo/")
    assert stored(proposal) == 2
    assert "2 apoyos" in client.get(f"/propuestas/{proposal.pk}/").content.decode()
    listed = client.get("/propuestas/").context["page"].object_list
    assert [(p.title, p.support_count) for p in listed] == [("Ventanilla única", 2)]
    client.post(f"/propuestas/{proposal.pk}/apoyo/")  # withdraw
    assert stored(proposal) == 1
    assert "1 apoyo" in client.get(f"/propuestas/{proposal.pk}/").content.decode()
    assert_exact(proposal)


def test_duplicate_merge_moves_the_supports_and_both_counts(comunicaciones):
    original, copy = ProposalFactory(), ProposalFactory()
    both, only_copy, only_original = UserFactory(), UserFactory(), UserFactory()
    for user in (both, only_copy, original.author):
        services.support_proposal(proposal=copy, user=user)
    for user in (both, only_original):
        services.support_proposal(proposal=original, user=user)
    assert (stored(copy), stored(original)) == (3, 2)
    services.mark_duplicate(
        proposal_id=copy.pk, original_id=original.pk, actor=comunicaciones
    )
    # Moved: only_copy. Already there: both. Not moved: the original's own author.
    supporters = set(
        Support.objects.filter(proposal=original).values_list("user", flat=True)
    )
    assert supporters == {both.pk, only_copy.pk, only_original.pk}
    assert (stored(copy), stored(original)) == (0, 3)
    assert_exact(copy, original)


def test_deleting_a_person_takes_their_supports_off_the_counts():
    first, second, third = ProposalFactory(), ProposalFactory(), ProposalFactory()
    leaving, staying = UserFactory(), UserFactory()
    for proposal in (first, second):
        services.support_proposal(proposal=proposal, user=leaving)
    for proposal in (first, third):
        services.support_proposal(proposal=proposal, user=staying)
    leaving.delete()  # CASCADE deletes the Support rows
    assert [stored(p) for p in (first, second, third)] == [1, 0, 1]
    assert_exact(first, second, third)


def test_admin_adding_and_deleting_supports_recounts(login, superuser):
    proposal, other = ProposalFactory(), ProposalFactory()
    person, another = UserFactory(), UserFactory()
    client = login(superuser)
    response = client.post(
        "/admin/proposals/support/add/", {"proposal": proposal.pk, "user": person.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert stored(proposal) == 1
    support = Support.objects.get(proposal=proposal, user=person)
    # Moving a support to another proposal recounts both.
    client.post(
        f"/admin/proposals/support/{support.pk}/change/",
        {"proposal": other.pk, "user": person.pk},
    )
    assert (stored(proposal), stored(other)) == (0, 1)
    client.post(f"/admin/proposals/support/{support.pk}/delete/", {"post": "yes"})
    assert stored(other) == 0
    services.support_proposal(proposal=proposal, user=person)
    services.support_proposal(proposal=proposal, user=another)
    client.post(
        "/admin/proposals/support/",
        {
            "action": "delete_selected",
            "_selected_action": list(
                Support.objects.filter(user=person).values_list("pk", flat=True)
            ),
            "post": "yes",
        },
    )
    assert stored(proposal) == 1
    assert_exact(proposal, other)


def test_sorting_by_supports_follows_the_count(login, servidor):
    now = timezone.now()
    old = ProposalFactory(title="Antigua", created_at=now - timedelta(days=3))
    middle = ProposalFactory(title="Intermedia", created_at=now - timedelta(days=2))
    new = ProposalFactory(title="Nueva", created_at=now - timedelta(days=1))
    people = UserFactory.create_batch(3)
    for person in people:
        services.support_proposal(proposal=old, user=person)
    services.support_proposal(proposal=middle, user=people[0])
    client = login(servidor)

    def order():
        response = client.get("/propuestas/", {"orden": "apoyos"})
        return [(p.title, p.support_count) for p in response.context["page"]]

    assert order() == [("Antigua", 3), ("Intermedia", 1), ("Nueva", 0)]
    for person in people[1:]:
        services.support_proposal(proposal=new, user=person)
        services.withdraw_support(proposal=old, user=person)
    # A tie (1 and 1) goes to the newest first, as the default order.
    assert order() == [("Nueva", 2), ("Intermedia", 1), ("Antigua", 1)]


def test_the_list_pages_do_not_aggregate_the_supports(login, despacho):
    proposal = ProposalFactory(status=Proposal.Status.RECEIVED)
    services.support_proposal(proposal=proposal, user=UserFactory())
    client = login(despacho)
    for url in ("/propuestas/", "/propuestas/?orden=apoyos", "/propuestas/bandeja/"):
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200, url
        proposal_queries = [
            q["sql"]
            for q in context.captured_queries
            if "proposals_proposal" in q["sql"]
        ]
        assert proposal_queries, url
        for sql in proposal_queries:
            assert "GROUP BY" not in sql, (url, sql)
            assert 'COUNT("proposals_support' not in sql, (url, sql)
        counts = [sql for sql in proposal_queries if "COUNT(*)" in sql]
        # The paginator's count: one plain COUNT(*) over the filtered rows, or over
        # their bare ids stopped at the limit (no join, no per-row subquery).
        assert len(counts) == 1, url
        bounded = counts[0].startswith("SELECT COUNT(*) FROM (")
        assert not bounded or counts[0].endswith("LIMIT 1001) subquery"), url
        assert "JOIN" not in counts[0] and "EXISTS" not in counts[0], url


def test_the_migration_backfills_the_counts():
    """The data migration (0004) sets every count from the Support table."""
    migration = importlib.import_module(
        "proposals.migrations.0004_support_count_and_search_document"
    )
    supported, unsupported = ProposalFactory(), ProposalFactory()
    Support.objects.bulk_create(  # bulk inserts skip the services' counting
        Support(proposal=supported, user=user) for user in UserFactory.create_batch(4)
    )
    Proposal.objects.update(support_count=7)  # whatever was there before
    migration.backfill(apps, None)
    assert (stored(supported), stored(unsupported)) == (4, 0)
