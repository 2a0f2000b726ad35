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
        from cafe.org.permissions import can_publish_transparency, is_liaison
        from cafe.org.selectors import register_personal_data
        from sessions_app.slots import (
            register_minutes_section,
            register_session_followups,
            register_session_section,
        )

        from . import signals  # noqa: F401
        from .permissions import can_answer, can_view_dashboard
        from .session_slots import (
            agreements_of_session,
            followups_of_session,
            proposals_of_session,
            proposals_section,
            supports_section,
        )

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
                _("Prórrogas por decidir"),
                "proposals:extensions",
                can_answer,
                order=31,
                description=_(
                    "Fechas de compromisos que los enlaces piden mover, con su motivo."
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
            NavItem(
                _("Transparencia"),
                "proposals:transparency_queue",
                can_publish_transparency,
                order=37,
                section="home",
                description=_(
                    "Clasifique conclusiones y compromisos para el registro público."
                ),
            ),
        ]
        for item in items:
            register_nav_item(item)
        register_session_section(agreements_of_session)
        register_session_section(proposals_of_session)
        register_minutes_section(agreements_of_session)
        register_session_followups(followups_of_session)
        from cafe.org.home import register_home_panel

        from .home import PANELS

        for panel in PANELS:
            register_home_panel(panel)
        register_personal_data(proposals_section)
        register_personal_data(supports_section)
        from cafe.org.erasure import register_erasure

        from .data_protection import erase_person_data

        register_erasure(erase_person_data)

        from .dashboard import watch_dashboard_sources
        from .demo import seed_proposals

        watch_dashboard_sources()

        register_demo_step(seed_proposals)

        from sessions_app.services.voices import testimonials_withdrawn

        from .bulletin import on_testimonials_withdrawn

        testimonials_withdrawn.connect(
            on_testimonials_withdrawn, dispatch_uid="bulletin_drop_testimonials"
        )
