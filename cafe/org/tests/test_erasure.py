"""Supresión and revocatoria, row by row, and a scan of every table afterwards."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import Client

from cafe.notify.models import Delivery
from cafe.org import erasure, habeas, roles
from cafe.org.access_log import record_access
from cafe.org.models import (
    DataRequest,
    DataRequestEvent,
    DirectoryImport,
    PersonalDataAccess,
    PrivacyConsent,
    User,
)
from cafe.testing.factories import UserFactory, accept_privacy
from proposals import bulletin as bulletin_service
from proposals.models import Proposal, Support
from proposals.services.capture import support_proposal
from proposals.tests.factories import ProposalFactory
from sessions_app.models import Feedback, Registration
from sessions_app.services import communications
from sessions_app.services.attendance import set_attendance
from sessions_app.services.registration import register_attendee
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

BOGOTA = ZoneInfo("America/Bogota")
NAME = "Zoraida Quintero Mejía"
EMAIL = "zoraida.quintero@prueba.gov.co"


@pytest.fixture
def officer(db):
    return UserFactory(role=roles.OFICIAL_DATOS)


@pytest.fixture
def world(officer, despacho, dependency):
    """A person with something in every place the system keeps personal data."""
    person = UserFactory(full_name=NAME, email=EMAIL, dependency=dependency)
    dependency.head = person
    dependency.save()
    PrivacyConsent.objects.create(
        user=person,
        version="2020-01",
        text_sha256="0" * 64,
        ip_address="203.0.113.9",
        user_agent="Navegador de Zoraida",
    )
    accept_privacy(person)
    AccessLog.objects.create(
        username=EMAIL, ip_address="203.0.113.9", user_agent="X", path_info="/"
    )
    AccessAttempt.objects.create(
        username=EMAIL,
        ip_address="203.0.113.9",
        user_agent="X",
        path_info="/ingresar/",
        get_data="",
        post_data=f"username={EMAIL}",
        failures_since_start=1,
    )
    others = [UserFactory() for _ in range(3)]
    sessions = [SessionFactory(capacity=10), SessionFactory(capacity=10)]
    for session in sessions:
        for someone in [person, *others]:
            registration, _created = register_attendee(
                session_id=session.pk, user=someone, needs=f"Rampa para {someone}"
            )
            set_attendance(
                registration_id=registration.pk,
                session_id=session.pk,
                present=True,
                now=session.starts_at,
            )
    Feedback.objects.create(
        session=sessions[0],
        user=person,
        felt_heard=5,
        useful=4,
        trust=4,
        comment=f"Gracias, soy {NAME}.",
    )
    own = ProposalFactory(author=person, text=f"Soy {NAME} y propongo menos papel.")
    theirs = ProposalFactory(author=others[0])
    support_proposal(proposal=theirs, user=person)
    support_proposal(proposal=theirs, user=others[1])
    ProposalFactory(author=others[1]).supports.create(user=person)
    Delivery.objects.create(
        idempotency_key="a-ella",
        kind="test",
        recipient=person,
        to_email=EMAIL,
        subject="Hola",
        body_text=f"Hola, {NAME}",
        state=Delivery.State.SENT,
    )
    Delivery.objects.create(
        idempotency_key="sobre-ella",
        kind="test",
        recipient=despacho,
        to_email=despacho.email,
        subject="Novedad",
        body_text=f"{NAME} envió una propuesta.",
        state=Delivery.State.SENT,
    )
    LogEntry.objects.create(
        user=officer,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(person.pk),
        object_repr=str(person),
        action_flag=CHANGE,
        change_message=f"Cambió el cargo de {NAME}",
    )
    DirectoryImport.objects.create(
        file_name="nomina.csv",
        file_sha256="1" * 64,
        rows=[["correo", "nombre"], [EMAIL, NAME], [others[0].email, "Otra"]],
    )
    record_access(actor=officer, what="correo", path="/correo/", subject_id=person.pk)
    request = habeas.file_request(
        person=person, kind="reclamo", claim="supresion", text=f"Soy {NAME}: borren."
    )
    client = Client()
    client.force_login(person)
    return {
        "person": person,
        "others": others,
        "sessions": sessions,
        "own": own,
        "theirs": theirs,
        "request": request,
    }


def counts(world) -> dict:
    per_session = {
        s.pk: (
            Registration.objects.filter(session=s, status="confirmada").count(),
            Registration.objects.filter(session=s, checked_in_at__isnull=False).count(),
            Feedback.objects.filter(session=s).count(),
        )
        for s in world["sessions"]
    }
    supports = {
        p.pk: (p.support_count, Support.objects.filter(proposal=p).count())
        for p in Proposal.objects.all()
    }
    return {
        "sessions": per_session,
        "supports": supports,
        "proposals": Proposal.objects.count(),
        "users": User.objects.count(),
        "consents": PrivacyConsent.objects.count(),
    }


def answer_and_send(request, officer):
    habeas.answer_request(request_id=request.pk, actor=officer, answer="Procede.")
    Delivery.objects.filter(state=Delivery.State.PENDING).update(
        state=Delivery.State.SENT
    )


def rows_mentioning(*needles) -> list[str]:
    """Every row of every table whose values contain one of ``needles``."""
    found = []
    lowered = [n.lower() for n in needles]
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        columns = [f.attname for f in meta.concrete_fields]
        for row in model._base_manager.values_list(*columns):
            text = " ".join(str(value) for value in row).lower()
            if any(needle in text for needle in lowered):
                found.append(f"{meta.db_table}: {row}")
    return found


def test_the_scan_sees_the_person_before(world):
    assert len(rows_mentioning(NAME, EMAIL)) >= 10


def test_supresion_leaves_no_row_with_name_or_email_and_keeps_every_count(
    world, officer
):
    before = counts(world)
    answer_and_send(world["request"], officer)
    summary = erasure.carry_out(request_id=world["request"].pk, actor=officer)

    assert rows_mentioning(NAME, EMAIL, "203.0.113.9", "Navegador de Zoraida") == []
    assert counts(world) == before
    assert summary["inscripciones_anonimizadas"] == 2
    assert summary["apoyos_conservados"] == 2


def test_supresion_row_by_row(world, officer, dependency):
    person = world["person"]
    answer_and_send(world["request"], officer)
    erasure.carry_out(request_id=world["request"].pk, actor=officer)

    person.refresh_from_db()
    assert person.full_name == erasure.RETIRED_NAME
    assert person.email == f"retirada-{person.pk}@suprimida.invalid"
    assert (person.is_active, person.dependency_id, person.position) == (
        False,
        None,
        "",
    )
    assert not person.has_usable_password()
    assert person.erased_at is not None
    assert not person.groups.exists()
    dependency.refresh_from_db()
    assert dependency.head_id is None
    # Access logs and consent proof without IP or browser.
    assert not AccessLog.objects.exists() and not AccessAttempt.objects.exists()
    assert list(
        PrivacyConsent.objects.filter(user=person).values_list(
            "ip_address", "user_agent"
        )
    ) == [(None, ""), (None, "")]
    # Registrations and attendance stay, without needs.
    registrations = Registration.objects.filter(user=person)
    assert registrations.count() == 2
    assert all(r.checked_in_at and r.needs == "" for r in registrations)
    # The survey answer stays, its scores intact and the name out of the comment.
    feedback = Feedback.objects.get(user=person)
    assert (feedback.felt_heard, feedback.comment) == (5, "Gracias, soy [suprimido].")
    # The proposal keeps its text, under the retired author.
    own = Proposal.objects.get(pk=world["own"].pk)
    assert own.author_id == person.pk
    assert own.text == "Soy [suprimido] y propongo menos papel."
    # Supports stay as counts.
    theirs = Proposal.objects.get(pk=world["theirs"].pk)
    assert theirs.support_count == 2 == theirs.supports.count()
    # The outbox holds nothing to or about the person.
    assert not Delivery.objects.filter(recipient=person).exists()
    assert not Delivery.objects.filter(idempotency_key__in=["a-ella", "sobre-ella"])
    assert Delivery.objects.filter(recipient__in=world["others"]).count() == 6
    # The admin history and the roster no longer name them.
    assert LogEntry.objects.get().object_repr == erasure.RETIRED_NAME
    roster = DirectoryImport.objects.get().rows
    assert roster[1] == ["[suprimido]", "[suprimido]"]
    assert roster[2][1] == "Otra"
    # The request keeps its number and steps; the access log keeps its rows.
    request = DataRequest.objects.get(pk=world["request"].pk)
    assert request.text == "[suprimido]"
    assert request.carried_out_at is not None
    event = request.events.get(action=DataRequestEvent.Action.ERASED)
    assert event.actor == officer
    # Two registration confirmations, the filing and the answer, one e-mail to her
    # and one about her.
    assert event.details["correos"] == 6
    assert PersonalDataAccess.objects.filter(subject=person).count() == 1


def test_supresion_waits_for_pending_mail_and_runs_once(world, officer):
    habeas.answer_request(
        request_id=world["request"].pk, actor=officer, answer="Procede."
    )
    with pytest.raises(ValidationError, match="correos pendientes"):
        erasure.carry_out(request_id=world["request"].pk, actor=officer)
    assert User.objects.get(pk=world["person"].pk).full_name == NAME
    Delivery.objects.update(state=Delivery.State.SENT)
    erasure.carry_out(request_id=world["request"].pk, actor=officer)
    with pytest.raises(ValidationError, match="ya se ejecutó"):
        erasure.carry_out(request_id=world["request"].pk, actor=officer)


def test_supresion_only_after_the_answer(world, officer):
    with pytest.raises(ValidationError, match="Responda la solicitud"):
        erasure.carry_out(request_id=world["request"].pk, actor=officer)


def test_retired_person_cannot_log_in(world, officer):
    answer_and_send(world["request"], officer)
    erasure.carry_out(request_id=world["request"].pk, actor=officer)
    response = Client().post(
        "/ingresar/", {"username": EMAIL, "password": "clave-de-prueba-2026"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session


# --- Revocatoria -------------------------------------------------------------------


@pytest.fixture
def revoking(officer):
    person = UserFactory()
    accept_privacy(person)
    request = habeas.file_request(
        person=person, kind="reclamo", claim="revocatoria", text="Revoco."
    )
    answer_and_send(request, officer)
    Delivery.objects.create(
        idempotency_key="inv-pendiente",
        kind="invitation",
        recipient=person,
        to_email=person.email,
        subject="Invitación",
        body_text="Venga",
    )
    return person, request


def test_revocatoria_stops_bulletin_and_invitations_and_asks_again(
    revoking, officer, login
):
    person, request = revoking
    summary = erasure.carry_out(request_id=request.pk, actor=officer)
    assert summary == {"correos_opcionales_retirados": 1}
    person.refresh_from_db()
    assert person.data_use_revoked_at is not None
    assert person.privacy_notice_version == ""
    assert PrivacyConsent.objects.filter(user=person).exists()  # the proof stays
    event = request.events.get(action=DataRequestEvent.Action.REVOKED)
    assert event.actor == officer

    draft, _created = bulletin_service.compose_bulletin()
    bulletin_service.approve_bulletin(bulletin_id=draft.pk, actor=officer)
    assert not Delivery.objects.filter(kind="bulletin", recipient=person).exists()
    assert Delivery.objects.filter(kind="bulletin").exists()

    with time_machine.travel(datetime(2027, 3, 10, 12, tzinfo=BOGOTA), tick=False):
        SessionFactory(starts_at=datetime(2027, 3, 20, 9, tzinfo=BOGOTA))
        communications.send_monthly_invitations(force=True)
    assert Delivery.objects.filter(kind="invitation").exclude(recipient=person)
    assert not Delivery.objects.filter(kind="invitation", recipient=person).exists()

    client = login(person, accept_privacy=False)
    response = client.get("/mis-datos/")
    assert response.status_code == 302
    assert response["Location"].startswith("/privacidad/")
    client.post("/privacidad/", {"accept": "on"})
    person.refresh_from_db()
    assert person.privacy_notice_version
    assert person.data_use_revoked_at is None
