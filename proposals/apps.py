from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Propuestas")

    def ready(self):
        from cafe.access import authenticated
        from cafe.org.demo import register_demo_step
        from cafe.org.navigation import NavItem, register_nav_item
        from cafe.org.permissions import is_liaison
        from cafe.org.selectors import register_personal_data
        from sessions_app.extensions import (
            register_session_followups,
            register_session_section,
        )

        from . import signals  # noqa: F401
        from .integration import (
            followups_of_session,
            proposals_of_session,
            proposals_section,
            supports_section,
        )
        from .permissions import can_answer, can_view_dashboard

        items = [
            NavItem(
                _("Propuestas"),
                "proposals:list",
                authenticated,
                order=20,
                description=_(
                    "Lo que el personal propone y su avance hasta cumplirse."
                ),
            ),
            NavItem(
                _("Consultar mi propuesta"),
                "proposals:lookup",
                authenticated,
                order=22,
                section="home",
                description=_("Siga una propuesta anónima con su código privado."),
            ),
            NavItem(
                settings.CAFE_BULLETIN_NAME,
                "proposals:bulletins",
                authenticated,
                order=25,
                description=_("El boletín mensual: lo que dijimos y lo que hicimos."),
            ),
            NavItem(
                _("Por responder"),
                "proposals:inbox",
                can_answer,
                order=30,
                description=_(
                    "Propuestas recibidas o en análisis que esperan al Despacho."
                ),
            ),
            NavItem(
                _("Seguimiento de mi dependencia"),
                "proposals:queue",
                is_liaison,
                order=32,
                description=_("Compromisos asignados a su dependencia."),
            ),
            NavItem(
                _("Tablero"),
                "proposals:dashboard",
                can_view_dashboard,
                order=35,
                description=_("Sesiones, propuestas, compromisos e impacto en cifras."),
            ),
        ]
        for item in items:
            register_nav_item(item)
        register_session_section(proposals_of_session)
        register_session_followups(followups_of_session)
        register_personal_data(proposals_section)
        register_personal_data(supports_section)

        from .dashboard import watch_dashboard_sources
        from .demo import seed_proposals

        watch_dashboard_sources()

        register_demo_step(seed_proposals)

        from sessions_app.services.voices import testimonials_withdrawn

        from .bulletin import on_testimonials_withdrawn

        testimonials_withdrawn.connect(
            on_testimonials_withdrawn, dispatch_uid="bulletin_drop_testimonials"
        )
