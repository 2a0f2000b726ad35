import logging
from datetime import time

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cafe.testing.factories import UserFactory
from proposals import services
from proposals.models import AnonymousSubmission, Proposal, StatusChange, Support
from proposals.services.capture import hash_tracking_code
from proposals.tests.factories import ProposalFactory
from sessions_app.models import Registration
from sessions_app.tests.factories import (
    RegistrationFactory,
    SessionFactory,
    held_session,
)

pytestmark = pytest.mark.django_db


def send(client, **data):
    payload = {
        "kind": "propuesta",
        "title": "Ventanilla única interna",
        "text": "Que todas las solicitudes internas lleguen por una sola ventanilla.",
        "topic": "",
        "session": "",
        "signature": "nombre",
    }
    payload.update(data)
    return client.post("/propuestas/nueva/", payload)


def test_named_proposal_is_signed_and_followed(login, servidor):
    response = send(login(servidor))
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/propuestas/{proposal.pk}/"
    assert proposal.author == servidor
    assert proposal.is_anonymous is False
    assert proposal.status == Proposal.Status.RECEIVED
    assert proposal.changes.get().actor == servidor


def references_to(user, proposal) -> list[str]:
    """Every row in every table that points at ``user`` and at ``proposal``."""
    found = []
    user_models = [
        (m, f)
        for m in apps.get_models()
        for f in m._meta.get_fields()
        if isinstance(f, models.ForeignKey) and f.related_model is type(user)
    ]
    for model, field in user_models:
        rows = model._default_manager.filter(**{field.name: user})
        for other in model._meta.get_fields():
            points_at_proposal = (
                isinstance(other, models.ForeignKey) and other.related_model is Proposal
            )
            if points_at_proposal and rows.filter(**{other.name: proposal}).exists():
                found.append(f"{model.__name__}.{field.name}")
        if model is Proposal and rows.filter(pk=proposal.pk).exists():
            found.append(f"Proposal.{field.name}")
    return found


def test_anonymous_proposal_is_unlinkable(login, servidor, caplog, mailoutbox):
    caplog.set_level(logging.DEBUG)
    client = login(servidor)
    response = send(client, signature="anonima", title="Acoso laboral en el piso 3")
    assert response.status_code == 200
    code = response.context["code"]
    assert "es la única vez que se muestra" in response.content.decode()
    assert not Proposal.objects.exists()  # it waits for the next batch
    services.publish_anonymous_batch()
    proposal = Proposal.objects.get()
    assert proposal.is_anonymous and proposal.author is None
    assert references_to(servidor, proposal) == []
    assert StatusChange.objects.get(proposal=proposal).actor is None
    local = timezone.localtime(proposal.created_at)
    assert local.time() == time.min  # the day only
    assert proposal.tracking_code_hash == hash_tracking_code(code)
    assert code not in str(Proposal.objects.values_list().get())
    assert mailoutbox == []
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert servidor.email not in logged and str(servidor.pk) not in logged.split()
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_tracking_code_finds_the_proposal_and_only_it(login, servidor):
    _queued, code = services.submit_proposal(
        user=servidor,
        kind="pregunta",
        title="¿Habrá sala de lactancia?",
        text="Quisiera saber si se adecuará una sala de lactancia en la sede.",
        anonymous=True,
    )
    other = login(UserFactory())
    typed = code.lower().replace("-", "")
    waiting = other.post("/propuestas/consultar/", {"code": typed})
    assert waiting.context["proposal"] is None
    assert waiting.context["queued"].title == "¿Habrá sala de lactancia?"
    page = waiting.content.decode()
    assert "¿Habrá sala de lactancia?" in page
    assert "en cola de publicación" in page
    assert "sala de lactancia en la sede" in page
    (proposal,) = services.publish_anonymous_batch()
    found = other.post("/propuestas/consultar/", {"code": typed})
    assert found.context["proposal"].pk == proposal.pk
    assert found.context["queued"] is None
    assert "¿Habrá sala de lactancia?" in found.content.decode()
    missing = other.post("/propuestas/consultar/", {"code": "AAAA-BBBB-CCCC"})
    assert missing.context["proposal"] is None and missing.context["queued"] is None
    assert "No encontramos una propuesta con ese código." in missing.content.decode()
    assert other.get(f"/propuestas/consultar/?code={code}").context["proposal"] is None


def send_anonymously_to(session, user):
    return services.submit_proposal(
        user=user,
        kind="pregunta",
        title="Horarios",
        text="Los horarios de la dependencia no permiten conciliar.",
        session=session,
        anonymous=True,
    )


def test_anonymous_to_a_session_counts_its_participants_not_its_audience(servidor):
    """A large dependency, one person registered: an anonymous question about the
    session is that person's, so it is refused until five people take part."""
    session = SessionFactory(dependency=servidor.dependency)
    UserFactory.create_batch(20, dependency=servidor.dependency)
    RegistrationFactory(session=session, user=servidor)
    with pytest.raises(ValidationError, match="menos de 5 personas inscritas"):
        send_anonymously_to(session, servidor)
    # Waiting or cancelled registrations do not count; confirmed or present do.
    RegistrationFactory(session=session, status=Registration.Status.WAITLISTED)
    RegistrationFactory(session=session, status=Registration.Status.CANCELLED)
    RegistrationFactory.create_batch(2, session=session)
    with pytest.raises(ValidationError, match="menos de 5 personas inscritas"):
        send_anonymously_to(session, servidor)
    assert not AnonymousSubmission.objects.exists()
    RegistrationFactory(
        session=session,
        status=Registration.Status.CANCELLED,
        walk_in=True,
        checked_in_at=timezone.now(),
    )
    RegistrationFactory(session=session, status=Registration.Status.WAITLISTED)
    with pytest.raises(ValidationError):
        send_anonymously_to(session, servidor)
    RegistrationFactory(session=session, walk_in=True, checked_in_at=timezone.now())
    _none, code = send_anonymously_to(session, servidor)
    assert AnonymousSubmission.objects.get().session == session and code


def test_small_audience_refusal_is_explained_on_the_form(login, servidor):
    small = SessionFactory(dependency=servidor.dependency)
    response = send(login(servidor), signature="anonima", session=str(small.pk))
    assert response.status_code == 200
    assert "podrían identificarle" in response.content.decode()
    assert Proposal.objects.count() == 0
    assert not AnonymousSubmission.objects.exists()


@pytest.mark.parametrize(
    ("title", "text", "message"),
    [
        (
            "   ",
            "Un texto suficientemente largo para pasar.",
            "Este campo es obligatorio",
        ),
        (
            "¿?",
            "Un texto suficientemente largo para pasar.",
            "El título: falta el texto",
        ),
        ("Título válido", "...!!!", "El texto: falta el texto"),
        ("Qué gonorrea", "Esto es una gonorrea de gestión, de verdad.", "ofensivas"),
        ("Título", "Son unos HIJUEPUTAS todos en esa oficina.", "ofensivas"),
    ],
)
def test_empty_or_abusive_text_is_refused(login, servidor, title, text, message):
    response = send(login(servidor), title=title, text=text)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Proposal.objects.count() == 0


def test_text_over_the_limit_is_refused(login, servidor):
    response = send(login(servidor), text="palabra " * 600)
    assert "Asegúrese de que este valor tenga como máximo 4000 caracteres" in (
        response.content.decode()
    )
    assert Proposal.objects.count() == 0


def test_only_the_audience_may_send_to_a_session(servidor, other_dependency):
    foreign = SessionFactory(dependency=other_dependency)
    with pytest.raises(ValidationError, match="Solo el personal invitado"):
        services.submit_proposal(
            user=servidor,
            kind="propuesta",
            title="Idea",
            text="Una idea para la sesión de otra dependencia.",
            session=foreign,
        )


def test_comunicaciones_captures_in_the_room(login, comunicaciones, servidor):
    session = held_session(dependency=servidor.dependency)
    client = login(comunicaciones)
    response = client.post(
        f"/propuestas/sesion/{session.pk}/capturar/",
        {
            "kind": "propuesta",
            "title": "Más sillas ergonómicas",
            "text": "Se pidió renovar las sillas de la sala de atención.",
            "author_email": "",
        },
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.origin == Proposal.Origin.ROOM
    assert proposal.author is None
    assert proposal.changes.get().actor == comunicaciones
    client.post(
        f"/propuestas/sesion/{session.pk}/capturar/",
        {
            "kind": "pregunta",
            "title": "¿Cuándo llega el nuevo sistema?",
            "text": "Preguntaron por la fecha del nuevo sistema de gestión.",
            "author_email": servidor.email,
        },
    )
    assert Proposal.objects.filter(author=servidor, origin="en_sesion").count() == 1
    page = login(servidor).get(f"/sesiones/{session.pk}/").content.decode()
    assert "Más sillas ergonómicas" in page
    assert "Propuestas de esta sesión" in page
    assert (
        login(servidor).get(f"/propuestas/sesion/{session.pk}/capturar/").status_code
        == 403
    )


def test_hidden_proposals_are_kept_and_invisible_to_staff(
    login, comunicaciones, servidor
):
    proposal = ProposalFactory(title="Texto que se oculta")
    client = login(comunicaciones)
    refused = client.post(
        f"/propuestas/{proposal.pk}/ocultar/", {"reason": ""}, follow=True
    )
    assert "Este campo es obligatorio." in refused.content.decode()
    client.post(
        f"/propuestas/{proposal.pk}/ocultar/",
        {"reason": "Datos personales de un tercero"},
    )
    proposal.refresh_from_db()
    assert (
        proposal.is_hidden
        and proposal.hidden_reason == "Datos personales de un tercero"
    )
    staff = login(servidor)
    assert staff.get(f"/propuestas/{proposal.pk}/").status_code == 404
    assert "Texto que se oculta" not in staff.get("/propuestas/").content.decode()
    assert client.get(f"/propuestas/{proposal.pk}/").status_code == 200
    assert Proposal.objects.filter(pk=proposal.pk).exists()
    client.post(f"/propuestas/{proposal.pk}/mostrar/")
    assert staff.get(f"/propuestas/{proposal.pk}/").status_code == 200


def test_duplicates_move_their_supports_to_the_original(comunicaciones):
    original, copy = ProposalFactory(), ProposalFactory()
    both, only_copy, only_original = UserFactory(), UserFactory(), UserFactory()
    for user in (both, only_copy):
        Support.objects.create(proposal=copy, user=user)
    for user in (both, only_original):
        Support.objects.create(proposal=original, user=user)
    services.mark_duplicate(
        proposal_id=copy.pk, original_id=original.pk, actor=comunicaciones
    )
    copy.refresh_from_db()
    assert copy.duplicate_of == original and copy.is_hidden
    supporters = set(
        Support.objects.filter(proposal=original).values_list("user", flat=True)
    )
    assert supporters == {both.pk, only_copy.pk, only_original.pk}
    assert not Support.objects.filter(proposal=copy).exists()
    with pytest.raises(ValidationError):
        services.mark_duplicate(
            proposal_id=original.pk, original_id=original.pk, actor=comunicaciones
        )


def test_support_once_and_withdraw(login, servidor):
    proposal = ProposalFactory()
    client = login(servidor)
    client.post(f"/propuestas/{proposal.pk}/apoyo/")
    assert Support.objects.filter(proposal=proposal, user=servidor).count() == 1
    assert services.support_proposal(proposal=proposal, user=servidor) is False
    assert Support.objects.filter(proposal=proposal).count() == 1
    client.post(f"/propuestas/{proposal.pk}/apoyo/")
    assert Support.objects.filter(proposal=proposal).count() == 0
    own = ProposalFactory(author=servidor)
    with pytest.raises(ValidationError, match="propia"):
        services.support_proposal(proposal=own, user=servidor)


def test_my_data_lists_signed_proposals_but_never_anonymous_ones(login, servidor):
    services.submit_proposal(
        user=servidor,
        kind="propuesta",
        title="Firmada por mí",
        text="Una propuesta con mi nombre para mejorar el servicio.",
    )
    services.submit_proposal(
        user=servidor,
        kind="propuesta",
        title="Secreta anónima",
        text="Una propuesta anónima que nadie debe ligar a mí.",
        anonymous=True,
    )
    services.publish_anonymous_batch()
    export = login(servidor).get("/mis-datos/descargar/json/").content.decode()
    assert "Firmada por mí" in export
    assert "Secreta anónima" not in export
    mine = login(servidor).get("/propuestas/mias/")
    assert [p.title for p in mine.context["page"].object_list] == ["Firmada por mí"]
