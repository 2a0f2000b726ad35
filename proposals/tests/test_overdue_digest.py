"""The weekly follow-up digest, with frozen dates: each dependency's liaisons get one
digest of their own commitments that are overdue or due within 7 days, Despacho gets
the entity-wide summary, and each person gets at most one per ISO week."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cafe.notify.models import Delivery
from cafe.testing.factories import DependencyFactory, UserFactory
from proposals.communications import send_overdue_digests
from proposals.models import Proposal
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db
BOGOTA = ZoneInfo("America/Bogota")
S = Proposal.Status
ENLACE = "Enlace de dependencia"
WEDNESDAY = date(2026, 12, 2)  # ISO week 2026-W49 (Monday 30 November - Sunday 6)


def commitment(title, dependency, due, status=S.ACCEPTED, **kwargs):
    return ProposalFactory(
        title=title,
        author=None,
        created_at=datetime(2026, 9, 1, 9, tzinfo=BOGOTA),
        responsible_dependency=dependency,
        status=status,
        commitment=f"Compromiso: {title}",
        accepted_at=datetime(2026, 10, 1, 9, tzinfo=BOGOTA),
        due_date=due,
        **kwargs,
    )


def run(day, capture):
    """The digest as the Monday job would run it on ``day`` (7:30 in Bogotá)."""
    moment = datetime.combine(day, time(7, 30), BOGOTA)
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return send_overdue_digests(today=day)


def bodies(mailoutbox) -> dict[str, list[str]]:
    by_person: dict[str, list[str]] = {}
    for message in mailoutbox:
        [to] = message.to
        by_person.setdefault(to, []).append(message.body)
    return by_person


DUE_FOR_A = [
    "Vencida hace una semana",
    "Vence hoy",
    "En implementación, vence en 3 días",
    "Vence en 7 días",
]
NOT_DUE = [
    "Vence en 8 días",
    "Vence en 10 días",
    "Implementada con fecha vencida",
    "No viable con fecha vencida",
    "Oculta y vencida",
    "En análisis sin compromiso",
]


@pytest.fixture
def entity(dependency, enlace, despacho):
    other = DependencyFactory(name="Oficina de Control Interno")
    calm = DependencyFactory(name="Dirección sin pendientes")
    second = UserFactory(role=ENLACE, dependency=dependency, liaison_of=dependency)
    other_liaison = UserFactory(role=ENLACE, dependency=other, liaison_of=other)
    calm_liaison = UserFactory(role=ENLACE, dependency=calm, liaison_of=calm)
    retired = UserFactory(
        role=ENLACE, dependency=dependency, liaison_of=dependency, is_active=False
    )
    # Marked as liaison but without the role: not a liaison.
    no_role = UserFactory(dependency=dependency, liaison_of=dependency)
    bystander = UserFactory(dependency=dependency)
    former_despacho = UserFactory(role="Despacho", is_active=False)

    day = WEDNESDAY
    commitment(DUE_FOR_A[0], dependency, date(2026, 11, 25))
    commitment(DUE_FOR_A[1], dependency, day)
    commitment(DUE_FOR_A[2], dependency, date(2026, 12, 5), status=S.IN_PROGRESS)
    commitment(DUE_FOR_A[3], dependency, date(2026, 12, 9))
    commitment(NOT_DUE[0], dependency, date(2026, 12, 10))
    commitment(NOT_DUE[1], dependency, date(2026, 12, 12))
    commitment(
        NOT_DUE[2],
        dependency,
        date(2026, 11, 20),
        status=S.IMPLEMENTED,
        implemented_at=datetime(2026, 11, 19, 9, tzinfo=BOGOTA),
    )
    commitment(
        NOT_DUE[3],
        dependency,
        date(2026, 11, 20),
        status=S.NOT_VIABLE,
        closed_at=datetime(2026, 11, 19, 9, tzinfo=BOGOTA),
    )
    commitment(NOT_DUE[4], dependency, date(2026, 11, 20), is_hidden=True)
    commitment(NOT_DUE[5], dependency, date(2026, 11, 20), status=S.IN_ANALYSIS)
    commitment("Control Interno vencida", other, date(2026, 12, 1))
    commitment("Sin pendientes: vence en febrero", calm, date(2027, 2, 15))
    commitment(
        "Sin pendientes: ya implementada",
        calm,
        date(2026, 11, 1),
        status=S.IMPLEMENTED,
        implemented_at=datetime(2026, 10, 30, 9, tzinfo=BOGOTA),
    )
    return {
        "a": [enlace, second],
        "other": other_liaison,
        "calm": calm_liaison,
        "despacho": despacho,
        "nobody": [retired, no_role, bystander, former_despacho],
    }


def test_one_digest_per_liaison_with_only_their_due_commitments(
    entity, mailoutbox, django_capture_on_commit_callbacks
):
    sent = run(WEDNESDAY, django_capture_on_commit_callbacks)
    assert sent == {"liaisons": 3, "despacho": 1}
    got = bodies(mailoutbox)
    liaisons = [*entity["a"], entity["other"]]
    assert sorted(got) == sorted(u.email for u in [*liaisons, entity["despacho"]])
    assert all(len(messages) == 1 for messages in got.values())

    for liaison in entity["a"]:
        [body] = got[liaison.email]
        for title in DUE_FOR_A:
            assert title in body
        for title in [*NOT_DUE, "Control Interno vencida", "Sin pendientes"]:
            assert title not in body
        assert "VENCIDOS (1):" in body
        assert "venció el 25/11/2026" in body
        assert "POR VENCER (3):" in body
        assert "vence el 09/12/2026" in body
        assert "/propuestas/?vencidas=on" in body
    [other] = got[entity["other"].email]
    assert "Control Interno vencida" in other
    for title in [*DUE_FOR_A, *NOT_DUE]:
        assert title not in other

    assert entity["calm"].email not in got
    for person in entity["nobody"]:
        assert person.email not in got

    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert subjects[entity["other"].email] == (
        "Compromisos de su dependencia vencidos o por vencer"
    )


def test_despacho_gets_one_entity_wide_summary(
    entity, mailoutbox, django_capture_on_commit_callbacks
):
    run(WEDNESDAY, django_capture_on_commit_callbacks)
    [summary] = [m for m in mailoutbox if m.to == [entity["despacho"].email]]
    assert summary.subject == "Resumen semanal: compromisos vencidos o por vencer"
    for title in [*DUE_FOR_A, "Control Interno vencida"]:
        assert title in summary.body
    for title in [*NOT_DUE, "Sin pendientes"]:
        assert title not in summary.body
    assert "Oficina de Control Interno" in summary.body  # the summary names the office
    assert "VENCIDOS (2):" in summary.body
    assert "POR VENCER (3):" in summary.body
    [row] = Delivery.objects.filter(recipient=entity["despacho"])
    assert row.idempotency_key == f"overdue-summary:2026-W49:{entity['despacho'].pk}"
    assert row.kind == "overdue_digest"


def test_once_per_iso_week(entity, mailoutbox, django_capture_on_commit_callbacks):
    run(WEDNESDAY, django_capture_on_commit_callbacks)
    first = len(mailoutbox)
    assert first == 4
    # Later the same ISO week (Sunday 6 December): nothing more.
    run(date(2026, 12, 6), django_capture_on_commit_callbacks)
    assert len(mailoutbox) == first
    assert Delivery.objects.count() == first
    # Monday 7 December is week 50: one more each, with the new due dates.
    run(date(2026, 12, 7), django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2 * first
    assert Delivery.objects.count() == 2 * first
    week_50 = bodies(mailoutbox[first:])
    assert all(len(messages) == 1 for messages in week_50.values())
    [body] = week_50[entity["a"][0].email]
    assert "Vence en 8 días" in body  # now due on Thursday 10, in three days
    assert "Vence en 10 días" in body  # due Saturday 12, in five days
    assert "VENCIDOS (3):" in body  # due on 25/11, 02/12 and 05/12
    run(date(2026, 12, 8), django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2 * first


def test_the_iso_week_across_the_new_year(
    entity, mailoutbox, django_capture_on_commit_callbacks
):
    # Thursday 31 December 2026 and Friday 1 January 2027 are both in 2026-W53.
    run(date(2026, 12, 31), django_capture_on_commit_callbacks)
    first = len(mailoutbox)
    assert first == 4
    run(date(2027, 1, 1), django_capture_on_commit_callbacks)
    assert len(mailoutbox) == first
    run(date(2027, 1, 4), django_capture_on_commit_callbacks)  # 2027-W01
    assert len(mailoutbox) == 2 * first


def test_nothing_due_sends_nothing_at_all(
    dependency, enlace, despacho, mailoutbox, django_capture_on_commit_callbacks
):
    commitment("Vence en 10 días", dependency, date(2026, 12, 12))
    commitment(
        "Implementada",
        dependency,
        date(2026, 11, 1),
        status=S.IMPLEMENTED,
        implemented_at=datetime(2026, 10, 30, 9, tzinfo=BOGOTA),
    )
    commitment("No viable", dependency, date(2026, 11, 1), status=S.NOT_VIABLE)
    sent = run(WEDNESDAY, django_capture_on_commit_callbacks)
    assert sent == {"liaisons": 0, "despacho": 0}
    assert mailoutbox == []
    assert not Delivery.objects.exists()
