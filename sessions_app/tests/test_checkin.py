"""Check-in from a phone: the room code's windows, the personal code, the services."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError

from cafe.testing.factories import DependencyFactory, UserFactory
from sessions_app import services
from sessions_app.checkin import pass_token, registration_id_from_pass
from sessions_app.models import Registration, Session
from sessions_app.room_token import check_room_token, room_token
from sessions_app.services.checkin import NOT_IN_AUDIENCE, NOT_REGISTERED
from sessions_app.tests.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db

BOGOTA = ZoneInfo("America/Bogota")
START = datetime(2026, 12, 9, 9, 0, tzinfo=BOGOTA)  # a Wednesday, 09:00


def session_at_nine(**kwargs) -> Session:
    defaults = {
        "starts_at": START,
        "ends_at": START + timedelta(minutes=90),
        "registration_opens_at": START - timedelta(days=10),
        "registration_closes_at": START - timedelta(hours=2),
    }
    return SessionFactory(**{**defaults, **kwargs})


def tampered(text: str) -> str:
    """``text`` with its last character changed."""
    return text[:-1] + ("B" if text.endswith("A") else "A")


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


# --- The room code ---------------------------------------------------------------


def test_room_code_is_good_for_its_minute_and_the_next_one_only():
    session = session_at_nine()
    shown_at = START + minutes(10) + timedelta(seconds=5)  # 09:10:05
    token = room_token(session, shown_at)
    assert check_room_token(session, token, shown_at)
    assert check_room_token(session, token, shown_at + timedelta(seconds=54))
    assert check_room_token(session, token, START + minutes(11) + timedelta(seconds=59))
    assert not check_room_token(session, token, START + minutes(12))
    # It rotates: the next minute shows another code.
    assert room_token(session, START + minutes(11)) != token


def test_room_code_is_valid_only_from_shortly_before_the_start_to_the_end():
    session = session_at_nine()
    for at, valid in [
        (START - minutes(16), False),
        (START - minutes(15), True),
        (START, True),
        (START + minutes(89), True),
        (START + minutes(90), False),  # the end
        (START + minutes(91), False),
    ]:
        assert check_room_token(session, room_token(session, at), at) is valid, at


def test_forged_or_foreign_room_codes_are_refused():
    session, other = session_at_nine(), session_at_nine()
    at = START + minutes(5)
    token = room_token(session, at)
    assert not check_room_token(other, token, at)  # another session's code
    assert not check_room_token(session, "0" * len(token), at)
    assert not check_room_token(session, token[:-1], at)
    assert not check_room_token(session, token.upper(), at)
    assert not check_room_token(session, None, at)
    assert not check_room_token(session, pass_token(RegistrationFactory()), at)


def test_room_code_is_refused_for_a_draft_or_cancelled_session():
    at = START + minutes(5)
    for status in (Session.Status.DRAFT, Session.Status.CANCELLED):
        session = session_at_nine(status=status)
        assert not check_room_token(session, room_token(session, at), at)


# --- Checking in with the room code ------------------------------------------------


def test_room_code_marks_a_registered_person_present_once(servidor):
    session = session_at_nine()
    registration = RegistrationFactory(session=session, user=servidor)
    with time_machine.travel(START + minutes(3), tick=False):
        token = room_token(session, START + minutes(3))
        registration_1, first = services.check_in_from_room(
            session_id=session.pk, user=servidor, token=token
        )
    assert first
    arrived = START + minutes(3)
    assert registration_1.checked_in_at == arrived
    with time_machine.travel(START + minutes(4), tick=False):
        again, second = services.check_in_from_room(
            session_id=session.pk, user=servidor, token=token
        )
    assert not second
    registration.refresh_from_db()
    assert registration.checked_in_at == arrived  # the second scan changed nothing
    assert again.pk == registration.pk


def test_expired_room_code_changes_nothing(servidor):
    session = session_at_nine()
    registration = RegistrationFactory(session=session, user=servidor)
    token = room_token(session, START)  # photographed at 09:00
    with (
        time_machine.travel(START + minutes(2), tick=False),
        pytest.raises(ValidationError, match="venció o no es válido"),
    ):
        services.check_in_from_room(session_id=session.pk, user=servidor, token=token)
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_room_code_outside_the_session_changes_nothing(servidor):
    session = session_at_nine()
    registration = RegistrationFactory(session=session, user=servidor)
    for at in (START - minutes(30), START + minutes(95)):
        with (
            time_machine.travel(at, tick=False),
            pytest.raises(ValidationError, match="en curso"),
        ):
            services.check_in_from_room(
                session_id=session.pk, user=servidor, token=room_token(session, at)
            )
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_room_code_without_registration_offers_a_walk_in_to_the_audience(servidor):
    session = session_at_nine(dependency=servidor.dependency)
    at = START + minutes(20)
    with time_machine.travel(at, tick=False):
        with pytest.raises(ValidationError) as refused:
            services.check_in_from_room(
                session_id=session.pk, user=servidor, token=room_token(session, at)
            )
        assert refused.value.code == NOT_REGISTERED
        assert not Registration.objects.filter(session=session).exists()
        walk_in = services.walk_in_from_room(
            session_id=session.pk, user=servidor, token=room_token(session, at)
        )
    assert walk_in.walk_in
    assert walk_in.status == Registration.Status.CONFIRMED
    assert walk_in.checked_in_at == at


def test_room_code_walk_in_is_refused_outside_the_audience():
    session = session_at_nine(dependency=DependencyFactory())
    outsider = UserFactory()
    at = START + minutes(20)
    token = room_token(session, at)
    with time_machine.travel(at, tick=False), pytest.raises(ValidationError) as refused:
        services.walk_in_from_room(session_id=session.pk, user=outsider, token=token)
    assert refused.value.code == NOT_IN_AUDIENCE
    assert not Registration.objects.filter(session=session).exists()


def test_room_code_confirms_a_waitlisted_person_who_came(servidor):
    session = session_at_nine()
    registration = RegistrationFactory(
        session=session, user=servidor, status=Registration.Status.WAITLISTED
    )
    at = START + minutes(1)
    with time_machine.travel(at, tick=False):
        services.check_in_from_room(
            session_id=session.pk, user=servidor, token=room_token(session, at)
        )
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.walk_in


# --- The personal code ------------------------------------------------------------


def test_personal_code_holds_only_the_signed_registration_id():
    person = UserFactory(full_name="Sofía Herrera", email="sofia@prueba.gov.co")
    registration = RegistrationFactory(user=person)
    token = pass_token(registration)
    signer = signing.Signer(salt="sessions_app.checkin.pass")
    assert signer.unsign_object(token) == registration.pk
    for personal in ("sofia", "Sofía", "Herrera", "prueba.gov.co"):
        assert personal.lower() not in token.lower()
    assert registration_id_from_pass(token) == registration.pk


def test_forged_personal_codes_are_not_read():
    registration = RegistrationFactory()
    token = pass_token(registration)
    value, signature = token.split(":", 1)
    other = pass_token(RegistrationFactory())
    forged = [
        f"{other.split(':')[0]}:{signature}",  # another id with this signature
        f"{value}:{tampered(signature)}",
        signing.Signer(salt="otra-cosa").sign_object(registration.pk),
        signing.dumps(registration.pk, salt="sessions_app.checkin.pass"),
        signing.Signer(salt="sessions_app.checkin.pass").sign_object(
            str(registration.pk)
        ),
        "",
        "x" * 500,
    ]
    for token in forged:
        assert registration_id_from_pass(token) is None, token


def test_comunicaciones_scan_marks_present_and_a_second_scan_changes_nothing(
    comunicaciones,
):
    session = session_at_nine()
    registration = RegistrationFactory(session=session)
    token = pass_token(registration)
    with time_machine.travel(START - minutes(10), tick=False):
        _, first = services.check_in_with_pass(token=token, actor=comunicaciones)
    with time_machine.travel(START + minutes(5), tick=False):
        _, second = services.check_in_with_pass(token=token, actor=comunicaciones)
    assert (first, second) == (True, False)
    registration.refresh_from_db()
    assert registration.checked_in_at == START - minutes(10)


def test_anyone_else_scanning_a_personal_code_is_refused(servidor, despacho):
    session = session_at_nine()
    registration = RegistrationFactory(session=session, user=servidor)
    token = pass_token(registration)
    with time_machine.travel(START, tick=False):
        for actor in (servidor, despacho):  # the owner included
            with pytest.raises(PermissionDenied):
                services.check_in_with_pass(token=token, actor=actor)
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_personal_code_refused_when_forged_cancelled_or_too_early(comunicaciones):
    session = session_at_nine()
    registration = RegistrationFactory(session=session)
    cancelled = RegistrationFactory(
        session=session, status=Registration.Status.CANCELLED
    )
    with (
        time_machine.travel(START, tick=False),
        pytest.raises(ValidationError, match="no es válido"),
    ):
        services.check_in_with_pass(
            token=tampered(pass_token(registration)), actor=comunicaciones
        )
        with pytest.raises(ValidationError, match="cancelada"):
            services.check_in_with_pass(
                token=pass_token(cancelled), actor=comunicaciones
            )
    with (
        time_machine.travel(START - timedelta(days=1), tick=False),
        pytest.raises(ValidationError, match="día de la sesión"),
    ):
        services.check_in_with_pass(
            token=pass_token(registration), actor=comunicaciones
        )
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()
