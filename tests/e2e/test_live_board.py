"""The live questions in the browser: a question sent from a phone (390 px wide)
reaches the moderation console, and once approved the room's screen shows it and
its supports without being reloaded."""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client

from cafe.testing.factories import UserFactory, accept_privacy
from proposals.services import live
from proposals.tests.live_helpers import ask, room, running_session
from tests.e2e.conftest import AXE, run_axe

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = "¿Cuándo se abrirá la convocatoria de encargos para este año?"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def logged_in_context(browser, live_server, user, viewport):
    """A browser context of its own (one person, one device), logged in."""
    accept_privacy(user)
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=live_server.url,
        locale="es-CO",
        timezone_id="America/Bogota",
        viewport=viewport,
    )
    context.set_default_timeout(15_000)
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_board_updates_without_reload_as_questions_are_approved_and_supported(
    browser, live_server, settings
):
    settings.CAFE_SITE_URL = live_server.url
    session = running_session(title="Café con Talento Humano")
    asker, supporter = room(session, 2)
    moderator = UserFactory(role="Comunicaciones")
    desk = logged_in_context(browser, live_server, moderator, DESK)
    phone = logged_in_context(browser, live_server, asker, PHONE)
    other_phone = logged_in_context(browser, live_server, supporter, PHONE)
    problems = []
    try:
        board = desk.new_page()
        console = desk.new_page()
        for page in (board, console):
            page.on(
                "console",
                lambda m: problems.append(m.text) if m.type == "error" else None,
            )
        board.goto(f"/propuestas/sesion/{session.pk}/pantalla/")
        board.get_by_text("Todavía no hay preguntas en la pantalla.").wait_for()
        board.evaluate("window.notReloaded = true")
        console.goto(f"/propuestas/sesion/{session.pk}/moderar/")
        console.evaluate("window.notReloaded = true")

        # A phone sends the question, signed.
        asking = phone.new_page()
        asking.goto(f"/propuestas/sesion/{session.pk}/preguntas/")
        assert fits(asking, PHONE["width"])
        asking.get_by_label("Su pregunta").fill(QUESTION)
        asking.get_by_label("Con mi nombre").check()
        asking.get_by_role("button", name="Enviar pregunta").click()
        asking.get_by_text("Recibimos su pregunta.").wait_for()
        assert fits(asking, PHONE["width"])

        # It reaches the console by itself; approving it puts it on the screen.
        card = console.locator("li.card", has_text=QUESTION)
        card.wait_for()
        card.get_by_role("button", name="Aprobar").click()
        console.get_by_text("ya está en la pantalla").wait_for()
        item = board.locator(".live-board-item", has_text=QUESTION)
        item.wait_for()
        assert asker.full_name in item.inner_text()
        assert re.search(r"0\s+apoyos", item.inner_text())

        # Another phone supports it: the count on the screen follows.
        supporting = other_phone.new_page()
        supporting.goto(f"/propuestas/sesion/{session.pk}/preguntas/")
        supporting.get_by_role("button", name=re.compile("^Apoyar")).click()
        supporting.get_by_text("Ya la apoya").wait_for()
        assert fits(supporting, PHONE["width"])
        board.locator(".live-board-item", has_text="1 apoyo").wait_for()

        # Answered in the room: it leaves the screen.
        card = console.locator("li.card", has_text=QUESTION)
        card.get_by_role("button", name="Respondida en la sala").click()
        board.get_by_text("1 pregunta respondida en la sala").wait_for()
        assert board.locator(".live-board-item").count() == 0

        for page in (board, console):
            assert page.evaluate("window.notReloaded") is True
        assert problems == []
    finally:
        for context in (desk, phone, other_phone):
            context.close()


def test_the_live_pages_meet_wcag_aa(browser, live_server, settings):
    """axe-core, zero violations: the phone page at 390 px (with a form error and
    with questions to support), the page for someone not in the room, the room's
    screen and the moderation console with questions in both lists."""
    settings.CAFE_SITE_URL = live_server.url
    session = running_session()
    people = room(session, 5)
    moderator = UserFactory(role="Comunicaciones")
    waiting = ask(session, people[0], text="¿Qué pasará con los contratos en enero?")
    shown = ask(session, people[1], text="¿Cuándo llegan los equipos nuevos?")
    live.approve_live_question(session=session, proposal_id=shown.pk, actor=moderator)
    assert waiting.pk
    visits = [
        (people[2], PHONE, f"/propuestas/sesion/{session.pk}/preguntas/", True),
        (UserFactory(), PHONE, f"/propuestas/sesion/{session.pk}/preguntas/", False),
        (moderator, DESK, f"/propuestas/sesion/{session.pk}/pantalla/", False),
        (moderator, DESK, f"/propuestas/sesion/{session.pk}/moderar/", False),
        (moderator, PHONE, f"/propuestas/sesion/{session.pk}/moderar/", False),
    ]
    for user, viewport, path, submit_empty in visits:
        context = logged_in_context(browser, live_server, user, viewport)
        context.add_init_script(path=str(AXE))
        try:
            page = context.new_page()
            page.goto(path)
            if submit_empty:
                page.get_by_role("button", name="Enviar pregunta").click()
                page.get_by_text("Escriba su pregunta.").wait_for()
            assert run_axe(page) == [], path
            assert fits(page, viewport["width"]), path
        finally:
            context.close()
