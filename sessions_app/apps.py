from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsConfig(AppConfig):
    name = "sessions_app"
    label = "sessions_app"
    verbose_name = _("Sesiones")

    def ready(self):
        from cafe.access import authenticated
        from cafe.org.demo import register_demo_step
        from cafe.org.navigation import NavItem, register_nav_item
        from cafe.org.selectors import register_personal_data

        from .demo import seed_sessions
        from .permissions import can_manage_sessions, can_review_minutes
        from .personal_data import (
            registrations_section,
            survey_section,
            testimonials_section,
        )

        register_nav_item(
            NavItem(
                _("Sesiones"),
                "sessions:list",
                authenticated,
                order=10,
                description=_(
                    "Los próximos encuentros: inscríbase y agréguelos a su agenda."
                ),
            )
        )
        register_nav_item(
            NavItem(
                _("Mis sesiones"),
                "sessions:mine",
                authenticated,
                order=12,
                description=_("Sus inscripciones, próximas y pasadas."),
            )
        )
        register_nav_item(
            NavItem(
                _("Gestión de sesiones"),
                "sessions:manage",
                can_manage_sessions,
                order=40,
                description=_(
                    "Programar, planear el ciclo, asistencia y conclusiones."
                ),
            )
        )
        register_nav_item(
            NavItem(
                _("Revisión de conclusiones"),
                "sessions:review_list",
                can_review_minutes,
                order=45,
                description=_("Aprobar o devolver las conclusiones de las sesiones."),
            )
        )
        from cafe.org.home import register_home_panel

        from .home import PANELS

        for panel in PANELS:
            register_home_panel(panel)
        register_personal_data(registrations_section)
        register_personal_data(survey_section)
        from cafe.org.erasure import register_erasure
        from cafe.org.retention import register_retention

        from . import data_protection

        register_erasure(data_protection.erase_person_data)
        register_retention(data_protection.needs_after_session)
        register_retention(data_protection.survey_comments)

        register_personal_data(testimonials_section)
        register_demo_step(seed_sessions)

        from cafe.org.staff import people_deactivated

        from .services.departures import on_people_deactivated

        people_deactivated.connect(on_people_deactivated, dispatch_uid="release_seats")

        from cafe.notify.deferred import register_builder

        from .emails import REGISTRATION_MESSAGES, build_registration_message

        for what in REGISTRATION_MESSAGES:
            register_builder(f"registration_{what}", build_registration_message)
