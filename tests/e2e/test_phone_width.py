"""Every page fits a phone: at 390×844 no page scrolls sideways, for each role.

``PAGES`` maps every named URL of the project that renders a page to the objects it
is opened with (taken from the browser tests' world) and the roles that must get it;
``NOT_PAGES`` lists the others (POST actions, downloads, fragments, probes) with the
reason. A URL added to the project without an entry in one of them fails
``test_every_url_is_listed``. Wide content (tables, code) must scroll inside its own
box: the page itself never wider than the screen.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cafe.common.business_days import add_business_days
from cafe.notify.models import Delivery
from cafe.org import directory, habeas
from cafe.org.access_log import record_access
from cafe.testing.factories import DependencyFactory, UserFactory
from proposals import services as proposal_services
from proposals.models import Proposal
from sessions_app import services as session_services
from sessions_app.models import Campaign, Topic
from sessions_app.tests.factories import RegistrationFactory, SessionFactory
from sessions_app.voice_models import Testimonial as Quote
from tests.e2e import scenario
from tests.test_authorization import url_names

PHONE = {"width": 390, "height": 844}

SERVIDOR = "servidor"
COM = "comunicaciones"
ENLACE = "enlace"
DESP = "despacho"
ADMIN = "admin"
ROLES = (SERVIDOR, COM, ENLACE, DESP, ADMIN)
STAFF = ROLES
COMS = (COM, ADMIN)
DESPACHO = (DESP, ADMIN)
DASHBOARD = (COM, DESP, ADMIN)


@dataclass(frozen=True)
class Page:
    roles: tuple = STAFF
    args: Callable = lambda w: ()
    query: str = ""


def pk(key) -> Callable:
    return lambda w: (w[key].pk,)


PAGES: dict[str, list[Page]] = {
    "home": [Page()],
    "password_change": [Page()],
    "password_change_done": [Page()],
    "privacy_notice": [Page()],
    "my_data": [Page()],
    "preferences": [Page()],
    "habeas_file": [Page()],
    "habeas_queue": [Page((ADMIN,)), Page((ADMIN,), query="?todas=1")],
    "habeas_detail": [Page((ADMIN,), args=pk("data_request"))],
    "habeas_access_log": [Page((ADMIN,))],
    "habeas_retention": [Page((ADMIN,))],
    "notify:outbox": [Page(COMS), Page(COMS, query="?estado=fallido")],
    "ops:status": [Page((ADMIN,))],
    "sessions:list": [Page(), Page(query="?ver=todas")],
    "sessions:mine": [Page()],
    "sessions:archive": [Page()],
    "sessions:detail": [
        Page(args=pk("published")),
        Page(args=pk("entity")),
        Page(args=pk("held")),
        Page(COMS, args=pk("draft")),
    ],
    "sessions:survey": [Page((SERVIDOR,), args=pk("held"))],
    "sessions:manage": [Page(COMS)],
    "sessions:create": [Page(COMS)],
    "sessions:planner": [Page(COMS), Page(COMS, query="?month=2099-01")],
    "sessions:rotation": [Page(COMS)],
    "sessions:topics": [Page(COMS)],
    "sessions:topic_create": [Page(COMS)],
    "sessions:topic_edit": [
        Page(COMS, args=lambda w: (Topic.objects.order_by("pk").first().pk,))
    ],
    "sessions:campaigns": [Page(COMS)],
    "sessions:campaign_create": [Page(COMS)],
    "sessions:campaign_edit": [
        Page(COMS, args=lambda w: (Campaign.objects.order_by("pk").first().pk,))
    ],
    "sessions:testimonials": [Page(COMS)],
    "sessions:testimonial_create": [Page(COMS)],
    "sessions:edit": [Page(COMS, args=pk("published"))],
    "sessions:cancel": [Page(COMS, args=pk("published"))],
    "sessions:attendance": [
        Page(COMS, args=pk("published")),
        Page(COMS, args=pk("held")),
    ],
    "sessions:minutes_edit": [Page(COMS, args=pk("held"))],
    "sessions:minutes_versions": [Page(DASHBOARD, args=pk("held"))],
    "sessions:minutes_diff": [
        Page(DASHBOARD, args=pk("held")),
        Page(DASHBOARD, args=pk("review"), query="?de=1&a=5"),
    ],
    "sessions:review_list": [Page(DESPACHO)],
    "sessions:review": [Page(DESPACHO, args=pk("review"))],
    "proposals:list": [Page()],
    "proposals:mine": [Page()],
    "proposals:create": [Page()],
    "proposals:lookup": [Page()],
    "proposals:inbox": [Page(DESPACHO)],
    "proposals:queue": [Page((ENLACE,))],
    "proposals:dashboard": [Page(DASHBOARD)],
    "proposals:transparency_queue": [Page(DASHBOARD)],
    "proposals:classify_minutes": [Page(DASHBOARD, args=pk("held"))],
    "proposals:classify_commitment": [Page(DASHBOARD, args=pk("accepted"))],
    "transparency": [Page()],
    "transparency_data": [Page()],
    "transparency_index": [Page()],
    "proposals:capture": [Page(COMS, args=pk("held"))],
    "proposals:agreements": [Page(COMS, args=pk("held"))],
    "proposals:extensions": [Page(DESPACHO)],
    "proposals:bulletins": [Page()],
    "proposals:bulletin": [
        Page(args=pk("sent_bulletin")),
        Page(COMS, args=pk("draft_bulletin")),
    ],
    "proposals:bulletin_edit": [
        Page(COMS, args=pk("draft_bulletin")),
        Page(COMS, args=pk("sent_bulletin")),
    ],
    "proposals:bulletin_email": [Page(COMS, args=pk("draft_bulletin"))],
    "directory_import_new": [Page((ADMIN,))],
    "directory_import": [Page((ADMIN,), args=pk("roster"))],
    "directory_roles": [Page((ADMIN,))],
    "sessions:agenda": [Page(COMS)],
    "proposals:detail": [
        Page(args=pk("accepted")),
        Page(args=pk("received")),
        Page(DASHBOARD, args=pk("hidden")),
        Page(args=pk("agreement")),
    ],
}

# Pages a visitor sees before logging in.
ANONYMOUS_PAGES = {
    "login": (),
    "password_reset": (),
    "password_reset_done": (),
    "password_reset_confirm": ("MQ", "no-es-un-token"),
    "password_reset_complete": (),
    "transparency": (),
    "transparency_data": (),
    "transparency_index": (),
}

NOT_PAGES = {
    "healthz": "sonda de salud (texto)",
    "readyz": "sonda de salud (texto)",
    "brand_css": "hoja de estilos",
    "metrics": "texto para Prometheus",
    "logout": "acción POST",
    "my_data_export": "descarga JSON/CSV",
    "habeas_complete": "acción POST",
    "habeas_act": "acción POST",
    "notify:retry": "acción POST",
    "sessions:register": "acción POST",
    "sessions:unregister": "acción POST",
    "sessions:ics": "descarga .ics",
    "sessions:publish": "acción POST",
    "sessions:attendance_set": "acción POST (htmx)",
    "sessions:walk_in": "acción POST (htmx)",
    "sessions:mark_held": "acción POST",
    "sessions:minutes_submit": "acción POST",
    "proposals:export": "descarga CSV/XLSX",
    "proposals:report_pdf": "descarga PDF",
    "transparency_dataset": "descarga CSV/JSON (datos abiertos)",
    "proposals:bulletin_compose": "acción POST",
    "proposals:bulletin_progress": "fragmento htmx dentro de la página del boletín",
    "proposals:bulletin_approve": "acción POST",
    "proposals:bulletin_retry": "acción POST",
    "proposals:bulletin_photo_add": "acción POST (formulario en la edición)",
    "proposals:bulletin_photo_remove": "acción POST",
    "proposals:bulletin_video_add": "acción POST (formulario en la edición)",
    "proposals:bulletin_video_remove": "acción POST",
    "sessions:testimonial_withdraw": "acción POST",
    "sessions:testimonials_export": "descarga CSV",
    "sessions:my_testimonial_withdraw": "acción POST (botón en Mis datos)",
    "proposals:support": "acción POST",
    "proposals:support_instead": "acción POST",
    "proposals:similar": "fragmento htmx dentro del formulario de propuestas",
    "proposals:status": "acción POST",
    "proposals:accept": "acción POST",
    "proposals:assign": "acción POST",
    "proposals:answer": "acción POST",
    "proposals:progress": "acción POST",
    "proposals:hide": "acción POST",
    "proposals:unhide": "acción POST",
    "proposals:duplicate": "acción POST",
    "oidc_authentication_init": "redirección al proveedor de identidad",
    "oidc_authentication_callback": "vuelta del proveedor: rechazo (403) o redirección",
    "directory_grant_role": "acción POST",
    "directory_remove_role": "acción POST",
    "directory_set_head": "acción POST",
    "sessions:agenda_remove": "acción POST",
    # The room's pages need a session running now: tests/e2e/test_live_board.py and
    # tests/e2e/test_checkin_phone.py open them at 390 px and check the same width.
    "proposals:live": "página del teléfono en la sala (test_live_board)",
    "proposals:live_list": "fragmento htmx (test_live_board)",
    "proposals:live_support": "acción POST",
    "proposals:live_board": "pantalla de la sala (test_live_board)",
    "proposals:live_board_fragment": "fragmento htmx (test_live_board)",
    "proposals:live_moderate": "moderación en vivo (test_live_board)",
    "proposals:live_moderate_action": "acción POST",
    "proposals:live_queue": "fragmento htmx (test_live_board)",
    "sessions:pass": "código personal, abierto por la cámara (test_checkin_phone)",
    "sessions:room_checkin": "código de la sala (test_checkin_phone)",
    "sessions:room_screen": "pantalla de la sala (test_checkin_phone)",
    "sessions:room_code": "fragmento htmx (test_checkin_phone)",
    "proposals:extension_request": "acción POST",
    "proposals:extension_decide": "acción POST",
}

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_url_is_listed():
    names = {name for name in url_names() if not name.startswith("admin:")}
    listed = set(PAGES) | set(ANONYMOUS_PAGES) | set(NOT_PAGES)
    assert names - listed == set(), "URL sin decisión de ancho en teléfono"
    assert listed - names == set(), "entrada que ya no es una URL"


def admin_paths(superuser) -> list[str]:
    """The admin's index, and the list, add form and an object of every model."""
    paths = ["/admin/", "/admin/password_change/"]
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"{name}_changelist"))
        if model_admin.has_add_permission(request):
            paths.append(reverse(f"{name}_add"))
        last = model._default_manager.order_by("-pk").first()
        if last is not None:  # the newest: the world's long names come last
            paths.append(reverse(f"{name}_change", args=[last.pk]))
    return paths


def paths_for(role: str, world: dict) -> list[str]:
    paths = []
    for name, pages in PAGES.items():
        for item in pages:
            if role in item.roles:
                paths.append(reverse(name, args=item.args(world)) + item.query)
    if role == ADMIN:
        paths += admin_paths(world[ADMIN])
    return paths


def overflow(page, path) -> str | None:
    """None if the page answered 200 and fits the screen; otherwise what is wrong."""
    response = page.goto(path)
    if response is None or response.status != 200:
        return f"{path}: respuesta {response.status if response else 'ninguna'}"
    page.wait_for_load_state("load")
    scroll, inner = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    if scroll > inner:
        return f"{path}: {scroll} px de ancho en una pantalla de {inner} px"
    return None


@pytest.fixture
def phone(context):
    """The browser tests' context (live server, es-CO, Bogotá) at phone size."""
    page = context.new_page()
    page.set_viewport_size(PHONE)
    yield page
    page.close()


@pytest.fixture
def world():
    """The browser tests' world, with what widens a page on a phone: a session
    only for a dependency with a long name, long words, a full proposal, edited
    conclusions and people registered with long addresses."""
    w = scenario.build()
    long_name = DependencyFactory(
        name="Dirección del Sistema Distrital de Servicio a la Ciudadanía",
        acronym="DSDSC",
    )
    SessionFactory(
        title="Café con la Dirección del Sistema Distrital de Servicio",
        dependency=long_name,
    )
    Delivery.objects.create(
        idempotency_key="largo:1",
        kind="proposal_changed",
        to_email="maria.fernanda.rodriguez.castaneda@prueba.gov.co",
        subject="Novedades en la propuesta «Pausas activas en todas las sedes»",
        body_text="Texto",
    )
    for n in range(3):
        person = UserFactory(
            full_name=f"María Fernanda Rodríguez Castañeda {n}",
            email=f"maria.fernanda.rodriguez.castaneda{n}@prueba.gov.co",
            dependency=long_name,
        )
        RegistrationFactory(session=w["published"], user=person, needs="Rampa")
    Proposal.objects.filter(pk=w["accepted"].pk).update(
        due_date=timezone.localdate() + timedelta(days=40),
        text="Ver https://intranet.prueba.gov.co/documentos/pausas-activas-"
        "lineamientos-generales-para-todas-las-sedes-2026.pdf",
    )
    session_services.return_minutes(
        session_id=w["review"].pk, actor=w["despacho"], comment="Falta un acuerdo."
    )
    session_services.save_minutes(
        session_id=w["review"].pk,
        actor=w["comunicaciones"],
        data={"summary": "Pendiente y corregido.", "agreements": "- Un acuerdo"},
    )
    session_services.submit_minutes(
        session_id=w["review"].pk, actor=w["comunicaciones"]
    )
    DependencyFactory(code="DIR-900")
    roster = (
        "correo;nombre;dependencia;vinculación\n"
        "persona.con.un.correo.muy.largo@secretariageneral.gov.co;Nombre Largo;"
        "DIR-900;planta\n"
        "malo;Fila rechazada;Dependencia que no existe;planta\n"
    )
    w["roster"], _plan = directory.check_file(
        name="nomina.csv", content=roster.encode(), full_roster=True, actor=None
    )
    w["agreement"] = proposal_services.record_agreement(
        session_id=w["held"].pk,
        actor=w["comunicaciones"],
        title="Mesa de trabajo con la Dirección del Sistema Distrital de Servicio",
        commitment="Instalar la mesa de trabajo sobre el teletrabajo y sus reglas.",
        dependency=w["enlace"].liaison_of,
        business_days=10,
    )
    proposal_services.request_extension(
        proposal_id=w["agreement"].pk,
        actor=w["enlace"],
        new_due_date=add_business_days(w["agreement"].due_date, 5),
        reason="La mesa se aplazó por las vacaciones colectivas de diciembre.",
    )
    w["data_request"] = habeas.file_request(
        person=person,
        kind="reclamo",
        claim="rectificacion",
        text="Solicito corregir mi cargo: " + "palabra-muy-larga-sin-espacios" * 4,
    )
    record_access(
        actor=w[ADMIN], what="correo", path="/correo/?" + "x" * 200, subject_id=None
    )
    campaign = Campaign.objects.create(
        name="Bogotá te escucha: campaña de servicio a la ciudadanía 2026",
        description="Campaña externa de servicio.",
    )
    campaign.sessions.add(w["held"])
    Quote.objects.create(
        session=w["held"],
        person=w["servidor"],
        quote="Sentí que por fin alguien de la dirección escuchó lo que vivimos "
        "todos los días en la ventanilla de atención. " * 3,
        for_social=True,
        for_bulletin=True,
        consent_method=Quote.ConsentMethod.SIGNED,
        consent_note="Formato de autorización firmado en la sala, número 12.",
        consented_at=timezone.now(),
        recorded_by=w["comunicaciones"],
    )
    return w


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone(role, world, phone, log_in_as):
    log_in_as(world[role])
    paths = paths_for(role, world)
    assert len(paths) > 15
    problems = [p for p in (overflow(phone, path) for path in paths) if p]
    assert problems == [], "\n".join(problems)


def test_anonymous_pages_fit_a_phone(world, phone):
    paths = [reverse(name, args=args) for name, args in ANONYMOUS_PAGES.items()]
    problems = [p for p in (overflow(phone, path) for path in paths) if p]
    assert problems == [], "\n".join(problems)


def test_attendance_button_is_on_screen(world, phone, log_in_as):
    """At the door of the room: "Marcar presente" within reach, no sideways scroll."""
    log_in_as(world[COM])
    phone.goto(reverse("sessions:attendance", args=[world["published"].pk]))
    buttons = phone.get_by_role("button", name="Marcar presente")
    assert buttons.count() >= 4
    for index in range(buttons.count()):
        box = buttons.nth(index).bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
