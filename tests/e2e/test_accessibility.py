"""WCAG 2.1 AA with axe-core on every page a person can reach, for each role,
including form errors and empty states. Zero violations."""

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.test import RequestFactory
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views import defaults

from cafe.testing.factories import DependencyFactory, UserFactory
from sessions_app.models import Topic
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
            ("/sesiones/gestion/agenda/", "submit"),
            ("/sesiones/gestion/temas/", None),
            ("/sesiones/gestion/temas/nuevo/", "submit"),
            ("/sesiones/gestion/campanas/", None),
            ("/sesiones/gestion/campanas/nueva/", "submit"),
            ("/sesiones/gestion/testimonios/", None),
            ("/sesiones/gestion/testimonios/nuevo/", "submit"),
            (f"/sesiones/{w['published'].pk}/editar/", None),
            (f"/sesiones/{w['published'].pk}/cancelar/", "submit"),
            (f"/sesiones/{w['published'].pk}/asistencia/", None),
            (f"/sesiones/{w['draft'].pk}/", None),
            (f"/sesiones/{w['held'].pk}/conclusiones/", None),
            (f"/sesiones/{w['held'].pk}/conclusiones/versiones/", None),
            (f"/propuestas/sesion/{w['held'].pk}/capturar/", "submit"),
            (f"/propuestas/sesion/{w['held'].pk}/acuerdos/", "submit"),
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
            ("/propuestas/prorrogas/", None),
            (f"/propuestas/{w['received'].pk}/", None),
            (f"/propuestas/{w['accepted'].pk}/", None),
            ("/propuestas/tablero/", None),
            (f"/propuestas/tablero/?dependencia={w['talent'].pk}", None),
            ("/propuestas/tablero/?desde=2026-12-31&hasta=2026-01-01", None),
            ("/sesiones/conclusiones/revision/", None),
            (f"/propuestas/boletin/{w['draft_bulletin'].pk}/", None),
            (f"/sesiones/{w['review'].pk}/conclusiones/revision/", None),
            ("/propuestas/transparencia/", None),
            (f"/propuestas/transparencia/conclusiones/{w['held'].pk}/", "submit"),
            (f"/propuestas/transparencia/compromisos/{w['accepted'].pk}/", None),
        ],
        "enlace": [
            ("/propuestas/seguimiento/", None),
            (f"/propuestas/{w['accepted'].pk}/", None),
            (f"/propuestas/{w['accepted'].pk}/", "submit"),  # a follow-up error
        ],
        "admin": [
            ("/sistema/estado/", None),
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
    for path in [
        "/ingresar/",
        "/clave/restablecer/",
        "/privacidad/",
        "/no-existe/",
        "/transparencia/",
        "/transparencia/datos/",
        "/transparencia/indice/",
    ]:
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


def test_every_admin_page_has_no_wcag_violation(world, axe_context, page, log_in_as):
    """The list, the add form and an object's form of every model in the admin."""
    admin_user = world["admin"]
    log_in_as(admin_user)
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    paths = ["/admin/", "/admin/password_change/"]
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"{name}_changelist"))
        if model_admin.has_add_permission(request):
            paths.append(reverse(f"{name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            paths.append(reverse(f"{name}_change", args=[first.pk]))
    assert len(paths) > 25
    problems = []
    for path in paths:
        problems += check(page, path, None)
    assert problems == [], "\n".join(problems)


def test_empty_states_of_every_list(db, axe_context, page, log_in_as):
    """A new deployment: no session, no proposal, no edition, no e-mail yet."""
    dependency = DependencyFactory(name="Dirección de Talento Humano")
    people = {
        "servidor": UserFactory(dependency=dependency),
        "comunicaciones": UserFactory(role="Comunicaciones"),
        "despacho": UserFactory(role="Despacho"),
        "enlace": UserFactory(role="Enlace de dependencia", liaison_of=dependency),
    }
    everyone = [
        "/",
        "/sesiones/",
        "/sesiones/mis-sesiones/",
        "/sesiones/archivo/",
        "/propuestas/",
        "/propuestas/mias/",
        "/propuestas/boletin/",
    ]
    own = {
        "comunicaciones": [
            "/sesiones/gestion/",
            "/sesiones/gestion/rotacion/",
            "/sesiones/gestion/temas/",
            "/sesiones/gestion/ciclo/",
            "/propuestas/tablero/",
            "/correo/",
        ],
        "despacho": [
            "/propuestas/bandeja/",
            "/propuestas/prorrogas/",
            "/sesiones/conclusiones/revision/",
            "/propuestas/tablero/",
        ],
        "enlace": ["/propuestas/seguimiento/"],
    }
    problems = []
    for role, person in people.items():
        log_in_as(person)
        for path in everyone + own.get(role, []):
            problems += [f"{role} {p}" for p in check(page, path, None)]
    assert problems == []


def clear_and_submit(page, path, label) -> list[str]:
    """Empty a required field of a filled form and submit it: its error state."""
    page.goto(path)
    form = page.locator("main form[method=post]").filter(has=page.get_by_label(label))
    form.evaluate("form => { form.noValidate = true; }")
    form.get_by_label(label).fill("")
    with page.expect_navigation():
        form.locator("[type=submit]").last.click()
    assert page.locator(".invalid-feedback, .alert-danger").first.is_visible(), path
    return [f"{path} ({label} vacío): {v['id']} {v['nodes']}" for v in run_axe(page)]


def test_edit_forms_in_their_error_states(world, axe_context, page, log_in_as):
    log_in_as(world["comunicaciones"])
    topic = Topic.objects.order_by("pk").first()
    problems = clear_and_submit(page, f"/sesiones/gestion/temas/{topic.pk}/", "Nombre")
    problems += clear_and_submit(
        page, f"/sesiones/{world['published'].pk}/editar/", "Título"
    )
    assert problems == []


def test_extension_request_in_its_error_state(world, axe_context, page, log_in_as):
    log_in_as(world["enlace"])
    problems = clear_and_submit(
        page, f"/propuestas/{world['accepted'].pk}/", "Motivo (obligatorio)"
    )
    assert problems == []


def test_anonymous_question_its_code_and_the_lookup(
    world, axe_context, page, log_in_as
):
    log_in_as(world["servidor"])
    page.goto("/propuestas/nueva/")
    page.get_by_label("Pregunta").check()
    page.get_by_label("Título").fill("¿Se puede trabajar en casa los viernes?")
    page.get_by_label("Cuéntenos").fill("Muchas personas viven lejos de la sede.")
    page.get_by_label("Anónima").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Enviar", exact=True).click()
    code = page.locator(".tracking-code").inner_text().strip()
    problems = [f"código: {v['id']} {v['nodes']}" for v in run_axe(page)]
    page.goto("/propuestas/consultar/")
    page.get_by_label("Código de seguimiento").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="Consultar").click()
    assert page.get_by_role(
        "heading", name="¿Se puede trabajar en casa los viernes?"
    ).is_visible()
    problems += [f"consulta: {v['id']} {v['nodes']}" for v in run_axe(page)]
    assert problems == []


def test_password_pages(world, axe_context, page, log_in_as):
    person = world["servidor"]
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    problems = []
    for path in ["/clave/restablecer/enviado/", "/clave/restablecer/listo/"]:
        problems += check(page, path, None)
    # A link already used or tampered with.
    problems += check(page, f"/clave/restablecer/{uid}/no-vale-este-token/", None)
    assert page.locator("main").inner_text().strip()
    # The real link: the form, then its errors (empty submit).
    problems += check(page, f"/clave/restablecer/{uid}/{token}/", "submit")
    log_in_as(person)
    problems += check(page, "/clave/cambiar/listo/", None)
    assert problems == []


def test_error_pages(world, axe_context, page, live_server, log_in_as):
    """400 and 500 as Django renders them, and the CSRF failure page for real."""
    factory = RequestFactory()
    bodies = {
        "400": defaults.bad_request(factory.get("/"), exception=None).content,
        "500": defaults.server_error(factory.get("/")).content,
    }
    page.route(
        "**/_errores/*",
        lambda route: route.fulfill(
            status=int(route.request.url.rsplit("/", 1)[1]),
            body=bodies[route.request.url.rsplit("/", 1)[1]],
            content_type="text/html; charset=utf-8",
        ),
    )
    headings = {"400": "La solicitud no es válida", "500": "Algo salió mal"}
    problems = []
    for status in bodies:
        page.goto(f"{live_server.url}/_errores/{status}")
        assert page.locator("html").get_attribute("lang") == "es-CO"
        assert page.get_by_role("heading", name=headings[status]).is_visible()
        problems += [f"{status}: {v['id']} {v['nodes']}" for v in run_axe(page)]
    # A form sent without its CSRF cookie (expired, or blocked by the browser).
    page.goto("/ingresar/")
    page.context.clear_cookies()
    page.get_by_label("Correo institucional").fill("laura@prueba.gov.co")
    page.get_by_label("Contraseña").fill(scenario.PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Ingresar").click()
    assert page.get_by_role(
        "heading", name="No pudimos procesar el formulario"
    ).is_visible()
    problems += [f"csrf: {v['id']} {v['nodes']}" for v in run_axe(page)]
    assert problems == []
