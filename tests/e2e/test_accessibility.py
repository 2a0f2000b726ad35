"""WCAG 2.1 AA with axe-core on every page a person can reach, for each role,
including form errors and empty states. Zero violations."""

import pytest
from axes.models import AccessAttempt

from cafe.testing.factories import UserFactory
from tests.e2e import scenario
from tests.e2e.conftest import run_axe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    return scenario.build()


def pages_for(role: str, w: dict) -> list[tuple[str, str | None]]:
    """(path, action) pairs; an action submits the page's main form empty to show
    its error state."""
    everyone = [
        ("/", None),
        ("/sesiones/", None),
        ("/sesiones/?mes=no-es-un-mes", None),
        (f"/sesiones/{w['published'].pk}/", None),
        (f"/sesiones/{w['entity'].pk}/", None),
        (f"/sesiones/{w['held'].pk}/", None),
        ("/sesiones/mis-sesiones/", None),
        ("/sesiones/archivo/", None),
        ("/propuestas/", None),
        ("/propuestas/?q=zzzz-sin-resultados", None),
        ("/propuestas/nueva/", "submit"),
        ("/propuestas/mias/", None),
        ("/propuestas/consultar/", "submit"),
        (f"/propuestas/{w['accepted'].pk}/", None),
        ("/propuestas/boletin/", None),
        (f"/propuestas/boletin/{w['sent_bulletin'].pk}/", None),
        ("/mis-datos/", None),
        ("/mis-datos/preferencias/", None),
        ("/privacidad/", None),
        ("/clave/cambiar/", "submit"),
        ("/no-existe/", None),
    ]
    extra = {
        "servidor": [
            ("/correo/", None),  # the 403 page
            (f"/sesiones/{w['held'].pk}/encuesta/", "submit"),
        ],
        "comunicaciones": [
            ("/sesiones/gestion/", None),
            ("/sesiones/gestion/nueva/", "submit"),
            ("/sesiones/gestion/ciclo/", None),
            ("/sesiones/gestion/ciclo/?month=2099-01", None),
            ("/sesiones/gestion/rotacion/", None),
            ("/sesiones/gestion/temas/", None),
            ("/sesiones/gestion/temas/nuevo/", "submit"),
            (f"/sesiones/{w['published'].pk}/editar/", None),
            (f"/sesiones/{w['published'].pk}/cancelar/", "submit"),
            (f"/sesiones/{w['published'].pk}/asistencia/", None),
            (f"/sesiones/{w['draft'].pk}/", None),
            (f"/sesiones/{w['held'].pk}/conclusiones/", None),
            (f"/sesiones/{w['held'].pk}/conclusiones/versiones/", None),
            (f"/propuestas/sesion/{w['held'].pk}/capturar/", "submit"),
            (f"/propuestas/{w['received'].pk}/", None),
            (f"/propuestas/{w['hidden'].pk}/", None),
            ("/propuestas/tablero/", None),
            (f"/propuestas/boletin/{w['draft_bulletin'].pk}/editar/", None),
            (f"/propuestas/boletin/{w['sent_bulletin'].pk}/editar/", None),
            (f"/propuestas/boletin/{w['draft_bulletin'].pk}/correo/", None),
            ("/correo/", None),
            ("/correo/?estado=fallido", None),
        ],
        "despacho": [
            ("/propuestas/bandeja/", None),
            (f"/propuestas/{w['received'].pk}/", None),
            (f"/propuestas/{w['accepted'].pk}/", None),
            ("/propuestas/tablero/", None),
            (f"/propuestas/tablero/?dependencia={w['talent'].pk}", None),
            ("/propuestas/tablero/?desde=2026-12-31&hasta=2026-01-01", None),
            ("/sesiones/conclusiones/revision/", None),
            (f"/sesiones/{w['review'].pk}/conclusiones/revision/", None),
        ],
        "enlace": [
            ("/propuestas/seguimiento/", None),
            (f"/propuestas/{w['accepted'].pk}/", None),
        ],
        "admin": [
            ("/admin/", None),
            ("/admin/org/user/", None),
            (f"/admin/org/user/{w['servidor'].pk}/change/", None),
            ("/admin/sessions_app/session/", None),
            ("/admin/proposals/proposal/", None),
            ("/admin/notify/delivery/", None),
        ],
    }
    return everyone + extra.get(role, [])


def check(page, path, action) -> list[str]:
    page.goto(path)
    if action == "submit":
        form = page.locator("main form[method=post]").last
        # Skip the browser's own validation so the server's error messages show.
        form.evaluate("form => { form.noValidate = true; }")
        form.locator("[type=submit]").last.click()
        page.wait_for_load_state()
    where = f"{path} (errores)" if action else path
    return [
        f"{where}: {v['id']} ({v['impact']}) {v['help']} {v['nodes']}"
        for v in run_axe(page)
    ]


@pytest.mark.parametrize(
    "role", ["servidor", "comunicaciones", "despacho", "enlace", "admin"]
)
def test_every_page_of_each_role_has_no_wcag_violation(
    role, world, axe_context, page, log_in_as
):
    log_in_as(world[role])
    problems = []
    for path, action in pages_for(role, world):
        problems += check(page, path, action)
    assert problems == []


def test_anonymous_pages_and_error_states(world, axe_context, page):
    problems = []
    for path in ["/ingresar/", "/clave/restablecer/", "/privacidad/", "/no-existe/"]:
        problems += check(page, path, None)
    page.goto("/ingresar/")
    page.get_by_label("Correo institucional").fill("laura@prueba.gov.co")
    page.get_by_label("Contraseña").fill("no-es-la-clave")
    page.get_by_role("button", name="Ingresar").click()
    assert page.get_by_text("El correo o la contraseña no son correctos").is_visible()
    problems += [f"login con error: {v['id']} {v['nodes']}" for v in run_axe(page)]
    page.goto("/clave/restablecer/")
    page.get_by_label("Correo institucional").fill("laura@prueba.gov.co")
    page.get_by_role("button", name="Enviar enlace").click()
    problems += [f"reset enviado: {v['id']} {v['nodes']}" for v in run_axe(page)]
    AccessAttempt.objects.create(
        username="laura@prueba.gov.co",
        ip_address="127.0.0.1",
        user_agent="x",
        failures_since_start=10,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/ingresar/",
    )
    page.goto("/ingresar/")
    page.get_by_label("Correo institucional").fill("laura@prueba.gov.co")
    page.get_by_label("Contraseña").fill(scenario.PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    assert page.get_by_role(
        "heading", name="Acceso bloqueado temporalmente"
    ).is_visible()
    problems += [f"bloqueo: {v['id']} {v['nodes']}" for v in run_axe(page)]
    assert problems == []


def test_privacy_notice_pending_state(world, axe_context, page, log_in_as):
    newcomer = UserFactory(dependency=world["talent"])
    log_in_as(newcomer, accept=False)
    page.goto("/")
    assert "/privacidad/" in page.url
    path = "/privacidad/?next=/"
    assert page.url.endswith(path.replace("/?next=/", "/?next=%2F"))
    problems = check(page, path, "submit")
    assert problems == []
    assert page.get_by_text("Para continuar debe marcar la casilla").is_visible()
