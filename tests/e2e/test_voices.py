"""In the browser: a person withdraws the consent to publish their quote from "Mis
datos" and it leaves the bulletin's draft; the bulletin is approved by a second
person, never by whoever edited it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cafe.testing.factories import accept_privacy
from proposals import bulletin
from proposals.models import Bulletin
from sessions_app import services as session_services
from sessions_app.tests.factories import held_session
from sessions_app.voice_models import Testimonial as Quote
from tests.e2e import scenario

pytestmark = pytest.mark.django_db(transaction=True)

QUOTE = "En este café sentí que mi trabajo importa."


@pytest.fixture
def world():
    world = scenario.build()
    for role in ("comunicaciones", "despacho", "servidor"):
        accept_privacy(world[role])
    return world


def last_month_session(world):
    """A held session inside the period of the world's draft edition."""
    start = timezone.make_aware(
        timezone.datetime.combine(
            world["draft_bulletin"].period_start + timedelta(days=9),
            timezone.datetime.min.time(),
        )
    ) + timedelta(hours=9)
    return held_session(
        title="Café de fin de mes",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        registration_opens_at=start - timedelta(days=10),
        registration_closes_at=start - timedelta(hours=2),
    )


def test_withdrawing_consent_in_my_data_takes_the_quote_out(world, page, log_in_as):
    session = last_month_session(world)
    session_services.record_testimonial(
        session_id=session.pk,
        person=world["servidor"],
        quote=QUOTE,
        for_social=True,
        for_bulletin=True,
        consent_method=Quote.ConsentMethod.SIGNED,
        actor=world["comunicaciones"],
    )
    draft = world["draft_bulletin"]
    bulletin.refresh_draft(bulletin_id=draft.pk)
    log_in_as(world["comunicaciones"])
    page.goto(f"/propuestas/boletin/{draft.pk}/editar/")
    page.get_by_text(QUOTE).first.wait_for()

    log_in_as(world["servidor"])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/mis-datos/")
    page.get_by_text(QUOTE).wait_for()
    with page.expect_navigation():
        page.get_by_role("button", name="Retirar mi autorización").click()
    page.get_by_text("Retiramos su autorización").wait_for()
    assert page.get_by_role("button", name="Retirar mi autorización").count() == 0

    log_in_as(world["comunicaciones"])
    page.goto(f"/propuestas/boletin/{draft.pk}/editar/")
    page.get_by_role("heading", name="Contenido, como lo dirá el correo").wait_for()
    assert page.get_by_text(QUOTE).count() == 0
    page.goto("/sesiones/gestion/testimonios/")
    page.get_by_text("Autorización retirada", exact=True).first.wait_for()
    assert page.csp_problems == []


def test_the_bulletin_needs_a_second_person(world, page, log_in_as):
    draft = world["draft_bulletin"]
    log_in_as(world["comunicaciones"])
    page.goto(f"/propuestas/boletin/{draft.pk}/editar/")
    page.get_by_label("Nota editorial (opcional)").fill("Un mes de conversaciones.")
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar la nota").click()
    page.get_by_text("pida a otra persona que la apruebe").wait_for()
    assert page.get_by_role("button", name="Aprobar y enviar").count() == 0

    log_in_as(world["despacho"])
    page.goto(f"/propuestas/boletin/{draft.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Aprobar y enviar").click()
    page.get_by_text("Edición aprobada").wait_for()
    draft.refresh_from_db()
    assert draft.status == Bulletin.Status.APPROVED
    assert draft.approved_by == world["despacho"]
    assert draft.last_edited_by == world["comunicaciones"]
    assert page.csp_problems == []
