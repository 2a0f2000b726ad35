"""The proposals app's home panels: each shows exactly what waits for the person."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from cafe.testing.factories import DependencyFactory, UserFactory
from proposals import home
from proposals.models import Bulletin, Proposal, StatusChange
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

S = Proposal.Status
TODAY = date(2026, 12, 9)  # a Wednesday


def titles(panel):
    return [entry.text for entry in panel.entries]


def test_despacho_sees_proposals_to_answer_and_overdue_commitments(despacho):
    ProposalFactory(title="Recibida")
    ProposalFactory(title="En análisis", status=S.IN_ANALYSIS)
    ProposalFactory(title="Oculta", is_hidden=True)
    ProposalFactory(title="Aceptada", status=S.ACCEPTED)
    ProposalFactory(
        title="Vencida",
        status=S.IN_PROGRESS,
        due_date=timezone.localdate() - timedelta(days=1),
    )
    ProposalFactory(
        title="A tiempo",
        status=S.ACCEPTED,
        due_date=timezone.localdate() + timedelta(days=10),
    )
    assert titles(home.to_answer(despacho)) == ["Recibida", "En análisis"]
    overdue = home.overdue_commitments(despacho)
    assert titles(overdue) == ["Vencida"]
    assert overdue.entries[0].urgent is True


@time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 9, 12, 0)))
def test_liaison_sees_assigned_due_soon_and_overdue_of_their_dependency(enlace):
    mine, other = enlace.liaison_of, DependencyFactory()

    def commitment(title, days, dependency=mine):
        return ProposalFactory(
            title=title,
            status=S.ACCEPTED,
            responsible_dependency=dependency,
            due_date=TODAY + timedelta(days=days),
        )

    commitment("Vence el viernes", 2)
    commitment("Vence en un mes", 30)
    commitment("Venció ayer", -1)
    commitment("De otra dependencia", 1, other)
    ProposalFactory(title="Recibida asignada", responsible_dependency=mine)
    ProposalFactory(title="Cerrada", status=S.IMPLEMENTED, responsible_dependency=mine)

    assert sorted(titles(home.assigned(enlace))) == [
        "Recibida asignada",
        "Vence el viernes",
        "Vence en un mes",
        "Venció ayer",
    ]
    assert titles(home.due_soon(enlace)) == ["Vence el viernes"]
    assert titles(home.liaison_overdue(enlace)) == ["Venció ayer"]


def test_news_on_my_proposals_are_what_others_did_lately(servidor, despacho):
    mine = ProposalFactory(title="La mía", author=servidor)
    theirs = ProposalFactory(title="Ajena")
    now = timezone.now()

    def change(proposal, actor, days_ago=0, public=True):
        StatusChange.objects.create(
            proposal=proposal,
            event=StatusChange.Event.ANSWERED,
            to_status=S.IN_ANALYSIS,
            note="Respuesta",
            actor=actor,
            is_public=public,
            created_at=now - timedelta(days=days_ago),
        )

    change(mine, despacho)
    change(mine, servidor)  # my own note is no news
    change(mine, despacho, public=False)  # internal
    change(mine, despacho, days_ago=60)  # old
    change(theirs, despacho)
    panel = home.news_on_mine(servidor)
    assert titles(panel) == ["La mía"]
    assert panel.entries[0].note.startswith("Respuesta")


@time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 9, 12, 0)))
def test_the_bulletins_state_for_comunicaciones(comunicaciones):
    assert "aún no está compuesta" in home.bulletin_state(comunicaciones).status
    edition = Bulletin.objects.create(
        period_start=date(2026, 11, 1), period_end=date(2026, 11, 30)
    )
    panel = home.bulletin_state(comunicaciones)
    assert "noviembre de 2026 está en borrador" in panel.status
    assert panel.more_url == f"/propuestas/boletin/{edition.pk}/"
    Bulletin.objects.filter(pk=edition.pk).update(status=Bulletin.Status.APPROVED)
    assert "aprobada" in home.bulletin_state(UserFactory()).status
