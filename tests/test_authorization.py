"""Who may open what: every URL of the project, every role, GET and POST.

``MATRIX`` states, for every named URL, the answer each role gets on each object:

- ``login``: 302 to ``/ingresar/?next=...`` (anonymous visitor on a private page);
- ``403``: logged in, but the role may not;
- ``404``: someone else's object, an object the role may not see, or no object;
- ``405``: the method is not allowed (checked after the role, before the object);
- ``ok``: allowed, 200 or a redirect that is not to the login.

A URL added to the project without an entry here fails ``test_every_url_has_a_rule``:
nothing ships without an authorization decision. The Django admin is covered by one
generic rule (staff only), tested on a sample of its pages.

Roles: an anonymous visitor; a Servidor of ``dependency``; the Enlace of
``dependency`` and the Enlace of ``other_dependency``; Comunicaciones; Despacho; a
superuser. POSTs carry an empty (or minimal) body and run inside a savepoint rolled
back afterwards, so every request sees the same data.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cafe.notify.models import Delivery
from cafe.org import habeas
from cafe.org.middleware import EXEMPT_URL_NAMES
from cafe.testing import factories
from proposals import bulletin as bulletin_service
from proposals.models import (
    Bulletin,
    BulletinPhoto,
    BulletinVideo,
    DueDateExtension,
    Proposal,
)
from proposals.services.capture import hash_tracking_code
from proposals.tests.factories import ProposalFactory
from sessions_app.checkin import pass_token
from sessions_app.models import Campaign, Minutes, Session
from sessions_app.room_token import room_token
from sessions_app.tests.factories import (
    RegistrationFactory,
    SessionFactory,
    TopicFactory,
    held_session,
)
from sessions_app.voice_models import Testimonial as Quote
from tests.test_security_headers import assert_security_headers

# --- Answer classes ---------------------------------------------------------------

LOGIN = "login"
FORBIDDEN = "403"
NOT_FOUND = "404"
NOT_ALLOWED = "405"
OK = "ok"
PRIVACY = "aviso-de-privacidad"
ADMIN_LOGIN = "login-admin"
ADMIN_HOME = "inicio-admin"


def classify(response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith("/ingresar/?next="):
            return LOGIN
        if location.startswith("/privacidad/?next="):
            return PRIVACY
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
        if location == "/admin/":
            return ADMIN_HOME
        return OK
    if response.status_code == 200:
        return OK
    return str(response.status_code)


def describe(response) -> str:
    text = str(response.status_code)
    if response.has_header("Location"):
        text += f" → {response['Location']}"
    if getattr(response, "exc_info", None):
        text += f" ({response.exc_info[0].__name__}: {response.exc_info[1]})"
    return text


# --- Roles --------------------------------------------------------------------------

ANON = "anonimo"
SERVIDOR = "servidor"
ENLACE = "enlace"  # liaison of `dependency`, the dependency of the servidor
ENLACE_OTRO = "enlace_otro"  # liaison of `other_dependency`
COM = "comunicaciones"
DESP = "despacho"
SUPER = "superusuario"

ROLES = (ANON, SERVIDOR, ENLACE, ENLACE_OTRO, COM, DESP, SUPER)
STAFF = (SERVIDOR, ENLACE, ENLACE_OTRO, COM, DESP, SUPER)
COMS = (COM, SUPER)  # org.manage_sessions, proposals.moderate_proposals, outbox
DESPACHO = (DESP, SUPER)  # org.answer_proposals, sessions_app.review_minutes
DASHBOARD = (COM, DESP, SUPER)  # org.view_dashboard; minutes history
SEE_HIDDEN = (COM, DESP, SUPER)  # moderators and Despacho see hidden proposals
LIAISONS = (ENLACE, ENLACE_OTRO)
# org.handle_data_requests: the data-protection officer (a role of its own; among the
# matrix's roles, only the superuser holds it).
OFFICER = (SUPER,)
BULLETIN_APPROVERS = (COM, DESP, SUPER)  # a second person approves the bulletin


def only(allowed, yes=OK, no=FORBIDDEN, anon=LOGIN) -> dict:
    """Anonymous -> login; ``allowed`` roles -> ``yes``; other roles -> ``no``."""
    return {r: anon if r == ANON else (yes if r in allowed else no) for r in ROLES}


def staff(outcome) -> dict:
    """Every logged-in role gets ``outcome``; anonymous goes to the login."""
    return only(STAFF, outcome)


def everyone(outcome) -> dict:
    return dict.fromkeys(ROLES, outcome)


def but(base: dict, **overrides) -> dict:
    return {**base, **overrides}


# --- The matrix ----------------------------------------------------------------------

MISSING = 999_999


@dataclass(frozen=True)
class Case:
    get: dict
    post: dict
    args: Callable = lambda w: ()
    label: str = ""
    data: Callable | None = None  # POST body built from the world; empty otherwise


def _other_method(no):
    """What a role that may not use the object gets with the wrong method: a role
    refused by the guard keeps its 403; the method is checked before the object."""
    return FORBIDDEN if no == FORBIDDEN else NOT_ALLOWED


def page(allowed=STAFF, no=FORBIDDEN, **kw) -> Case:
    """A read-only page (GET only)."""
    return Case(
        get=only(allowed, OK, no),
        post=only(allowed, NOT_ALLOWED, _other_method(no)),
        **kw,
    )


def form(allowed=STAFF, yes=OK, no=FORBIDDEN, **kw) -> Case:
    """A page with a form: GET and POST."""
    return Case(get=only(allowed, yes, no), post=only(allowed, yes, no), **kw)


def action(allowed=STAFF, yes=OK, no=FORBIDDEN, **kw) -> Case:
    """A POST-only action."""
    return Case(
        get=only(allowed, NOT_ALLOWED, _other_method(no)),
        post=only(allowed, yes, no),
        **kw,
    )


def public(get=OK, post=OK, **kw) -> Case:
    """Open to everyone, logged in or not."""
    return Case(get=everyone(get), post=everyone(post), **kw)


def arg(attr) -> Callable:
    return lambda w: (getattr(w, attr).pk,)


def missing(w):
    return (MISSING,)


PUBLISHED = {"args": arg("s_published"), "label": "sesión publicada"}
DRAFT = {"args": arg("s_draft"), "label": "sesión en borrador"}
HELD = {"args": arg("s_held"), "label": "sesión realizada, conclusiones publicadas"}
IN_REVIEW = {"args": arg("s_review"), "label": "conclusiones en revisión"}
NO_SESSION = {"args": missing, "label": "sesión inexistente"}
VISIBLE = {"args": arg("p_visible"), "label": "propuesta visible"}
HIDDEN = {"args": arg("p_hidden"), "label": "propuesta oculta"}
ACCEPTED_OWN = {"args": arg("p_accepted_own"), "label": "aceptada, dependencia enlace"}
ACCEPTED_OTHER = {
    "args": arg("p_accepted_other"),
    "label": "aceptada, otra dependencia",
}
NO_PROPOSAL = {"args": missing, "label": "propuesta inexistente"}
X_PENDING = {"args": arg("x_pending"), "label": "prórroga pendiente"}
NO_EXTENSION = {"args": missing, "label": "prórroga inexistente"}
B_DRAFT = {"args": arg("b_draft"), "label": "boletín en borrador"}
B_APPROVED = {"args": arg("b_approved"), "label": "boletín aprobado"}
NO_BULLETIN = {"args": missing, "label": "boletín inexistente"}

# Status changes: Despacho always; the liaison of the responsible dependency for
# its own transitions; Comunicaciones (moderation) never.
STATUS_ACCEPTED_OWN = only((DESP, SUPER, ENLACE))
STATUS_ACCEPTED_OTHER = only((DESP, SUPER, ENLACE_OTRO))
HIDDEN_FOR_DESPACHO = but(
    only(DESPACHO), servidor=NOT_FOUND, enlace=NOT_FOUND, enlace_otro=NOT_FOUND
)

MATRIX: dict[str, list[Case]] = {
    # --- Probes and the brand stylesheet: public, GET only ---------------------
    "healthz": [public(post=NOT_ALLOWED)],
    "readyz": [public(post=NOT_ALLOWED)],
    "brand_css": [public(post=NOT_ALLOWED)],
    # Metrics: by address, not by role (the test client's 127.0.0.1 is allowed by
    # default; cafe/ops/tests/test_monitoring.py checks that others get a 403).
    "metrics": [public(post=NOT_ALLOWED)],
    # --- cafe.ops: the system status page, superusers only -------------------------
    "ops:status": [page((SUPER,))],
    # --- cafe.org ------------------------------------------------------------------
    "home": [page()],
    # Logged-in people are sent on to the home page (redirect_authenticated_user).
    "login": [public()],
    # Django 5: logging out is POST only, for anyone.
    "logout": [public(get=NOT_ALLOWED)],
    "password_reset": [public()],
    "password_reset_done": [public(post=NOT_ALLOWED)],
    # An invalid link shows the "link no longer valid" page, whatever the method.
    "password_reset_confirm": [
        public(args=lambda w: ("MQ", "no-es-un-token"), label="enlace inválido")
    ],
    "password_reset_complete": [public(post=NOT_ALLOWED)],
    "password_change": [form()],
    "password_change_done": [page()],
    # Anyone reads the notice; a POST from someone with nothing pending goes home.
    "privacy_notice": [public()],
    "my_data": [page()],
    # Single sign-on: not configured in the tests, so starting it is a 404 page; the
    # provider's return without a code is refused (403), with no session either way.
    "oidc_authentication_init": [public(get=NOT_FOUND, post=NOT_ALLOWED)],
    "oidc_authentication_callback": [public(get=FORBIDDEN, post=NOT_ALLOWED)],
    # The staff directory and roles: the Administrador (superuser) only.
    "directory_import_new": [form((SUPER,))],
    "directory_import": [
        form((SUPER,), yes=NOT_FOUND, args=missing, label="carga inexistente")
    ],
    "directory_roles": [page((SUPER,))],
    "directory_grant_role": [action((SUPER,))],
    "directory_remove_role": [
        action(
            (SUPER,),
            yes=NOT_FOUND,
            args=lambda w: (MISSING, "Comunicaciones"),
            label="persona inexistente",
        )
    ],
    "directory_set_head": [action((SUPER,))],
    "preferences": [form()],
    "my_data_export": [
        page(args=lambda w: ("json",), label="json"),
        page(args=lambda w: ("csv",), label="csv"),
    ],
    # --- cafe.org: habeas data -----------------------------------------------------
    "habeas_file": [form()],
    # Completing someone else's request is a 404, like a request that is not there.
    "habeas_complete": [
        action(yes=NOT_FOUND, args=arg("dr_other"), label="solicitud de otra persona"),
        action(yes=NOT_FOUND, args=missing, label="solicitud inexistente"),
    ],
    "habeas_queue": [page(OFFICER)],
    "habeas_detail": [
        page(OFFICER, args=arg("dr_other"), label="solicitud"),
        Case(
            get=only(OFFICER, NOT_FOUND),
            post=only(OFFICER, NOT_ALLOWED),
            args=missing,
            label="solicitud inexistente",
        ),
    ],
    "habeas_act": [
        action(OFFICER, args=lambda w: (w.dr_other.pk, "responder"), label="responder"),
        action(
            OFFICER,
            yes=NOT_FOUND,
            args=lambda w: (MISSING, "prorrogar"),
            label="solicitud inexistente",
        ),
    ],
    "habeas_access_log": [page(OFFICER)],
    "habeas_retention": [page(OFFICER)],
    # --- cafe.notify: the outbox, Comunicaciones ---------------------------------
    "notify:outbox": [page(COMS)],
    "notify:retry": [
        action(COMS, args=arg("d_failed"), label="envío fallido"),
        action(COMS, args=arg("d_sent"), label="envío ya enviado"),
        action(COMS, yes=NOT_FOUND, args=missing, label="envío inexistente"),
    ],
    # --- sessions: every staff member -------------------------------------------
    "sessions:list": [page()],
    "sessions:mine": [page()],
    "sessions:archive": [page()],
    "sessions:detail": [
        page(**PUBLISHED),
        page(**HELD),
        # A draft exists for Comunicaciones only (Despacho included).
        Case(get=only(COMS, no=NOT_FOUND), post=staff(NOT_ALLOWED), **DRAFT),
        Case(get=staff(NOT_FOUND), post=staff(NOT_ALLOWED), **NO_SESSION),
    ],
    "sessions:register": [
        # Outside the audience or already registered: a message, back to the page.
        action(**PUBLISHED),
        action(COMS, no=NOT_FOUND, **DRAFT),
        action(yes=NOT_FOUND, **NO_SESSION),
    ],
    "sessions:unregister": [
        # Only the servidor holds a registration here; nobody has one in the draft.
        action((SERVIDOR,), no=NOT_FOUND, **PUBLISHED),
        action(yes=NOT_FOUND, **DRAFT),
        # Someone else's registration is not one's own: 404.
        action(
            yes=NOT_FOUND, args=arg("s_others"), label="inscripción de otra persona"
        ),
        action(yes=NOT_FOUND, **NO_SESSION),
    ],
    "sessions:ics": [
        page(**PUBLISHED),
        page(**HELD),
        Case(get=staff(NOT_FOUND), post=staff(NOT_ALLOWED), **DRAFT),
    ],
    "sessions:survey": [
        # The servidor attended: the form; anyone else: a message, back to the page.
        form(**HELD),
        form(**PUBLISHED),
        form(COMS, no=NOT_FOUND, **DRAFT),
        form(yes=NOT_FOUND, **NO_SESSION),
    ],
    # --- sessions: Comunicaciones -----------------------------------------------
    "sessions:manage": [form(COMS)],
    "sessions:create": [form(COMS)],
    "sessions:planner": [form(COMS)],
    "sessions:rotation": [page(COMS)],
    "sessions:agenda": [form(COMS)],
    "sessions:agenda_remove": [
        action(COMS, yes=NOT_FOUND, args=missing, label="bloqueo inexistente")
    ],
    "sessions:topics": [page(COMS)],
    "sessions:topic_create": [form(COMS)],
    "sessions:topic_edit": [
        form(COMS, args=arg("topic"), label="tema"),
        form(COMS, yes=NOT_FOUND, args=missing, label="tema inexistente"),
    ],
    "sessions:campaigns": [page(COMS)],
    "sessions:campaign_create": [form(COMS)],
    "sessions:campaign_edit": [
        form(COMS, args=arg("campaign"), label="campaña"),
        form(COMS, yes=NOT_FOUND, args=missing, label="campaña inexistente"),
    ],
    "sessions:testimonials": [page(COMS)],
    "sessions:testimonial_create": [form(COMS)],
    "sessions:testimonial_withdraw": [
        action(COMS, args=arg("testimonial"), label="testimonio"),
        action(COMS, yes=NOT_FOUND, args=missing, label="testimonio inexistente"),
    ],
    "sessions:testimonials_export": [page(COMS)],
    # Only the person quoted withdraws their own consent; anyone else's is a 404.
    "sessions:my_testimonial_withdraw": [
        action(
            (SERVIDOR,),
            no=NOT_FOUND,
            args=arg("testimonial"),
            label="testimonio del servidor",
        ),
        action(yes=NOT_FOUND, args=arg("testimonial_other"), label="testimonio ajeno"),
        action(yes=NOT_FOUND, args=missing, label="testimonio inexistente"),
    ],
    "sessions:edit": [
        form(COMS, **PUBLISHED),
        form(COMS, **DRAFT),
        form(COMS, yes=NOT_FOUND, **NO_SESSION),
    ],
    "sessions:publish": [
        action(COMS, **DRAFT),
        action(COMS, yes=NOT_FOUND, **NO_SESSION),
    ],
    "sessions:cancel": [
        form(COMS, **PUBLISHED),
        form(COMS, yes=NOT_FOUND, **NO_SESSION),
    ],
    "sessions:attendance": [
        page(COMS, **HELD),
        Case(
            get=only(COMS, NOT_FOUND),
            post=only(COMS, NOT_ALLOWED),
            **NO_SESSION,
        ),
    ],
    "sessions:attendance_set": [
        action(
            COMS,
            args=lambda w: (w.s_held.pk, w.r_held_servidor.pk),
            label="inscripción de la sesión",
        ),
        action(
            COMS,
            yes=NOT_FOUND,
            args=lambda w: (MISSING, w.r_held_servidor.pk),
            label="sesión inexistente",
        ),
    ],
    "sessions:walk_in": [
        action(COMS, data=lambda w: {"email": w.otra_persona.email}, **HELD),
        action(
            COMS,
            yes=NOT_FOUND,
            data=lambda w: {"email": w.otra_persona.email},
            **NO_SESSION,
        ),
    ],
    "sessions:mark_held": [
        action(COMS, **PUBLISHED),
        action(COMS, yes=NOT_FOUND, **NO_SESSION),
    ],
    # Check-in by phone. The personal code: Comunicaciones marks present; anyone else
    # reads a page that says nothing (403).
    "sessions:pass": [
        form(COMS, args=lambda w: (pass_token(w.r_held_servidor),), label="código"),
        form(COMS, yes="400", args=lambda w: ("MQ:falso",), label="código falso"),
    ],
    # The room code of a session that ended yesterday: a Spanish message (400).
    "sessions:room_checkin": [
        Case(
            get=staff("400"),
            post=staff("400"),
            args=lambda w: (w.s_held.pk, room_token(w.s_held, timezone.now())),
            label="sesión terminada",
        ),
        Case(
            get=staff(NOT_FOUND),
            post=staff(NOT_FOUND),
            args=lambda w: (w.s_draft.pk, room_token(w.s_draft, timezone.now())),
            label="sesión en borrador",
        ),
    ],
    "sessions:room_screen": [
        page(COMS, **PUBLISHED),
        Case(get=only(COMS, NOT_FOUND), post=only(COMS, NOT_ALLOWED), **NO_SESSION),
    ],
    "sessions:room_code": [
        page(COMS, **PUBLISHED),
        Case(get=only(COMS, NOT_FOUND), post=only(COMS, NOT_ALLOWED), **NO_SESSION),
    ],
    "sessions:minutes_edit": [
        form(COMS, **HELD),
        form(COMS, yes=NOT_FOUND, **NO_SESSION),
    ],
    "sessions:minutes_submit": [
        action(COMS, **HELD),
        action(COMS, yes=NOT_FOUND, **NO_SESSION),
    ],
    # Comunicaciones and Despacho read the history of the conclusions.
    "sessions:minutes_versions": [
        page(DASHBOARD, **HELD),
        Case(
            get=only(DASHBOARD, NOT_FOUND),
            post=only(DASHBOARD, NOT_ALLOWED),
            label="sesión sin conclusiones",
            args=arg("s_draft"),
        ),
    ],
    "sessions:minutes_diff": [
        page(DASHBOARD, **HELD),
        Case(
            get=only(DASHBOARD, NOT_FOUND),
            post=only(DASHBOARD, NOT_ALLOWED),
            label="sesión sin conclusiones",
            args=arg("s_draft"),
        ),
    ],
    # --- sessions: Despacho ---------------------------------------------------------
    "sessions:review_list": [page(DESPACHO)],
    "sessions:review": [
        form(DESPACHO, **IN_REVIEW),
        form(DESPACHO, yes=NOT_FOUND, args=arg("s_draft"), label="sin conclusiones"),
    ],
    # --- proposals: every staff member ------------------------------------------
    "proposals:list": [page()],
    "proposals:mine": [page()],
    "proposals:create": [form()],
    # The tracking code travels in the body; whoever holds it sees the proposal,
    # hidden or not (the page tells the author it was hidden by moderation).
    "proposals:lookup": [
        form(label="sin código"),
        form(label="código de una propuesta oculta", data=lambda w: {"code": w.code}),
    ],
    "proposals:bulletins": [page()],
    "proposals:bulletin": [
        page(**B_APPROVED),
        # Despacho sees a draft too: it may be the second person who approves it.
        Case(
            get=only(BULLETIN_APPROVERS, no=NOT_FOUND),
            post=staff(NOT_ALLOWED),
            **B_DRAFT,
        ),
        Case(get=staff(NOT_FOUND), post=staff(NOT_ALLOWED), **NO_BULLETIN),
    ],
    "proposals:detail": [
        page(**VISIBLE),
        page(args=arg("p_own"), label="propuesta propia del servidor"),
        page(**ACCEPTED_OWN),
        Case(get=only(SEE_HIDDEN, no=NOT_FOUND), post=staff(NOT_ALLOWED), **HIDDEN),
        Case(get=staff(NOT_FOUND), post=staff(NOT_ALLOWED), **NO_PROPOSAL),
    ],
    "proposals:support": [
        action(**VISIBLE),
        action(SEE_HIDDEN, no=NOT_FOUND, **HIDDEN),
        action(yes=NOT_FOUND, **NO_PROPOSAL),
    ],
    "proposals:support_instead": [
        action(**VISIBLE),
        action(SEE_HIDDEN, no=NOT_FOUND, **HIDDEN),
        action(yes=NOT_FOUND, **NO_PROPOSAL),
    ],
    "proposals:similar": [page()],
    # Any logged-in person passes the guard; who may change what is decided on the
    # proposal (so a wrong method is a 405 for everyone).
    "proposals:status": [
        Case(get=staff(NOT_ALLOWED), post=only(DESPACHO), **VISIBLE),
        Case(get=staff(NOT_ALLOWED), post=STATUS_ACCEPTED_OWN, **ACCEPTED_OWN),
        Case(get=staff(NOT_ALLOWED), post=STATUS_ACCEPTED_OTHER, **ACCEPTED_OTHER),
        Case(
            get=staff(NOT_ALLOWED),
            post=but(HIDDEN_FOR_DESPACHO, comunicaciones=FORBIDDEN),
            **HIDDEN,
        ),
        action(yes=NOT_FOUND, **NO_PROPOSAL),
    ],
    "proposals:progress": [
        Case(get=staff(NOT_ALLOWED), post=STATUS_ACCEPTED_OWN, **ACCEPTED_OWN),
        Case(get=staff(NOT_ALLOWED), post=STATUS_ACCEPTED_OTHER, **ACCEPTED_OTHER),
        Case(get=staff(NOT_ALLOWED), post=HIDDEN_FOR_DESPACHO, **HIDDEN),
        action(yes=NOT_FOUND, **NO_PROPOSAL),
    ],
    # --- proposals: Despacho ------------------------------------------------------
    "proposals:inbox": [page(DESPACHO)],
    "proposals:extensions": [page(DESPACHO)],
    "proposals:extension_decide": [
        action(DESPACHO, **X_PENDING),
        action(DESPACHO, yes=NOT_FOUND, **NO_EXTENSION),
    ],
    "proposals:accept": [
        action(DESPACHO, **VISIBLE),
        action(DESPACHO, **HIDDEN),
        action(DESPACHO, yes=NOT_FOUND, **NO_PROPOSAL),
    ],
    "proposals:assign": [
        action(DESPACHO, **VISIBLE),
        action(DESPACHO, **HIDDEN),
        action(DESPACHO, yes=NOT_FOUND, **NO_PROPOSAL),
    ],
    "proposals:answer": [
        action(DESPACHO, **VISIBLE),
        action(DESPACHO, **HIDDEN),
        action(DESPACHO, yes=NOT_FOUND, **NO_PROPOSAL),
    ],
    # --- proposals: Enlace (a liaison's own queue; a superuser is no liaison) ---------
    "proposals:queue": [page(LIAISONS)],
    # Only the liaison of the responsible dependency asks to move a due date.
    "proposals:extension_request": [
        Case(get=staff(NOT_ALLOWED), post=only((ENLACE,)), **ACCEPTED_OWN),
        Case(get=staff(NOT_ALLOWED), post=only((ENLACE_OTRO,)), **ACCEPTED_OTHER),
        Case(
            get=staff(NOT_ALLOWED),
            post=but(
                only(()), servidor=NOT_FOUND, enlace=NOT_FOUND, enlace_otro=NOT_FOUND
            ),
            **HIDDEN,
        ),
        action(yes=NOT_FOUND, **NO_PROPOSAL),
    ],
    # --- proposals: dashboard (Despacho; read-only for Comunicaciones) --------------
    "proposals:dashboard": [page(DASHBOARD)],
    "proposals:export": [
        page(DASHBOARD, args=lambda w: ("csv",), label="csv"),
        page(DASHBOARD, args=lambda w: ("xlsx",), label="xlsx"),
    ],
    "proposals:report_pdf": [page(DASHBOARD)],
    # --- The public transparency record: anyone, without login, GET only -------------
    "transparency": [public(post=NOT_ALLOWED)],
    "transparency_data": [public(post=NOT_ALLOWED)],
    "transparency_index": [public(post=NOT_ALLOWED)],
    "transparency_dataset": [
        public(post=NOT_ALLOWED, args=lambda w: ("sesiones", "csv"), label="csv"),
        public(post=NOT_ALLOWED, args=lambda w: ("indice", "json"), label="json"),
        public(
            get=NOT_FOUND,
            post=NOT_ALLOWED,
            args=lambda w: ("personas", "csv"),
            label="conjunto inexistente",
        ),
    ],
    # Comunicaciones and Despacho classify what reaches it.
    "proposals:transparency_queue": [page(DASHBOARD)],
    "proposals:classify_minutes": [
        form(DASHBOARD, **HELD),
        form(DASHBOARD, yes=NOT_FOUND, **IN_REVIEW),
        form(DASHBOARD, yes=NOT_FOUND, **NO_SESSION),
    ],
    "proposals:classify_commitment": [
        form(DASHBOARD, **ACCEPTED_OWN),
        form(DASHBOARD, yes=NOT_FOUND, **HIDDEN),
        form(DASHBOARD, yes=NOT_FOUND, **NO_PROPOSAL),
    ],
    # --- proposals: Comunicaciones (capture in the room, moderation, bulletin) ------
    "proposals:capture": [
        form(COMS, **PUBLISHED),
        form(COMS, yes=NOT_FOUND, **NO_SESSION),
    ],
    "proposals:agreements": [
        form(SEE_HIDDEN, **HELD),
        form(SEE_HIDDEN, **PUBLISHED),
        form(SEE_HIDDEN, yes=NOT_FOUND, **NO_SESSION),
    ],
    "proposals:hide": [
        action(COMS, **VISIBLE),
        action(COMS, **HIDDEN),
        action(COMS, yes=NOT_FOUND, **NO_PROPOSAL),
    ],
    "proposals:unhide": [
        action(COMS, **VISIBLE),
        action(COMS, **HIDDEN),
        action(COMS, yes=NOT_FOUND, **NO_PROPOSAL),
    ],
    "proposals:duplicate": [
        action(COMS, **VISIBLE),
        action(COMS, **HIDDEN),
        action(COMS, yes=NOT_FOUND, **NO_PROPOSAL),
    ],
    # --- proposals: live questions. Phones: registered or present in the session
    # (the servidor, in both); a wrong method is answered before that check. The
    # room's screen and the moderation console: Comunicaciones.
    "proposals:live": [
        form((SERVIDOR,), **PUBLISHED),
        form((SERVIDOR,), **HELD),
        form(yes=NOT_FOUND, **DRAFT),
        form(yes=NOT_FOUND, **NO_SESSION),
    ],
    "proposals:live_list": [
        Case(get=only((SERVIDOR,)), post=staff(NOT_ALLOWED), **PUBLISHED),
        Case(get=staff(NOT_FOUND), post=staff(NOT_ALLOWED), **DRAFT),
    ],
    "proposals:live_support": [
        Case(
            get=staff(NOT_ALLOWED),
            post=only((SERVIDOR,)),
            args=lambda w: (w.s_held.pk, w.p_visible.pk),
            label="pregunta de la sesión realizada",
        ),
        Case(
            get=staff(NOT_ALLOWED),
            post=staff(NOT_FOUND),
            args=lambda w: (w.s_draft.pk, w.p_visible.pk),
            label="sesión en borrador",
        ),
    ],
    "proposals:live_board": [
        page(COMS, **PUBLISHED),
        Case(get=only(COMS, NOT_FOUND), post=only(COMS, NOT_ALLOWED), **DRAFT),
    ],
    "proposals:live_board_fragment": [
        page(COMS, **PUBLISHED),
        Case(get=only(COMS, NOT_FOUND), post=only(COMS, NOT_ALLOWED), **NO_SESSION),
    ],
    "proposals:live_moderate": [
        page(COMS, **HELD),
        Case(get=only(COMS, NOT_FOUND), post=only(COMS, NOT_ALLOWED), **DRAFT),
    ],
    "proposals:live_queue": [
        page(COMS, **HELD),
        Case(get=only(COMS, NOT_FOUND), post=only(COMS, NOT_ALLOWED), **NO_SESSION),
    ],
    "proposals:live_moderate_action": [
        action(
            COMS,
            args=lambda w: (w.s_held.pk, w.p_visible.pk),
            label="propuesta que no es pregunta en vivo",
        ),
        action(
            COMS,
            yes=NOT_FOUND,
            args=lambda w: (w.s_draft.pk, w.p_visible.pk),
            label="sesión en borrador",
        ),
    ],
    "proposals:bulletin_compose": [action(COMS)],
    "proposals:bulletin_edit": [
        form(COMS, **B_DRAFT),
        form(COMS, **B_APPROVED),
        form(COMS, yes=NOT_FOUND, **NO_BULLETIN),
    ],
    "proposals:bulletin_email": [
        page(COMS, **B_DRAFT),
        page(COMS, **B_APPROVED),
        Case(get=only(COMS, NOT_FOUND), post=only(COMS, NOT_ALLOWED), **NO_BULLETIN),
    ],
    "proposals:bulletin_progress": [
        page(COMS, **B_DRAFT),
        page(COMS, **B_APPROVED),
        Case(get=only(COMS, NOT_FOUND), post=only(COMS, NOT_ALLOWED), **NO_BULLETIN),
    ],
    "proposals:bulletin_approve": [
        action(BULLETIN_APPROVERS, **B_DRAFT),
        action(BULLETIN_APPROVERS, **B_APPROVED),
        action(BULLETIN_APPROVERS, yes=NOT_FOUND, **NO_BULLETIN),
    ],
    # An empty body is refused with a message (back to the edition): OK.
    "proposals:bulletin_photo_add": [
        action(COMS, **B_DRAFT),
        action(COMS, yes=NOT_FOUND, **NO_BULLETIN),
    ],
    "proposals:bulletin_photo_remove": [
        action(COMS, args=lambda w: (w.b_draft.pk, w.photo.pk), label="foto"),
        action(
            COMS,
            yes=NOT_FOUND,
            args=lambda w: (w.b_approved.pk, w.photo.pk),
            label="foto de otra edición",
        ),
    ],
    "proposals:bulletin_video_add": [
        action(COMS, **B_DRAFT),
        action(COMS, yes=NOT_FOUND, **NO_BULLETIN),
    ],
    "proposals:bulletin_video_remove": [
        action(COMS, args=lambda w: (w.b_draft.pk, w.video.pk), label="video"),
        action(
            COMS,
            yes=NOT_FOUND,
            args=lambda w: (w.b_approved.pk, w.video.pk),
            label="video de otra edición",
        ),
    ],
    "proposals:bulletin_retry": [
        action(
            COMS,
            args=lambda w: (w.b_approved.pk, w.d_bulletin_failed.pk),
            label="envío fallido de la edición",
        ),
        # A delivery of another message is not this edition's: 404.
        action(
            COMS,
            yes=NOT_FOUND,
            args=lambda w: (w.b_approved.pk, w.d_failed.pk),
            label="envío de otro mensaje",
        ),
        action(
            COMS,
            yes=NOT_FOUND,
            args=lambda w: (w.b_draft.pk, w.d_failed.pk),
            label="edición sin envíos",
        ),
    ],
}

# The admin: every one of its URLs, for the superuser only. Its names are generated
# per registered model; each is mapped to (model, action) here, and a name this does
# not recognise fails test_every_url_has_a_rule.
ADMIN_MODEL_ACTIONS = ("changelist", "add", "change", "delete", "history")
ADMIN_SITE_URLS = {
    "admin:index",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:app_list",
}


def admin_target(name: str):
    """(model, action) of an admin URL name, (None, name) for the site's own URLs;
    KeyError for a name the matrix does not know."""
    if name in ADMIN_SITE_URLS:
        return None, name
    label = name.removeprefix("admin:")
    if label == "auth_user_password_change":  # Django's UserAdmin names it so
        return get_user_model(), "password_change"
    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        action = label.removeprefix(prefix)
        if label.startswith(prefix) and action in ADMIN_MODEL_ACTIONS:
            return model, action
    raise KeyError(name)


def admin_expectation(name: str, world, superuser):
    """(url, the superuser's answer to a GET) for one admin URL name."""
    model, action = admin_target(name)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    if model is None:
        first_model = next(iter(admin.site._registry))
        people = ContentType.objects.get_for_model(type(superuser))
        urls = {
            "admin:app_list": (first_model._meta.app_label,),
            "admin:view_on_site": (people.pk, world.users[SERVIDOR].pk),
        }
        url = reverse(name, args=urls.get(name, ()))
        answers = {
            "admin:logout": NOT_ALLOWED,  # POST only
            "admin:autocomplete": FORBIDDEN,  # without its parameters
            "admin:view_on_site": (
                OK if hasattr(type(superuser), "get_absolute_url") else NOT_FOUND
            ),
        }
        if name == "admin:login":
            answers[name] = ADMIN_HOME  # already in
        return url, answers.get(name, OK)
    model_admin = admin.site._registry[model]
    if action in ("changelist", "add"):
        allowed = action == "changelist" or model_admin.has_add_permission(request)
        return reverse(name), OK if allowed else FORBIDDEN
    obj = model._default_manager.order_by("pk").first()
    url = reverse(name, args=(obj.pk if obj else MISSING,))
    if obj is None:
        return url, ADMIN_HOME  # the admin answers a missing object with its index
    if action == "delete" and not model_admin.has_delete_permission(request, obj):
        return url, FORBIDDEN
    return url, OK


def url_names(patterns=None, namespace=None):
    """Every named URL of the project, as "namespace:name"."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace
                    else pattern.namespace
                )
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def all_cases():
    for name, cases in MATRIX.items():
        for case in cases:
            yield name, case


# --- Data ---------------------------------------------------------------------------

TRACKING_CODE = "ABCD-EFGH-JKLM"


@pytest.fixture
def world(
    settings,
    dependency,
    other_dependency,
    servidor,
    enlace,
    comunicaciones,
    despacho,
    superuser,
):
    """Everything the URLs need, seen from each role."""
    # Readiness is about the database here; a broker is someone else's test.
    settings.CELERY_BROKER_URL = ""
    now = timezone.now()
    enlace_otro = factories.UserFactory(
        role="Enlace de dependencia",
        dependency=other_dependency,
        liaison_of=other_dependency,
    )
    otra_persona = factories.UserFactory(dependency=dependency)
    dr_other = habeas.file_request(
        person=otra_persona, kind="reclamo", claim="rectificacion", text="Mi cargo."
    )
    topic = TopicFactory()

    s_published = SessionFactory(dependency=dependency, topic=topic)
    s_others = SessionFactory()
    RegistrationFactory(session=s_others, user=otra_persona)
    s_draft = SessionFactory(dependency=dependency, status=Session.Status.DRAFT)
    s_held = held_session()
    Minutes.objects.create(
        session=s_held,
        summary="Conversamos sobre el teletrabajo.",
        status=Minutes.Status.PUBLISHED,
        published_at=now,
    )
    s_review = held_session(dependency=other_dependency)
    Minutes.objects.create(
        session=s_review,
        summary="Conclusiones por revisar.",
        status=Minutes.Status.IN_REVIEW,
    )
    RegistrationFactory(session=s_published, user=servidor)
    RegistrationFactory(session=s_published, user=otra_persona)
    r_held_servidor = RegistrationFactory(
        session=s_held, user=servidor, checked_in_at=now - timedelta(hours=20)
    )
    RegistrationFactory(
        session=s_held, user=otra_persona, checked_in_at=now - timedelta(hours=20)
    )

    p_visible = ProposalFactory(author=otra_persona, topic=topic, session=s_held)
    p_own = ProposalFactory(author=servidor)
    p_hidden = ProposalFactory(
        author=otra_persona, is_hidden=True, hidden_reason="Lenguaje ofensivo."
    )
    accepted = {
        "status": Proposal.Status.ACCEPTED,
        "commitment": "Digitalizar el trámite.",
        "due_date": timezone.localdate() + timedelta(days=30),
        "accepted_at": now,
    }
    p_accepted_own = ProposalFactory(responsible_dependency=dependency, **accepted)
    p_accepted_other = ProposalFactory(
        responsible_dependency=other_dependency, **accepted
    )
    x_pending = DueDateExtension.objects.create(
        proposal=p_accepted_own,
        previous_due_date=p_accepted_own.due_date,
        requested_due_date=p_accepted_own.due_date + timedelta(days=7),
        reason="La mesa se aplazó.",
        requested_by=enlace,
        requested_at=now,
    )
    ProposalFactory(
        author=None,
        is_anonymous=True,
        is_hidden=True,
        hidden_reason="Datos personales de terceros.",
        tracking_code_hash=hash_tracking_code(TRACKING_CODE),
    )

    b_draft, _ = bulletin_service.compose_bulletin()
    b_approved, _ = bulletin_service.compose_bulletin(
        today=timezone.localdate().replace(day=1) - timedelta(days=40)
    )
    bulletin_service.approve_bulletin(bulletin_id=b_approved.pk, actor=comunicaciones)
    b_approved.refresh_from_db()
    d_bulletin_failed = Delivery.objects.filter(content=b_approved.content).first()
    d_bulletin_failed.state = Delivery.State.FAILED
    d_bulletin_failed.last_error = "550 buzón inexistente"
    d_bulletin_failed.save()
    assert b_draft.status == Bulletin.Status.DRAFT
    photo = BulletinPhoto.objects.create(
        bulletin=b_draft,
        image="boletin/prueba.jpg",
        width=10,
        height=10,
        alt_text="El Secretario con el equipo.",
    )
    video = BulletinVideo.objects.create(
        bulletin=b_draft, url="https://video.example.gov.co/1", title="Resumen"
    )
    campaign = Campaign.objects.create(name="Bogotá sin papel")
    campaign.sessions.add(s_held)
    quote = {
        "session": s_held,
        "quote": "Por fin nos escucharon.",
        "for_bulletin": True,
        "consent_method": Quote.ConsentMethod.SIGNED,
        "consented_at": now,
    }
    testimonial = Quote.objects.create(person=servidor, **quote)
    testimonial_other = Quote.objects.create(person=otra_persona, **quote)

    d_failed = Delivery.objects.create(
        idempotency_key="prueba:fallido",
        kind="prueba",
        recipient=servidor,
        to_email=servidor.email,
        subject="Un correo que falló",
        body_text="Hola.",
        state=Delivery.State.FAILED,
        attempts=8,
        last_error="550 buzón inexistente",
    )
    d_sent = Delivery.objects.create(
        idempotency_key="prueba:enviado",
        kind="prueba",
        recipient=servidor,
        to_email=servidor.email,
        subject="Un correo enviado",
        body_text="Hola.",
        state=Delivery.State.SENT,
        sent_at=now,
    )
    return SimpleNamespace(
        users={
            SERVIDOR: servidor,
            ENLACE: enlace,
            ENLACE_OTRO: enlace_otro,
            COM: comunicaciones,
            DESP: despacho,
            SUPER: superuser,
        },
        otra_persona=otra_persona,
        dr_other=dr_other,
        topic=topic,
        s_published=s_published,
        s_others=s_others,
        s_draft=s_draft,
        s_held=s_held,
        s_review=s_review,
        r_held_servidor=r_held_servidor,
        p_visible=p_visible,
        p_own=p_own,
        p_hidden=p_hidden,
        p_accepted_own=p_accepted_own,
        p_accepted_other=p_accepted_other,
        x_pending=x_pending,
        code=TRACKING_CODE,
        b_draft=b_draft,
        b_approved=b_approved,
        d_bulletin_failed=d_bulletin_failed,
        photo=photo,
        video=video,
        campaign=campaign,
        testimonial=testimonial,
        testimonial_other=testimonial_other,
        d_failed=d_failed,
        d_sent=d_sent,
    )


def client_for(world, role, login, **client_kwargs) -> Client:
    """A client of the role (privacy notice accepted) that reports 500s as answers."""
    if role == ANON:
        return Client(raise_request_exception=False, **client_kwargs)
    user = world.users[role]
    if not client_kwargs:
        client = login(user)
    else:
        factories.accept_privacy(user)
        client = Client(**client_kwargs)
        client.force_login(user)
    client.raise_request_exception = False
    return client


def request(client, method, url, data=None, rollback=True, headers=None):
    """One request in a savepoint, rolled back unless told otherwise, so every
    request sees the same data; the client keeps its session even after a logout."""
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            if method == "GET":
                response = client.get(url, headers=headers)
            else:
                response = client.post(url, data or {}, headers=headers)
            transaction.set_rollback(rollback)
    finally:
        client.cookies = cookies
    return response


def url_of(name, case, world) -> str:
    return reverse(name, args=case.args(world))


def body_of(case, world) -> dict:
    return case.data(world) if case.data else {}


# --- Snapshots ------------------------------------------------------------------------

# The personal-data access log: opening an audited page writes a row by design.
SKIPPED_TABLES = {"django_session", "org_personaldataaccess"}


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table (but sessions and the login-attempt log)."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        if meta.db_table in SKIPPED_TABLES or meta.app_label == "axes":
            continue
        columns = [f.attname for f in meta.concrete_fields]
        tables[meta.db_table] = list(
            model._base_manager.order_by("pk").values_list(*columns)
        )
    return tables


def changed_tables(before, after) -> list[str]:
    return sorted(t for t in before if before[t] != after.get(t))


# --- Tests ----------------------------------------------------------------------------


def test_every_url_has_a_rule():
    """A new URL cannot ship without an authorization decision, and the matrix keeps
    no rule for a URL that is gone."""
    names = set(url_names())
    project = {n for n in names if not n.startswith("admin:")}
    assert sorted(project - set(MATRIX)) == [], "URLs sin regla en MATRIX"
    assert sorted(set(MATRIX) - project) == [], "reglas de MATRIX sin URL"
    unknown = []
    for name in names - project:
        try:
            admin_target(name)
        except KeyError:
            unknown.append(name)
    assert unknown == [], "URLs del admin sin regla"
    for name, cases in MATRIX.items():
        assert cases, name
        for case in cases:
            for method, rule in (("GET", case.get), ("POST", case.post)):
                assert set(rule) == set(ROLES), f"{name} {case.label} {method}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer(world, role, login):
    client = client_for(world, role, login)
    mismatches = []
    for name, case in all_cases():
        url = url_of(name, case, world)
        for method, rule in (("GET", case.get), ("POST", case.post)):
            response = request(client, method, url, body_of(case, world))
            got = classify(response)
            if got != rule[role]:
                mismatches.append(
                    f"{name} [{case.label or url}] {role} {method}: "
                    f"expected {rule[role]} got {got} ({describe(response)})"
                )
            # Every answer of every URL, whatever it is, carries the headers.
            try:
                assert_security_headers(response, (name, role, method))
            except (AssertionError, KeyError) as error:
                mismatches.append(f"{name} {role} {method}: headers {error!r}")
    assert not mismatches, "\n" + "\n".join(mismatches)


@pytest.mark.django_db
def test_the_privacy_notice_comes_first(world, login):
    """Someone logged in who has not accepted the notice is sent to it from every
    page but the notice itself, logging out and the probes."""
    person = factories.UserFactory(dependency=world.users[SERVIDOR].dependency)
    client = Client(raise_request_exception=False)
    client.force_login(person)
    mismatches = []
    for name, case in all_cases():
        url = url_of(name, case, world)
        for method, rule in (("GET", case.get), ("POST", case.post)):
            expected = PRIVACY
            if name in EXEMPT_URL_NAMES:
                expected = rule[SERVIDOR]
            response = request(client, method, url, body_of(case, world))
            got = classify(response)
            if got != expected:
                mismatches.append(
                    f"{name} [{case.label or url}] sin aviso {method}: "
                    f"expected {expected} got {got} ({describe(response)})"
                )
    assert not mismatches, "\n" + "\n".join(mismatches)


@pytest.mark.django_db
def test_no_get_changes_data(world, login):
    clients = {role: client_for(world, role, login) for role in ROLES}
    before = snapshot()
    assert {
        "org_user",
        "org_user_groups",
        "sessions_app_registration",
        "proposals_proposal",
        "proposals_bulletin",
        "notify_delivery",
    } <= set(before)
    changes = []
    for role, client in clients.items():
        for name, case in all_cases():
            url = url_of(name, case, world)
            request(client, "GET", url, rollback=False)
            after = snapshot()
            if after != before:
                changes.append(
                    f"{name} [{case.label or url}] {role} GET: "
                    f"changed {changed_tables(before, after)}"
                )
                before = after
    assert not changes, "\n" + "\n".join(changes)


@pytest.mark.django_db
def test_every_state_change_needs_a_csrf_token(world, login):
    """POST without a token: 403 from the CSRF check, and nothing changes. The same
    POST with a token gets the expected answer (the 403 was the token's)."""
    clients = {
        role: client_for(world, role, login, enforce_csrf_checks=True) for role in ROLES
    }
    token = "c" * 32
    mismatches = []
    checked = 0
    before = snapshot()
    for name, case in all_cases():
        role = next((r for r in ROLES if case.post[r] == OK), None)
        if role is None:
            continue
        checked += 1
        client = clients[role]
        url = url_of(name, case, world)
        label = f"{name} [{case.label or url}] {role} POST"
        response = request(client, "POST", url, body_of(case, world), rollback=False)
        after = snapshot()
        csrf_page = "403_csrf.html" in [t.name for t in response.templates]
        if response.status_code != 403 or not csrf_page:
            mismatches.append(
                f"{label} without token: expected 403 (CSRF) got {describe(response)}"
            )
        if after != before:
            mismatches.append(
                f"{label} without token: changed {changed_tables(before, after)}"
            )
            before = after
        client.cookies["csrftoken"] = token
        with_token = request(
            client, "POST", url, body_of(case, world), headers={"X-CSRFToken": token}
        )
        del client.cookies["csrftoken"]
        if classify(with_token) != OK:
            mismatches.append(
                f"{label} with token: expected ok got {describe(with_token)}"
            )
    assert checked > 40
    assert not mismatches, "\n" + "\n".join(mismatches)


@pytest.mark.django_db
def test_every_admin_url_is_for_the_superuser_only(world, login):
    """Every URL of the admin, GET and POST, as every role: anyone else is sent to the
    admin's login (and nothing changes); the superuser gets each page, or the 403
    of what the admin does not allow (adding conclusions, deleting an e-mail...)."""
    superuser = world.users[SUPER]
    names = sorted(n for n in url_names() if n.startswith("admin:"))
    assert len(names) > 60
    mismatches = []
    for role in ROLES:
        client = client_for(world, role, login)
        for name in names:
            url, answer = admin_expectation(name, world, superuser)
            for method in ("GET", "POST"):
                response = request(client, method, url)
                got = classify(response)
                if role == SUPER:
                    expected = answer if method == "GET" else None
                elif name == "admin:login":
                    expected = OK  # the login page itself
                elif name == "admin:logout":
                    expected = ADMIN_HOME  # Django sends them to the index, then login
                else:
                    expected = ADMIN_LOGIN
                if response.status_code >= 500 or (
                    expected is not None and got != expected
                ):
                    mismatches.append(
                        f"{name} {role} {method}: expected {expected} "
                        f"got {got} ({describe(response)})"
                    )
    assert not mismatches, "\n" + "\n".join(mismatches)


@pytest.mark.django_db
def test_the_code_holder_sees_a_hidden_proposal(world, login):
    """The tracking code shows the proposal to whoever holds it, with the notice that
    moderation hid it (it used to answer 500 to anyone who cannot see hidden ones)."""
    client = login(world.users[SERVIDOR])
    response = client.post(reverse("proposals:lookup"), {"code": world.code})
    assert response.status_code == 200
    assert response.context["proposal"].is_hidden
    assert "Su propuesta fue ocultada por moderación" in response.content.decode()
    # The proposal stays out of the lists and pages of who cannot see hidden ones.
    hidden = response.context["proposal"].pk
    assert client.get(reverse("proposals:detail", args=[hidden])).status_code == 404
