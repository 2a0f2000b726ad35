"""Habeas data requests: filing, the legal clocks on business days, extensions,
incomplete reclamos, withdrawal, escalation and who may see the queue."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cafe.notify.models import Delivery
from cafe.org import habeas, roles
from cafe.org.models import DataRequest, DataRequestEvent
from cafe.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

BOGOTA = ZoneInfo("America/Bogota")
# Monday 7 December 2026; Tuesday 8 is a festivo (La Inmaculada Concepción), and so
# are 25 December 2026, 1 January 2027 and Monday 11 January 2027 (Reyes).
MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=BOGOTA)


def at(day: date, hour: int = 10):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=BOGOTA)
    )


@pytest.fixture
def officer(db):
    return UserFactory(role=roles.OFICIAL_DATOS)


def file(person, kind="consulta", claim=""):
    return habeas.file_request(
        person=person, kind=kind, claim=claim, text="¿Qué datos?"
    )


# --- Clocks across a holiday ------------------------------------------------------


def test_consulta_clock_is_ten_business_days_skipping_the_festivo(servidor):
    with at(MONDAY):
        request = file(servidor)
    # 9, 10, 11, 14-18, 21, 22: the 8th is a festivo and does not count.
    assert request.received_on == date(2026, 12, 7)
    assert request.due_on == date(2026, 12, 22)


def test_consulta_extension_adds_five_business_days_once(servidor, officer):
    with at(MONDAY):
        request = file(servidor)
    with at(date(2026, 12, 15)):
        habeas.extend_request(request_id=request.pk, actor=officer, reason="Volumen.")
        request.refresh_from_db()
        # 23, 24, (25 festivo), 28, 29, 30.
        assert request.due_on == date(2026, 12, 30)
        with pytest.raises(ValidationError, match="ya se prorrogó una vez"):
            habeas.extend_request(request_id=request.pk, actor=officer, reason="Otra.")
    request.refresh_from_db()
    assert request.due_on == date(2026, 12, 30)
    assert request.events.filter(action=DataRequestEvent.Action.EXTENDED).count() == 1
    notice = Delivery.objects.get(kind="habeas_extended")
    assert "Volumen." in notice.body_text
    assert "30/12/2026" in notice.body_text


def test_reclamo_clock_is_fifteen_business_days_and_extends_by_eight(servidor, officer):
    with at(MONDAY):
        request = file(servidor, "reclamo", "rectificacion")
    assert request.due_on == date(2026, 12, 30)
    with at(date(2026, 12, 29)):
        habeas.extend_request(request_id=request.pk, actor=officer, reason="Pruebas.")
    request.refresh_from_db()
    # 31, (1 Jan festivo), 4, 5, 6, 7, 8, (11 Reyes), 12, 13.
    assert request.due_on == date(2027, 1, 13)


def test_no_extension_after_the_term_expired(servidor, officer):
    with at(MONDAY):
        request = file(servidor)
    with at(date(2026, 12, 23)), pytest.raises(ValidationError, match="venció"):
        habeas.extend_request(request_id=request.pk, actor=officer, reason="Tarde.")
    request.refresh_from_db()
    assert request.extended_at is None


def test_incomplete_reclamo_must_be_asked_within_five_business_days(servidor, officer):
    with at(MONDAY):
        late = file(servidor, "reclamo", "actualizacion")
        on_time = file(servidor, "reclamo", "actualizacion")
    assert habeas.missing_info_deadline(late.received_on) == date(2026, 12, 15)
    with at(date(2026, 12, 16)), pytest.raises(ValidationError, match="15/12/2026"):
        habeas.request_missing_info(request_id=late.pk, actor=officer, missing="Dato")
    with at(date(2026, 12, 15)):
        habeas.request_missing_info(
            request_id=on_time.pk, actor=officer, missing="¿Cuál dato corregir?"
        )
    on_time.refresh_from_db()
    assert on_time.state == DataRequest.State.INCOMPLETE
    assert habeas.clock_of(on_time, date(2026, 12, 15)).withdrawal_on == date(
        2027, 2, 15
    )
    assert (
        "¿Cuál dato corregir?" in Delivery.objects.get(kind="habeas_missing").body_text
    )


def test_completed_reclamo_restarts_its_fifteen_days(servidor, officer):
    with at(MONDAY):
        request = file(servidor, "reclamo", "rectificacion")
    with at(date(2026, 12, 9)):
        habeas.request_missing_info(request_id=request.pk, actor=officer, missing="X")
    with at(date(2026, 12, 24)):
        habeas.complete_request(
            request_id=request.pk, person=servidor, text="El cargo."
        )
    request.refresh_from_db()
    assert request.state == DataRequest.State.OPEN
    assert request.received_on == date(2026, 12, 24)
    # 28, 29, 30, 31, 4-8, 12-15, 18, 19: (25 Dec, 1 Jan, 11 Jan festivos).
    assert request.due_on == date(2027, 1, 19)


def test_incomplete_reclamo_is_withdrawn_after_two_months(servidor, officer):
    with at(MONDAY):
        request = file(servidor, "reclamo", "supresion")
        habeas.request_missing_info(request_id=request.pk, actor=officer, missing="X")
    assert habeas.withdraw_abandoned(today=date(2027, 2, 6)) == 0
    request.refresh_from_db()
    assert request.state == DataRequest.State.INCOMPLETE
    assert habeas.withdraw_abandoned(today=date(2027, 2, 7)) == 1
    request.refresh_from_db()
    assert request.state == DataRequest.State.WITHDRAWN
    assert habeas.withdraw_abandoned(today=date(2027, 3, 1)) == 0


def test_days_left_and_warning_three_business_days_before(servidor):
    with at(MONDAY):
        request = file(servidor)  # due 22 December
    clock = habeas.clock_of(request, date(2026, 12, 16))
    assert (clock.days_left, clock.warning, clock.overdue) == (4, False, False)
    clock = habeas.clock_of(request, date(2026, 12, 17))
    assert (clock.days_left, clock.warning, clock.overdue) == (3, True, False)
    clock = habeas.clock_of(request, date(2026, 12, 22))
    assert (clock.days_left, clock.warning, clock.overdue) == (0, True, False)
    clock = habeas.clock_of(request, date(2026, 12, 28))
    # 23, 24, (25 festivo), 28: three business days late.
    assert (clock.days_late, clock.warning, clock.overdue) == (3, False, True)


def test_overdue_requests_escalate_to_despacho_once(servidor, despacho):
    with at(MONDAY):
        request = file(servidor)
    assert habeas.escalate_overdue(today=date(2026, 12, 22)) == 0
    assert habeas.escalate_overdue(today=date(2026, 12, 23)) == 1
    assert habeas.escalate_overdue(today=date(2026, 12, 24)) == 0
    mails = Delivery.objects.filter(kind="habeas_escalated")
    assert [m.to_email for m in mails] == [despacho.email]
    assert request.number in mails[0].subject
    # The escalation names the filing, never the person.
    assert servidor.full_name not in mails[0].body_text
    assert servidor.email not in mails[0].body_text


# --- Filing -------------------------------------------------------------------------


def test_filing_gives_a_number_and_an_email(servidor):
    with at(MONDAY):
        request = file(servidor)
    assert request.number == f"HD-2026-{request.pk:06d}"
    mail = Delivery.objects.get(kind="habeas_filed")
    assert mail.to_email == servidor.email
    assert request.number in mail.subject
    assert "22/12/2026" in mail.body_text
    assert request.events.get().action == DataRequestEvent.Action.FILED


@pytest.mark.parametrize(
    ("kind", "claim", "text", "message"),
    [
        ("queja", "", "Algo", "consulta o un reclamo"),
        ("reclamo", "", "Algo", "tipo de reclamo"),
        ("reclamo", "otra", "Algo", "tipo de reclamo"),
        ("consulta", "", "   ", "Escriba"),
        ("consulta", "", "x" * 4001, "4000"),
    ],
)
def test_bad_filing_changes_nothing(servidor, kind, claim, text, message):
    with pytest.raises(ValidationError, match=message):
        habeas.file_request(person=servidor, kind=kind, claim=claim, text=text)
    assert not DataRequest.objects.exists()
    assert not Delivery.objects.exists()


def test_person_files_from_my_data_and_sees_the_legend(servidor, login):
    client = login(servidor)
    response = client.post(
        "/mis-datos/solicitudes/nueva/",
        {"kind": "reclamo", "claim": "rectificacion", "text": "Mi cargo es otro."},
    )
    assert response.status_code == 302
    request = DataRequest.objects.get()
    page = client.get("/mis-datos/").content.decode()
    assert request.number in page
    assert "Reclamo en trámite (rectificación" in page
    export = client.get("/mis-datos/descargar/json/").content.decode()
    assert "Reclamo en trámite" in export


def test_filing_form_explains_a_missing_claim_in_spanish(servidor, login):
    response = login(servidor).post(
        "/mis-datos/solicitudes/nueva/", {"kind": "reclamo", "text": "Algo"}
    )
    assert response.status_code == 200
    assert "Elija el tipo de reclamo." in response.content.decode()
    assert not DataRequest.objects.exists()


def test_a_person_cannot_complete_someone_elses_request(servidor, officer, login):
    other = UserFactory()
    request = file(other, "reclamo", "rectificacion")
    habeas.request_missing_info(request_id=request.pk, actor=officer, missing="X")
    response = login(servidor).post(
        f"/mis-datos/solicitudes/{request.pk}/completar/", {"text": "Hola"}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.state == DataRequest.State.INCOMPLETE


# --- Who sees the queue -----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/datos/solicitudes/", "/datos/accesos/", "/datos/retencion/"],
)
def test_only_the_officer_sees_queue_log_and_retention(
    path, officer, servidor, comunicaciones, despacho, login
):
    for person in (servidor, comunicaciones, despacho):
        assert login(person).get(path).status_code == 403
    assert login(officer).get(path).status_code == 200


def test_officer_queue_shows_days_left_and_acts(servidor, officer, login):
    request = file(servidor, "reclamo", "rectificacion")
    client = login(officer)
    page = client.get("/datos/solicitudes/").content.decode()
    assert request.number in page
    assert "Quedan" in page
    detail = client.get(f"/datos/solicitudes/{request.pk}/").content.decode()
    assert "Reclamo en trámite" in detail
    client.post(f"/datos/solicitudes/{request.pk}/responder/", {"text": "Corregido."})
    request.refresh_from_db()
    assert request.state == DataRequest.State.ANSWERED
    assert request.handled_by == officer
    answer = Delivery.objects.get(kind="habeas_answered")
    assert "Corregido." in answer.body_text


def test_queue_query_count_is_flat(
    servidor, officer, login, django_assert_max_num_queries
):
    client = login(officer)
    file(servidor)
    client.get("/datos/solicitudes/")
    with django_assert_max_num_queries(12) as few:
        client.get("/datos/solicitudes/")
    few = len(few)
    for _ in range(15):
        file(UserFactory())
    with django_assert_max_num_queries(few):
        client.get("/datos/solicitudes/")


def test_daily_command_withdraws_and_escalates(servidor, despacho, officer):
    from io import StringIO

    from django.core.management import call_command

    with at(date(2026, 9, 1)):
        file(servidor)  # overdue long ago
        incomplete = file(servidor, "reclamo", "rectificacion")
        habeas.request_missing_info(
            request_id=incomplete.pk, actor=officer, missing="X"
        )
    out = StringIO()
    with at(MONDAY):
        call_command("habeas_daily", stdout=out)
        assert "Desistidas: 1. Escaladas a Despacho: 1." in out.getvalue()
        out = StringIO()
        call_command("habeas_daily", stdout=out)
    assert "Desistidas: 0. Escaladas a Despacho: 0." in out.getvalue()
    assert Delivery.objects.filter(kind="habeas_escalated").count() == 1
