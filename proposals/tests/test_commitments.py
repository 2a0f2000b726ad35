"""Commitments at the service level: agreements of a session as commitments, due-date
extensions (the liaison asks, Despacho decides once, the original date stays), the
escalation of overdue commitments to the dependency's head, and "lo que dijimos y lo
que sigue" in the conclusions e-mail and the Soy 10. Dates are frozen; December 2026
has a festivo on Tuesday the 8th."""

from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from cafe.notify.models import Delivery
from cafe.testing.factories import DependencyFactory, UserFactory
from proposals import bulletin, dashboard, selectors, services
from proposals.communications import send_overdue_digests
from proposals.dashboard import Period
from proposals.models import DueDateExtension, Proposal, StatusChange
from proposals.tests.factories import ProposalFactory
from sessions_app import emails as session_emails
from sessions_app.models import Minutes
from sessions_app.tests.factories import RegistrationFactory, held_on

pytestmark = pytest.mark.django_db
BOGOTA = ZoneInfo("America/Bogota")
S = Proposal.Status
E = StatusChange.Event
ENLACE = "Enlace de dependencia"
SESSION_DAY = date(2026, 12, 2)  # a Wednesday
# Five business days after the session: Thu 3, Fri 4, Mon 7, (Tue 8 is a festivo),
# Wed 9, Thu 10.
DUE_IN_FIVE = date(2026, 12, 10)


def on(day, hour=10):
    return time_machine.travel(datetime.combine(day, time(hour), BOGOTA), tick=False)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def session():
    return held_on(SESSION_DAY, title="Café con Talento Humano")


def agreement(session, actor, dependency, days=5, title="Mesa de trabajo"):
    with on(date(2026, 12, 3)):
        return services.record_agreement(
            session_id=session.pk,
            actor=actor,
            title=title,
            commitment="Instalar la mesa de trabajo sobre el teletrabajo.",
            dependency=dependency,
            business_days=days,
        )


# --- Agreements -------------------------------------------------------------------


def test_an_agreement_is_an_accepted_commitment_due_in_business_days(
    session, comunicaciones, dependency
):
    item = agreement(session, comunicaciones, dependency)

    item.refresh_from_db()
    assert item.kind == Proposal.Kind.AGREEMENT
    assert item.origin == Proposal.Origin.AGREEMENT
    assert item.session == session
    assert item.author is None
    assert item.status == S.ACCEPTED
    assert item.responsible_dependency == dependency
    assert item.due_date == DUE_IN_FIVE
    assert item.original_due_date == DUE_IN_FIVE
    assert item.accepted_at is not None
    [created] = item.changes.all()
    assert created.event == E.CREATED
    assert created.actor == comunicaciones
    assert "10/12/2026" in created.note


def test_only_comunicaciones_or_despacho_record_agreements(
    session, servidor, enlace, despacho, dependency
):
    for person in (servidor, enlace):
        with pytest.raises(PermissionDenied):
            agreement(session, person, dependency)
    assert not Proposal.objects.exists()
    assert agreement(session, despacho, dependency).pk


@pytest.mark.parametrize(
    ("days", "message"),
    [(0, "entre 1 y 250"), (251, "entre 1 y 250"), (1, "ya estaría vencido")],
)
def test_a_bad_term_is_refused_and_nothing_is_written(
    session, comunicaciones, dependency, days, message
):
    # One business day after Wednesday 2 is Thursday 3: "today" in ``agreement``.
    with pytest.raises(ValidationError, match=message):
        agreement(session, comunicaciones, dependency, days=days)
    assert not Proposal.objects.exists()


def test_agreements_only_for_a_held_session(comunicaciones, dependency, session):
    session.status = session.Status.PUBLISHED
    session.save()
    with pytest.raises(ValidationError, match="realizada"):
        agreement(session, comunicaciones, dependency)
    assert not Proposal.objects.exists()


def test_staff_cannot_send_an_agreement_as_a_proposal(servidor):
    with pytest.raises(ValidationError):
        services.submit_proposal(
            user=servidor,
            kind=Proposal.Kind.AGREEMENT,
            title="Un acuerdo",
            text="Me lo invento como si fuera un acuerdo.",
            topic=None,
            session=None,
            anonymous=False,
        )
    assert not Proposal.objects.exists()


def test_an_agreement_follows_the_commitment_workflow(
    session, comunicaciones, dependency, enlace, despacho, capture
):
    item = agreement(session, comunicaciones, dependency)
    assert list(selectors.liaison_queue(user=enlace)) == [item]

    with on(date(2026, 12, 4)):
        services.add_progress_note(
            proposal_id=item.pk, actor=enlace, note="Convocamos la primera mesa."
        )
        services.change_status(
            proposal_id=item.pk,
            actor=enlace,
            new_status=S.IN_PROGRESS,
            note="Mesa instalada.",
        )
    # Overdue on Monday 14: in the liaison's weekly digest.
    with on(date(2026, 12, 14), 7), capture(execute=True):
        send_overdue_digests(today=date(2026, 12, 14))
    digest = Delivery.objects.get(kind="overdue_digest", recipient=enlace)
    assert "Mesa de trabajo" in digest.body_text
    with on(date(2026, 12, 15)):
        services.change_status(
            proposal_id=item.pk,
            actor=enlace,
            new_status=S.IMPLEMENTED,
            note="Cumplido.",
            outcome="La mesa sesiona cada mes.",
            impact="Las personas en teletrabajo tienen reglas claras.",
        )
    item.refresh_from_db()
    assert item.status == S.IMPLEMENTED
    assert item.impact.startswith("Las personas")
    events = [c.event for c in item.changes.all()]
    assert events == [E.CREATED, E.PROGRESS, E.STATUS, E.STATUS]


# --- Extensions -------------------------------------------------------------------


@pytest.fixture
def committed(session, comunicaciones, dependency):
    return agreement(session, comunicaciones, dependency)


def ask(
    proposal,
    actor,
    new=date(2026, 12, 18),
    reason="La mesa se aplazó por la temporada de vacaciones colectivas.",
):
    with on(date(2026, 12, 9)):
        return services.request_extension(
            proposal_id=proposal.pk, actor=actor, new_due_date=new, reason=reason
        )


def test_only_the_liaison_of_that_dependency_asks_for_an_extension(
    committed, servidor, despacho, comunicaciones, other_dependency
):
    other_liaison = UserFactory(
        role=ENLACE, dependency=other_dependency, liaison_of=other_dependency
    )
    for person in (servidor, despacho, comunicaciones, other_liaison):
        with pytest.raises(PermissionDenied):
            ask(committed, person)
    assert not DueDateExtension.objects.exists()
    assert committed.changes.count() == 1


@pytest.mark.parametrize(
    ("new", "reason", "message"),
    [
        (date(2026, 12, 18), "", "motivo"),
        (date(2026, 12, 10), "Razón suficiente y bien explicada.", "posterior"),
        (date(2026, 12, 9), "Razón suficiente y bien explicada.", "posterior"),
        (date(2026, 12, 19), "Razón suficiente y bien explicada.", "día hábil"),
        (date(2026, 12, 25), "Razón suficiente y bien explicada.", "día hábil"),
    ],
)
def test_a_bad_extension_request_is_refused(committed, enlace, new, reason, message):
    with pytest.raises(ValidationError, match=message):
        ask(committed, enlace, new=new, reason=reason)
    assert not DueDateExtension.objects.exists()


def test_one_request_waits_at_a_time(committed, enlace):
    ask(committed, enlace)
    with pytest.raises(ValidationError, match="Ya hay una solicitud"):
        ask(committed, enlace, new=date(2026, 12, 21))
    assert DueDateExtension.objects.count() == 1


def test_an_approved_extension_moves_the_date_and_keeps_the_original(
    committed, enlace, despacho
):
    extension = ask(committed, enlace)
    with on(date(2026, 12, 9), 15):
        services.decide_extension(
            extension_id=extension.pk, actor=despacho, approve=True, note=""
        )

    committed.refresh_from_db()
    assert committed.due_date == date(2026, 12, 18)
    assert committed.original_due_date == DUE_IN_FIVE
    extension.refresh_from_db()
    assert extension.status == DueDateExtension.Status.APPROVED
    assert extension.decided_by == despacho
    assert extension.previous_due_date == DUE_IN_FIVE
    timeline = list(committed.changes.all())
    assert [c.event for c in timeline] == [
        E.CREATED,
        E.EXTENSION_REQUESTED,
        E.EXTENSION_APPROVED,
    ]
    assert "vacaciones colectivas" in timeline[1].note
    assert timeline[1].actor == enlace
    assert "18/12/2026" in timeline[2].note and "10/12/2026" in timeline[2].note
    assert all(c.is_public for c in timeline)


def test_the_liaison_who_asked_hears_the_decision_once(
    committed, enlace, despacho, capture
):
    extension = ask(committed, enlace)
    with capture(execute=True):
        services.decide_extension(
            extension_id=extension.pk, actor=despacho, approve=True, note="De acuerdo."
        )
    with pytest.raises(ValidationError):
        services.decide_extension(
            extension_id=extension.pk, actor=despacho, approve=True
        )
    [mail] = Delivery.objects.filter(kind="extension_decided")
    assert mail.recipient == enlace
    assert mail.subject == "Prórroga aprobada: «Mesa de trabajo»"
    assert "la nueva fecha de cumplimiento es el 18/12/2026" in mail.body_text
    assert "Nota del Despacho: De acuerdo." in mail.body_text


def test_a_refusal_needs_a_reason_and_leaves_the_date(committed, enlace, despacho):
    extension = ask(committed, enlace)
    with pytest.raises(ValidationError, match="rechazo"):
        services.decide_extension(
            extension_id=extension.pk, actor=despacho, approve=False, note=""
        )
    with on(date(2026, 12, 10)):
        services.decide_extension(
            extension_id=extension.pk,
            actor=despacho,
            approve=False,
            note="La mesa puede hacerse virtual.",
        )
    committed.refresh_from_db()
    assert committed.due_date == DUE_IN_FIVE
    assert committed.changes.last().event == E.EXTENSION_REFUSED
    # Refused, the liaison may ask again.
    assert ask(committed, enlace, new=date(2026, 12, 14)).pk


def test_only_despacho_decides(committed, enlace, comunicaciones, superuser):
    extension = ask(committed, enlace)
    for person in (enlace, comunicaciones):
        with pytest.raises(PermissionDenied):
            services.decide_extension(
                extension_id=extension.pk, actor=person, approve=True
            )
    extension.refresh_from_db()
    assert extension.status == DueDateExtension.Status.PENDING
    committed.refresh_from_db()
    assert committed.due_date == DUE_IN_FIVE


def test_an_extension_decided_twice_is_refused(committed, enlace, despacho):
    extension = ask(committed, enlace)
    services.decide_extension(
        extension_id=extension.pk, actor=despacho, approve=False, note="No procede."
    )
    for approve in (True, False):
        with pytest.raises(ValidationError, match="ya fue decidida"):
            services.decide_extension(
                extension_id=extension.pk,
                actor=despacho,
                approve=approve,
                note="Otra decisión distinta.",
            )
    committed.refresh_from_db()
    assert committed.due_date == DUE_IN_FIVE
    extension.refresh_from_db()
    assert extension.status == DueDateExtension.Status.REFUSED
    assert extension.decision_note == "No procede."
    assert committed.changes.filter(event__startswith="prorroga_").count() == 1


def test_accepting_a_proposal_records_its_original_due_date(despacho, dependency):
    proposal = ProposalFactory(status=S.IN_ANALYSIS)
    services.accept_proposal(
        proposal_id=proposal.pk,
        actor=despacho,
        commitment="Hacerlo",
        due_date=date(2099, 1, 5),
        note="Aceptada",
        dependency=dependency,
    )
    proposal.refresh_from_db()
    assert proposal.original_due_date == proposal.due_date == date(2099, 1, 5)


# --- Escalation -------------------------------------------------------------------


@pytest.fixture
def head(dependency):
    person = UserFactory(dependency=dependency, full_name="Jefa de la Dirección")
    dependency.head = person
    dependency.save()
    return person


def escalate(day, capture):
    with on(day, 8), capture(execute=True):
        return services.escalate_overdue_commitments(today=day)


def test_escalation_goes_once_to_the_head_after_the_threshold(
    committed, head, enlace, settings, capture
):
    settings.PROPOSALS_ESCALATE_AFTER_DAYS = 5
    # Due Thursday 10; five business days later is Thursday 17: not yet.
    assert escalate(date(2026, 12, 17), capture)["escalated"] == 0
    assert escalate(date(2026, 12, 18), capture) == {
        "escalated": 1,
        "already": 0,
        "no_head": 0,
    }
    assert escalate(date(2026, 12, 21), capture)["already"] == 1

    [mail] = Delivery.objects.filter(kind="commitment_escalation")
    assert mail.recipient == head
    assert mail.to_email == head.email
    assert "Mesa de trabajo" in mail.subject
    assert "10/12/2026" in mail.body_text
    [entry] = committed.changes.filter(event=E.ESCALATED)
    assert not entry.is_public
    assert head.full_name in entry.note


def test_no_head_no_escalation(committed, settings, capture):
    settings.PROPOSALS_ESCALATE_AFTER_DAYS = 5
    assert escalate(date(2026, 12, 21), capture)["no_head"] == 1
    assert not Delivery.objects.filter(kind="commitment_escalation").exists()
    assert not committed.changes.filter(event=E.ESCALATED).exists()


def test_closed_commitments_are_not_escalated(
    committed, head, enlace, settings, capture
):
    settings.PROPOSALS_ESCALATE_AFTER_DAYS = 0
    for status in (S.IN_PROGRESS, S.IMPLEMENTED):
        services.change_status(
            proposal_id=committed.pk,
            actor=enlace,
            new_status=status,
            note="Hecho.",
            outcome="La mesa sesiona.",
            impact="Reglas claras para el teletrabajo.",
        )
    assert escalate(date(2026, 12, 21), capture)["escalated"] == 0


def test_a_missed_extended_date_is_a_new_escalation(
    committed, head, enlace, despacho, settings, capture
):
    settings.PROPOSALS_ESCALATE_AFTER_DAYS = 1
    escalate(date(2026, 12, 14), capture)
    extension = ask(committed, enlace, new=date(2026, 12, 16))
    services.decide_extension(extension_id=extension.pk, actor=despacho, approve=True)
    assert escalate(date(2026, 12, 17), capture)["escalated"] == 0
    assert escalate(date(2026, 12, 21), capture)["escalated"] == 1
    keys = sorted(
        Delivery.objects.filter(kind="commitment_escalation").values_list(
            "idempotency_key", flat=True
        )
    )
    assert keys == [
        f"escalation:{committed.pk}:2026-12-10",
        f"escalation:{committed.pk}:2026-12-16",
    ]


def test_the_command_escalates(committed, head, settings, capture):
    settings.PROPOSALS_ESCALATE_AFTER_DAYS = 5
    out = StringIO()
    with on(date(2026, 12, 21), 8), capture(execute=True):
        call_command("escalate_overdue", stdout=out)
    assert "Escalados: 1" in out.getvalue()
    assert Delivery.objects.filter(kind="commitment_escalation").count() == 1


# --- "Lo que dijimos y lo que sigue" ----------------------------------------------


def test_the_conclusions_email_tells_each_agreement_with_its_state(
    session, comunicaciones, dependency, capture
):
    agreement(session, comunicaciones, dependency, title="Mesa de trabajo")
    minutes = Minutes.objects.create(
        session=session, summary="Hablamos del teletrabajo.", agreements="- Mesa"
    )
    registration = RegistrationFactory(session=session)
    with on(date(2026, 12, 14)), capture(execute=True):
        session_emails.minutes_published(session, minutes, [registration])
    [mail] = Delivery.objects.filter(kind="minutes_published")
    assert "Lo que dijimos y lo que sigue" in mail.body_text
    assert (
        f"- Acuerdo: Mesa de trabajo: Aceptada, vencido (a cargo de {dependency}, "
        "para el 10/12/2026)" in mail.body_text
    )


def test_the_bulletin_tells_the_agreements_with_their_state(
    session, comunicaciones, dependency, enlace, despacho
):
    on_time = agreement(session, comunicaciones, dependency, days=20, title="A tiempo")
    late = agreement(session, comunicaciones, dependency, title="Vencido")
    extension = ask(late, enlace, new=date(2026, 12, 14))
    services.decide_extension(extension_id=extension.pk, actor=despacho, approve=True)
    services.add_progress_note(proposal_id=on_time.pk, actor=enlace, note="Avanza.")

    with on(date(2026, 12, 28)):
        data = bulletin.collect(Period(date(2026, 12, 1), date(2026, 12, 31)))
        edition = bulletin.Bulletin.objects.create(
            period_start=date(2026, 12, 1), period_end=date(2026, 12, 31), data=data
        )
        _subject, text, html = bulletin.render(edition)

    rows = {a["title"]: a for a in data["agreements"]}
    assert rows["Vencido"]["status"] == "Aceptada"
    assert rows["Vencido"]["overdue"] is True
    assert rows["Vencido"]["due"] == "14/12/2026"
    assert rows["Vencido"]["original_due"] == "10/12/2026"
    assert rows["A tiempo"]["overdue"] is False
    assert rows["A tiempo"]["original_due"] == ""
    assert data["commitments"] == []  # agreements are not told twice
    assert "LO QUE DIJIMOS Y LO QUE SIGUE" in text
    assert "Vencido (Café con Talento Humano)" in text
    assert "(fecha original: 10/12/2026) · Aceptada, vencido" in text
    assert "Lo que dijimos y lo que sigue" in html


def test_the_bulletin_keeps_earlier_open_agreements(comunicaciones, dependency):
    earlier = held_on(date(2026, 11, 4), title="Café de noviembre")
    with on(date(2026, 11, 5)):
        services.record_agreement(
            session_id=earlier.pk,
            actor=comunicaciones,
            title="Sigue abierto",
            commitment="Un compromiso de noviembre que sigue abierto.",
            dependency=dependency,
            business_days=60,
        )
    data = bulletin.collect(Period(date(2026, 12, 1), date(2026, 12, 31)))
    assert [a["title"] for a in data["agreements"]] == ["Sigue abierto"]
    assert data["agreements"][0]["this_month"] is False


def test_other_dependencies_heads_get_nothing(committed, head, settings, capture):
    settings.PROPOSALS_ESCALATE_AFTER_DAYS = 5
    other = DependencyFactory()
    other.head = UserFactory(dependency=other)
    other.save()
    escalate(date(2026, 12, 21), capture)
    assert list(
        Delivery.objects.filter(kind="commitment_escalation").values_list(
            "recipient", flat=True
        )
    ) == [head.pk]


def test_the_dashboard_counts_agreements_as_commitments_not_as_proposals(
    session, comunicaciones, dependency, servidor
):
    item = agreement(session, comunicaciones, dependency)
    with on(date(2026, 12, 3)):
        services.submit_proposal(
            user=servidor,
            kind=Proposal.Kind.PROPOSAL,
            title="Firma electrónica",
            text="Propongo firmar los documentos internos en línea.",
            topic=None,
            session=None,
            anonymous=False,
        )
    period = Period(date(2026, 12, 1), date(2026, 12, 31))
    with on(date(2026, 12, 21)):
        board = dashboard.build_dashboard(period=period, today=date(2026, 12, 21))
    assert board.figures["received"] == 1
    assert board.figures["accepted"] == 0
    assert board.figures["overdue"] == 1
    assert [p.pk for p in board.overdue] == [item.pk]
    assert list(dashboard.commitments_in(period)) == [item]
