"""What an answer and a merge leave behind: the status, the inbox, the pages."""

import pytest
from django.urls import reverse

from proposals import services
from proposals.models import Proposal, StatusChange
from proposals.services.capture import hash_tracking_code
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db
S = Proposal.Status


def test_an_answered_question_is_respondida_and_leaves_the_inbox(login, despacho):
    question = ProposalFactory(kind=Proposal.Kind.QUESTION)
    client = login(despacho)
    assert question.title in client.get(reverse("proposals:inbox")).content.decode()

    response = client.post(
        reverse("proposals:answer", args=[question.pk]),
        {"answer": "Sí: el teletrabajo sigue igual en 2027."},
    )

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == S.ANSWERED
    assert not question.is_open
    row = StatusChange.objects.filter(proposal=question).order_by("pk").last()
    assert (row.event, row.from_status, row.to_status) == (
        StatusChange.Event.ANSWERED,
        S.RECEIVED,
        S.ANSWERED,
    )
    assert question.title not in client.get(reverse("proposals:inbox")).content.decode()
    page = client.get(reverse("proposals:detail", args=[question.pk])).content.decode()
    assert "Respondida" in page
    assert "Recibida</span>" not in page


def test_an_answered_proposal_moves_from_recibida_to_analysis(despacho):
    proposal = ProposalFactory(kind=Proposal.Kind.PROPOSAL)
    services.answer_proposal(
        proposal_id=proposal.pk, actor=despacho, answer="La revisamos con el área."
    )
    proposal.refresh_from_db()
    assert proposal.status == S.IN_ANALYSIS
    row = StatusChange.objects.filter(proposal=proposal).order_by("pk").last()
    assert (row.from_status, row.to_status) == (S.RECEIVED, S.IN_ANALYSIS)


def test_an_answer_keeps_a_later_status(despacho):
    proposal = ProposalFactory(status=S.IN_PROGRESS)
    services.answer_proposal(
        proposal_id=proposal.pk, actor=despacho, answer="Va en el segundo piloto."
    )
    proposal.refresh_from_db()
    assert proposal.status == S.IN_PROGRESS


def test_a_duplicate_shows_no_empty_moderation_card(login, comunicaciones):
    original = ProposalFactory()
    copy = ProposalFactory()
    services.mark_duplicate(
        proposal_id=copy.pk, original_id=original.pk, actor=comunicaciones
    )
    client = login(comunicaciones)

    page = client.get(reverse("proposals:detail", args=[copy.pk])).content.decode()

    assert 'id="t-moderar"' not in page
    assert reverse("proposals:detail", args=[original.pk]) in page
    # A proposal that is not merged still has its moderation card.
    other = client.get(reverse("proposals:detail", args=[original.pk]))
    assert 'id="t-moderar"' in other.content.decode()


def test_the_code_of_a_merged_proposal_leads_to_the_original(
    login, servidor, comunicaciones, despacho
):
    original = ProposalFactory(title="Horario flexible los viernes")
    services.change_status(
        proposal_id=original.pk,
        actor=despacho,
        new_status=S.IN_ANALYSIS,
        note="La revisa Talento Humano.",
    )
    code = "ABCD-EFGH-JKLM"
    merged = ProposalFactory(
        author=None,
        is_anonymous=True,
        tracking_code_hash=hash_tracking_code(code),
    )
    services.mark_duplicate(
        proposal_id=merged.pk, original_id=original.pk, actor=comunicaciones
    )

    response = login(servidor).post(reverse("proposals:lookup"), {"code": code})

    page = response.content.decode()
    assert response.status_code == 200
    assert merged.title in page
    assert "Horario flexible los viernes" in page
    assert reverse("proposals:detail", args=[original.pk]) in page
    assert "En análisis" in page
