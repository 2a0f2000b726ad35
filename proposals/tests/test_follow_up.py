from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cafe.common.business_days import add_business_days
from cafe.notify.models import Delivery
from cafe.testing.factories import DependencyFactory, UserFactory
from proposals import services
from proposals.models import Proposal, StatusChange, Support
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db
S = Proposal.Status


def in_status(status, despacho, dependency=None):
    """Walk a new proposal to ``status`` through the real services."""
    if status == S.ANSWERED:
        question = ProposalFactory(kind=Proposal.Kind.QUESTION)
        services.answer_proposal(
            proposal_id=question.pk, actor=despacho, answer="Sí, desde enero."
        )
        question.refresh_from_db()
        return question
    proposal = ProposalFactory(responsible_dependency=dependency)
    path = {
        S.RECEIVED: [],
        S.IN_ANALYSIS: [S.IN_ANALYSIS],
        S.ACCEPTED: [S.IN_ANALYSIS, S.ACCEPTED],
        S.IN_PROGRESS: [S.IN_ANALYSIS, S.ACCEPTED, S.IN_PROGRESS],
        S.IMPLEMENTED: [S.IN_ANALYSIS, S.ACCEPTED, S.IN_PROGRESS, S.IMPLEMENTED],
        S.NOT_VIABLE: [S.NOT_VIABLE],
    }[status]
    for step in path:
        if step == S.ACCEPTED:
            services.accept_proposal(
                proposal_id=proposal.pk,
                actor=despacho,
                commitment="Hacerlo este semestre",
                due_date=None,
                note="Aceptada",
                dependency=dependency or DependencyFactory(),
            )
        else:
            services.change_status(
                proposal_id=proposal.pk,
                actor=despacho,
                new_status=step,
                note="Nota del cambio",
                outcome="Formulario en línea funcionando",
                impact="Todo el personal ahorra dos horas al mes",
            )
    proposal.refresh_from_db()
    assert proposal.status == status
    return proposal


ALLOWED = {
    (S.RECEIVED, S.IN_ANALYSIS),
    (S.RECEIVED, S.NOT_VIABLE),
    (S.IN_ANALYSIS, S.ACCEPTED),
    (S.IN_ANALYSIS, S.NOT_VIABLE),
    (S.ACCEPTED, S.IN_PROGRESS),
    (S.ACCEPTED, S.NOT_VIABLE),
    (S.IN_PROGRESS, S.IMPLEMENTED),
    (S.IN_PROGRESS, S.NOT_VIABLE),
}


def test_the_transition_table_is_exactly_the_documented_flow():
    table = {(old, new) for old, news in services.TRANSITIONS.items() for new in news}
    assert table == ALLOWED


@pytest.mark.parametrize("old", S.values)
@pytest.mark.parametrize("new", S.values)
def test_every_transition_works_or_is_refused_with_a_message(old, new, despacho):
    proposal = in_status(old, despacho)
    changes_before = StatusChange.objects.filter(proposal=proposal).count()
    if (old, new) in ALLOWED:
        if new == S.ACCEPTED:
            services.accept_proposal(
                proposal_id=proposal.pk,
                actor=despacho,
                commitment="Compromiso concreto",
                due_date=None,
                note="Se acepta",
                dependency=DependencyFactory(),
            )
        else:
            services.change_status(
                proposal_id=proposal.pk,
                actor=despacho,
                new_status=new,
                note="Nota del cambio",
                outcome="Resultado concreto",
                impact="Impacto para el personal",
            )
        proposal.refresh_from_db()
        assert proposal.status == new
        last = StatusChange.objects.filter(proposal=proposal).order_by("pk").last()
        assert (last.from_status, last.to_status, last.actor) == (old, new, despacho)
    else:
        with pytest.raises(ValidationError) as error:
            services.change_status(
                proposal_id=proposal.pk, actor=despacho, new_status=new, note="Intento"
            )
        assert "No se puede pasar" in str(error.value) or "Para aceptar" in str(
            error.value
        )
        proposal.refresh_from_db()
        assert proposal.status == old
        assert StatusChange.objects.filter(proposal=proposal).count() == changes_before


def test_a_note_is_required_and_nothing_changes_without_it(despacho):
    proposal = ProposalFactory()
    with pytest.raises(ValidationError, match="falta el texto"):
        services.change_status(
            proposal_id=proposal.pk, actor=despacho, new_status=S.IN_ANALYSIS, note="  "
        )
    proposal.refresh_from_db()
    assert proposal.status == S.RECEIVED
    assert not StatusChange.objects.filter(proposal=proposal, event="estado").exists()


def test_implemented_requires_outcome_and_impact(despacho):
    proposal = in_status(S.IN_PROGRESS, despacho)
    with pytest.raises(ValidationError, match="El impacto"):
        services.change_status(
            proposal_id=proposal.pk,
            actor=despacho,
            new_status=S.IMPLEMENTED,
            note="Listo",
            outcome="Se hizo",
            impact="",
        )
    proposal.refresh_from_db()
    assert proposal.status == S.IN_PROGRESS


def test_not_viable_keeps_the_note_as_its_reason(despacho):
    proposal = ProposalFactory()
    services.change_status(
        proposal_id=proposal.pk,
        actor=despacho,
        new_status=S.NOT_VIABLE,
        note="El edificio es arrendado y no admite obras.",
    )
    proposal.refresh_from_db()
    assert proposal.closing_reason == "El edificio es arrendado y no admite obras."
    assert proposal.closed_at is not None


def test_accept_needs_a_dependency_and_a_future_date(despacho):
    proposal = in_status(S.IN_ANALYSIS, despacho)
    with pytest.raises(ValidationError, match="Asigne una dependencia"):
        services.accept_proposal(
            proposal_id=proposal.pk,
            actor=despacho,
            commitment="Hacerlo",
            due_date=None,
            note="Nota",
        )
    with pytest.raises(ValidationError, match="debe ser futura"):
        services.accept_proposal(
            proposal_id=proposal.pk,
            actor=despacho,
            commitment="Hacerlo",
            due_date=timezone.localdate(),
            note="Nota",
            dependency=DependencyFactory(),
        )
    proposal.refresh_from_db()
    assert proposal.status == S.IN_ANALYSIS


def test_accept_defaults_the_due_date_to_business_days(despacho, settings):
    settings.PROPOSALS_COMMITMENT_BUSINESS_DAYS = 10
    proposal = in_status(S.IN_ANALYSIS, despacho)
    services.accept_proposal(
        proposal_id=proposal.pk,
        actor=despacho,
        commitment="Hacerlo",
        due_date=None,
        note="Nota",
        dependency=DependencyFactory(),
    )
    proposal.refresh_from_db()
    assert proposal.due_date == add_business_days(timezone.localdate(), 10)


def test_business_days_skip_a_monday_festivo():
    # Friday 2027-01-08; Monday 2027-01-11 is the Reyes Magos holiday in Colombia.
    assert add_business_days(date(2027, 1, 8), 1) == date(2027, 1, 12)
    assert add_business_days(date(2027, 1, 8), 5) == date(2027, 1, 18)
    # Semana Santa 2027: Thursday 25 and Friday 26 March are holidays.
    assert add_business_days(date(2027, 3, 24), 1) == date(2027, 3, 29)
    # 15 business days from Wednesday 2026-12-02 skip 8 and 25 December.
    assert add_business_days(date(2026, 12, 2), 15) == date(2026, 12, 24)


def test_a_servidor_cannot_change_any_status(login, servidor):
    proposal = ProposalFactory()
    with pytest.raises(PermissionDenied):
        services.change_status(
            proposal_id=proposal.pk, actor=servidor, new_status=S.IN_ANALYSIS, note="Yo"
        )
    client = login(servidor)
    response = client.post(
        f"/propuestas/{proposal.pk}/estado/",
        {"new_status": "en_analisis", "note": "Yo"},
    )
    assert response.status_code == 403
    for path in ("aceptar", "asignar", "responder", "avance", "ocultar", "duplicada"):
        assert client.post(f"/propuestas/{proposal.pk}/{path}/", {}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == S.RECEIVED


def test_a_liaison_moves_only_their_dependency_s_accepted_work(
    login, despacho, enlace, dependency, other_dependency
):
    own = in_status(S.ACCEPTED, despacho, dependency=dependency)
    foreign = in_status(S.ACCEPTED, despacho, dependency=other_dependency)
    client = login(enlace)
    response = client.post(
        f"/propuestas/{foreign.pk}/estado/",
        {"new_status": "en_implementacion", "note": "Empezamos"},
    )
    assert response.status_code == 403
    assert (
        client.post(f"/propuestas/{foreign.pk}/avance/", {"note": "Algo"}).status_code
        == 403
    )
    foreign.refresh_from_db()
    assert foreign.status == S.ACCEPTED

    client.post(
        f"/propuestas/{own.pk}/estado/",
        {"new_status": "en_implementacion", "note": "Empezamos"},
    )
    client.post(f"/propuestas/{own.pk}/avance/", {"note": "Primer piloto listo"})
    client.post(
        f"/propuestas/{own.pk}/estado/",
        {
            "new_status": "implementada",
            "note": "Terminado",
            "outcome": "Formulario en producción",
            "impact": "Trámite de 5 días pasa a 1 día",
        },
    )
    own.refresh_from_db()
    assert own.status == S.IMPLEMENTED
    assert own.impact == "Trámite de 5 días pasa a 1 día"
    assert StatusChange.objects.filter(proposal=own, event="avance").count() == 1
    # A liaison may not declare a proposal not viable: that is Despacho's answer.
    other = in_status(S.ACCEPTED, despacho, dependency=dependency)
    with pytest.raises(PermissionDenied):
        services.change_status(
            proposal_id=other.pk, actor=enlace, new_status=S.NOT_VIABLE, note="No"
        )


def test_every_change_mails_the_author_and_supporters_once(
    despacho, mailoutbox, django_capture_on_commit_callbacks
):
    author, fan, former_fan = UserFactory(), UserFactory(), UserFactory()
    proposal = ProposalFactory(author=author)
    Support.objects.create(proposal=proposal, user=fan)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(
            proposal_id=proposal.pk,
            actor=despacho,
            new_status=S.IN_ANALYSIS,
            note="La analiza la Oficina de Planeación",
        )
    assert sorted(m.to[0] for m in mailoutbox) == sorted([author.email, fan.email])
    assert all("La analiza la Oficina de Planeación" in m.body for m in mailoutbox)
    assert former_fan.email not in [m.to[0] for m in mailoutbox]
    assert Delivery.objects.filter(kind="proposal_changed").count() == 2


def test_overdue_commitments_are_marked_everywhere(login, despacho, servidor):
    proposal = in_status(S.ACCEPTED, despacho)
    Proposal.objects.filter(pk=proposal.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    client = login(servidor)
    assert (
        "Compromiso vencido"
        in client.get(f"/propuestas/{proposal.pk}/").content.decode()
    )
    listing = client.get("/propuestas/?vencidas=on")
    assert [p.pk for p in listing.context["page"].object_list] == [proposal.pk]
    assert "Compromiso vencido" in listing.content.decode()
    board = login(despacho).get("/propuestas/tablero/")
    assert board.context["dashboard"].figures["overdue"] == 1
    assert [p.pk for p in board.context["dashboard"].overdue] == [proposal.pk]
