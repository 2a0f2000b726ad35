"""Check-in from a phone (390 x 844): a person reads the room code on the screen and
marks themselves present; Comunicaciones reads a personal code at the door."""

import re
from datetime import timedelta

import pytest
import segno
from django.utils import timezone
from playwright.sync_api import expect

from cafe.testing.factories import UserFactory
from sessions_app.checkin import pass_url, room_url
from sessions_app.models import Registration
from sessions_app.tests.factories import RegistrationFactory, SessionFactory
from tests.e2e.conftest import run_axe

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def running_session(**kwargs):
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=10)
    return SessionFactory(
        title="Café con Talento Humano",
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
        registration_opens_at=start - timedelta(days=10),
        registration_closes_at=start - timedelta(hours=2),
        **kwargs,
    )


def qr_modules(url: str) -> str:
    """The drawing (the dark modules) of the QR code of ``url``, as the page has it."""
    svg = segno.make(url, error="m", micro=False).svg_inline(
        scale=1, border=4, dark="#000000", light="#ffffff", omitsize=True
    )
    return re.search(r'stroke="#000" d="([^"]+)"', svg).group(1)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_person_marks_themselves_present_with_the_room_code(
    axe_context, page, log_in_as, comunicaciones
):
    page.set_viewport_size(PHONE)
    person = UserFactory(full_name="Sofía Herrera")
    session = running_session()
    registration = RegistrationFactory(session=session, user=person)

    # The projector page (here on a phone too) shows the room code and refreshes it
    # by polling a fragment, without reloading the page.
    log_in_as(comunicaciones)
    page.goto(f"/sesiones/{session.pk}/pantalla/")
    expect(page.get_by_role("heading", name="Café con Talento Humano")).to_be_visible()
    shown = page.locator("#codigo-sala svg.qr-code path[stroke]").get_attribute("d")
    assert fits_the_phone(page)
    assert run_axe(page) == []
    page.evaluate("window.noReload = true")
    with page.expect_response(re.compile(r"/pantalla/codigo/$"), timeout=15_000):
        pass
    assert page.evaluate("window.noReload") is True
    # The code on the screen is the one of this minute (or of the previous one, if
    # the minute turned while the test ran): take the URL it encodes.
    now = timezone.now()
    candidates = [
        room_url(session, now),
        room_url(session, now - timedelta(seconds=60)),
    ]
    scanned = next(url for url in candidates if qr_modules(url) == shown)

    # Her phone's camera opens the URL; she is logged in.
    log_in_as(person)
    page.goto(scanned)
    expect(page.get_by_role("heading", name="Registrar mi asistencia")).to_be_visible()
    assert fits_the_phone(page)
    assert run_axe(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Registrar mi asistencia").click()
    expect(page.get_by_role("heading", name="Asistencia registrada")).to_be_visible()
    assert fits_the_phone(page)
    registration.refresh_from_db()
    assert registration.checked_in_at is not None

    # Scanning again changes nothing.
    page.goto(scanned)
    expect(page.get_by_role("heading", name="Asistencia ya registrada")).to_be_visible()
    assert page.csp_problems == []


def test_comunicaciones_phone_reads_a_personal_code(
    axe_context, page, log_in_as, comunicaciones
):
    page.set_viewport_size(PHONE)
    person = UserFactory(full_name="Julián Rodríguez")
    registration = RegistrationFactory(session=running_session(), user=person)
    url = pass_url(registration)  # what the QR of the confirmation e-mail encodes

    log_in_as(comunicaciones)
    page.goto(url)
    expect(page.get_by_text("Julián Rodríguez")).to_be_visible()
    assert fits_the_phone(page)
    assert run_axe(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Marcar presente").click()
    expect(page.get_by_role("heading", name="Asistencia registrada")).to_be_visible()
    registration.refresh_from_db()
    arrived = registration.checked_in_at
    assert arrived is not None

    page.goto(url)  # the same code, scanned a second time
    expect(page.get_by_role("heading", name="Asistencia ya registrada")).to_be_visible()
    assert page.get_by_role("button", name="Marcar presente").count() == 0
    assert fits_the_phone(page)

    # The person opening their own code learns nothing and changes nothing.
    log_in_as(person)
    page.goto(url)
    expect(
        page.get_by_role(
            "heading", name="Este código lo lee el equipo de Comunicaciones"
        )
    ).to_be_visible()
    assert fits_the_phone(page)
    assert run_axe(page) == []
    registration.refresh_from_db()
    assert registration.checked_in_at == arrived
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 1
    # Only the browser's note of the 403 answer; no CSP or script error.
    assert [p for p in page.csp_problems if "403" not in p] == []
