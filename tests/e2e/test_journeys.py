"""Three journeys, each as a person would do it: clicking visible Spanish labels, and
completing the main form with the keyboard alone."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from cafe.notify.models import Delivery
from cafe.org.models import Dependency
from cafe.testing.factories import UserFactory, accept_privacy
from proposals.models import AnonymousSubmission, Proposal
from sessions_app.models import Minutes, Registration, Session
from sessions_app.tests.factories import RegistrationFactory, SessionFactory
from tests.e2e import scenario

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    world = scenario.build()
    for role in ("comunicaciones", "despacho", "enlace"):
        accept_privacy(world[role])  # established staff accepted the notice long ago
    return world


def log_in_with_keyboard(page, email, password):
    """Type the credentials and submit with Enter, never touching the mouse."""
    page.context.clear_cookies()  # whoever was logged in before has left
    page.goto("/ingresar/")
    # The e-mail field takes the focus on load (autofocus).
    page.wait_for_function("document.activeElement?.name === 'username'")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def focus(page, locator, *, most=250):
    """Move the keyboard focus there by pressing Tab, as a keyboard user would: the
    element must be reachable in the tab order (from wherever the focus is)."""
    target = locator.element_handle()
    for _ in range(most):
        if page.evaluate("element => element === document.activeElement", target):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} no se alcanza con Tab")


def navigating(page):
    """Wait for the page load a click or a key press starts."""
    return page.expect_navigation()


def test_journey_1_staff_member(world, page, tmp_path):
    newcomer = UserFactory(
        full_name="Sofía Herrera",
        email="sofia@prueba.gov.co",
        dependency=world["talent"],
    )
    log_in_with_keyboard(page, newcomer.email, scenario.PASSWORD)

    # The privacy notice comes before anything else.
    assert "/privacidad/" in page.url
    page.get_by_label("He leído el aviso de privacidad").check()
    with navigating(page):
        page.get_by_role("button", name="Aceptar y continuar").click()
    assert page.get_by_role("heading", name="Hola, Sofía").is_visible()

    # Her dependency's session comes first in the list.
    with navigating(page):
        page.get_by_role("link", name="Sesiones", exact=True).first.click()
    first_card = page.locator("main article").first
    assert "Café con Talento Humano" in first_card.inner_text()
    with navigating(page):
        first_card.get_by_role("link", name="Café con Talento Humano").click()

    # Register with the keyboard: focus the needs field, type, Tab to the button.
    focus(page, page.get_by_label("Necesidades de accesibilidad o logística"))
    page.keyboard.type("Prefiero una silla cerca de la puerta")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text("Inscripción confirmada. Le enviamos").wait_for()
    registration = Registration.objects.get(user=newcomer)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.needs == "Prefiero una silla cerca de la puerta"

    # Download the invitation.
    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar la invitación (.ics)").click()
    path = tmp_path / "invitacion.ics"
    download.value.save_as(path)
    event = Calendar.from_ical(path.read_bytes()).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == world["published"].starts_at

    # Send an anonymous question, keep its tracking code.
    with navigating(page):
        page.get_by_role("link", name="Propuestas", exact=True).first.click()
    with navigating(page):
        page.get_by_role("link", name="Enviar una propuesta").click()
    page.get_by_label("Pregunta").check()
    page.get_by_label("Título").fill("¿Habrá pausas activas en la tarde?")
    page.get_by_label("Cuéntenos").fill(
        "Quisiera saber si las pausas activas también serán por la tarde."
    )
    page.get_by_label("Anónima").check()
    with navigating(page):
        page.get_by_role("button", name="Enviar", exact=True).click()
    code = page.locator(".tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    # It waits, without author or time, for the next anonymous batch.
    question = AnonymousSubmission.objects.get(
        title="¿Habrá pausas activas en la tarde?"
    )
    assert not Proposal.objects.filter(title=question.title).exists()

    # Later, she looks the question up with the code.
    page.goto("/")
    with navigating(page):
        page.get_by_role("link", name="Consultar mi propuesta").click()
    focus(page, page.get_by_label("Código de seguimiento"))
    page.keyboard.type(code)
    with navigating(page):
        page.keyboard.press("Enter")
    assert page.get_by_role(
        "heading", name="¿Habrá pausas activas en la tarde?"
    ).is_visible()
    assert page.csp_problems == []


def test_journey_2_comunicaciones(world, page, smtp_settings, settings):
    comunicaciones, despacho = world["comunicaciones"], world["despacho"]
    now = timezone.now()
    started = SessionFactory(
        title="Café con Planeación en curso",
        dependency=world["talent"],
        starts_at=(now - timedelta(minutes=10)).replace(second=0, microsecond=0),
        registration_opens_at=now - timedelta(days=5),
        registration_closes_at=now - timedelta(hours=1),
    )
    attendee = world["colleagues"][3]
    RegistrationFactory(session=started, user=attendee)
    log_in_with_keyboard(page, comunicaciones.email, scenario.PASSWORD)

    # Plan next month's cycle and create the drafts.
    with navigating(page):
        page.get_by_role("link", name="Gestión de sesiones", exact=True).click()
    with navigating(page):
        page.get_by_role("link", name="Planear el ciclo mensual").click()
    # Two months ahead: the scenario's own sessions sit within the next weeks, so
    # that month has no session for any dependency whatever today's date is.
    month_start = (timezone.localdate().replace(day=1) + timedelta(days=62)).replace(
        day=1
    )
    page.goto(f"/sesiones/gestion/ciclo/?month={month_start:%Y-%m}")
    with navigating(page):
        page.get_by_role("button", name="Crear en borrador").click()
    drafts = Session.objects.filter(
        status=Session.Status.DRAFT, starts_at__date__gte=month_start
    )
    # The cadence: SESSIONS_PER_MONTH sessions, not one per dependency.
    assert drafts.count() == min(
        settings.SESSIONS_PER_MONTH, Dependency.objects.filter(is_active=True).count()
    )

    # Publish one of them from the list.
    first = drafts.order_by("starts_at").first()
    page.goto("/sesiones/gestion/?estado=borrador")
    page.get_by_label(f"Publicar {first.title}").first.check()
    with navigating(page):
        page.get_by_role("button", name="Publicar las sesiones marcadas").click()
    first.refresh_from_db()
    assert first.status == Session.Status.PUBLISHED

    # Check the attendee in, then mark the session held.
    page.goto(f"/sesiones/{started.pk}/asistencia/")
    page.get_by_role("button", name=f"Marcar presente · {attendee.full_name}").click()
    page.get_by_text("Presente").first.wait_for()
    with navigating(page):
        page.get_by_role("button", name="Marcar la sesión como realizada").click()
    started.refresh_from_db()
    assert started.status == Session.Status.HELD
    assert Registration.objects.get(session=started, user=attendee).checked_in_at

    # Write the conclusions with the keyboard and send them to review.
    with navigating(page):
        page.get_by_role("link", name="Escribir las conclusiones").click()
    focus(page, page.get_by_label("Resumen"))
    page.keyboard.type("Se acordó **simplificar** los viáticos.")
    page.keyboard.press("Tab")
    page.keyboard.type("- Mesa de trabajo en 15 días")
    focus(page, page.get_by_role("button", name="Guardar borrador"))
    with navigating(page):
        page.keyboard.press("Enter")
    with navigating(page):
        page.get_by_role("button", name="Enviar a revisión del Despacho").click()
    assert Minutes.objects.get(session=started).status == Minutes.Status.IN_REVIEW

    # Capture a proposal raised in the room.
    page.goto(f"/sesiones/{started.pk}/")
    with navigating(page):
        page.get_by_role("link", name="Capturar lo planteado en la sala").click()
    page.get_by_label("Propuesta", exact=True).check()
    page.get_by_label("Título").fill("Formulario único de viáticos")
    page.get_by_label("Lo que se planteó").fill(
        "Unificar los formatos de viáticos en uno."
    )
    with navigating(page):
        page.get_by_role("button", name="Registrar lo planteado").click()
    assert Proposal.objects.filter(origin="en_sesion", session=started).count() == 1

    # Despacho publishes the conclusions.
    log_in_with_keyboard(page, despacho.email, scenario.PASSWORD)
    with navigating(page):
        page.get_by_role("link", name="Revisión de conclusiones", exact=True).click()
    with navigating(page):
        page.get_by_role("link", name="Café con Planeación en curso").click()
    with navigating(page):
        page.get_by_role("button", name="Aprobar y publicar").click()
    assert Minutes.objects.get(session=started).status == Minutes.Status.PUBLISHED

    # Back as Comunicaciones: approve and send a Soy 10 edition to the SMTP sink.
    log_in_with_keyboard(page, comunicaciones.email, scenario.PASSWORD)
    draft = world["draft_bulletin"]
    page.goto(f"/propuestas/boletin/{draft.pk}/editar/")
    page.on("dialog", lambda dialog: dialog.accept())
    with navigating(page):
        page.get_by_role("button", name="Aprobar y enviar").click()
    page.get_by_text("Envío terminado").wait_for()
    active = Delivery.objects.filter(content__bulletin=draft).count()
    assert active == len(
        [m for m in smtp_settings.messages if "Soy 10" in m["Subject"]]
    )
    assert active > 0
    assert page.csp_problems == []


def test_journey_3_despacho_and_liaison(world, page, settings):
    despacho, enlace = world["despacho"], world["enlace"]
    proposal = world["received"]
    log_in_with_keyboard(page, despacho.email, scenario.PASSWORD)

    with navigating(page):
        page.get_by_role("link", name="Tablero").first.click()
    page.get_by_label("Dependencia", exact=True).select_option(str(world["talent"].pk))
    with navigating(page):
        page.get_by_role("button", name="Aplicar").click()
    implemented_before = int(
        page.locator("dt:has-text('Implementadas') + dd").inner_text().split()[0]
    )

    # Move the proposal to analysis, then accept it with the keyboard.
    page.goto(f"/propuestas/{proposal.pk}/")
    page.get_by_label("Nuevo estado").select_option("en_analisis")
    page.locator("#estado_note").fill("La revisa la Dirección de Talento Humano.")
    with navigating(page):
        page.get_by_role("button", name="Cambiar el estado").click()
    # The responsible dependency, chosen by typing its name on the closed select.
    focus(page, page.locator("#aceptar_dependency"))
    page.keyboard.type(world["talent"].name)
    assert page.locator("#aceptar_dependency").input_value() == str(world["talent"].pk)
    focus(page, page.locator("#aceptar_commitment"))
    page.keyboard.type("Formulario de viáticos en línea")
    # The due date keeps its default: N business days on the Colombian calendar.
    focus(page, page.locator("#aceptar_note"))
    page.keyboard.type("Aceptada en el comité directivo.")
    page.keyboard.press("Tab")
    with navigating(page):
        page.keyboard.press("Enter")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert proposal.due_date is not None

    # The liaison of the responsible dependency implements it.
    mail.outbox.clear()
    log_in_with_keyboard(page, enlace.email, scenario.PASSWORD)
    with navigating(page):
        page.get_by_role(
            "link", name="Seguimiento de mi dependencia", exact=True
        ).click()
    with navigating(page):
        page.get_by_role("link", name="Viáticos sin papel").click()
    page.get_by_label("Nuevo estado").select_option("en_implementacion")
    page.locator("#estado_note").fill("Desarrollo contratado.")
    with navigating(page):
        page.get_by_role("button", name="Cambiar el estado").click()
    page.get_by_label("Nuevo estado").select_option("implementada")
    page.locator("#estado_note").fill("Formulario en producción.")
    page.get_by_label("Resultado").fill("Viáticos en línea con firma digital.")
    page.get_by_label("Impacto").fill("Todo el personal ahorra dos días por trámite.")
    with navigating(page):
        page.get_by_role("button", name="Cambiar el estado").click()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.IMPLEMENTED
    author_mails = [m for m in mail.outbox if m.to == [proposal.author.email]]
    assert any("Implementada" in m.body for m in author_mails)

    # The dashboard figures change.
    log_in_with_keyboard(page, despacho.email, scenario.PASSWORD)
    page.goto(f"/propuestas/tablero/?dependencia={world['talent'].pk}")
    implemented_after = int(
        page.locator("dt:has-text('Implementadas') + dd").inner_text().split()[0]
    )
    assert implemented_after == implemented_before + 1
    assert page.get_by_text(
        "Todo el personal ahorra dos días por trámite."
    ).is_visible()
    assert page.csp_problems == []
