from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "cafe.org"
    label = "org"
    verbose_name = _("Organización y personas")

    def ready(self):
        from . import signals  # noqa: F401
        from .navigation import NavItem, register_nav_item
        from .permissions import authenticated, can_view_outbox

        register_nav_item(NavItem(_("Inicio"), "home", authenticated, order=0))
        register_nav_item(
            NavItem(
                _("Correo saliente"),
                "notify:outbox",
                can_view_outbox,
                order=80,
                description=_("Qué se envió, qué espera y qué falló."),
            )
        )
        register_nav_item(
            NavItem(
                _("Mis datos"),
                "my_data",
                authenticated,
                order=90,
                description=_(
                    "Los datos personales que la plataforma tiene sobre usted."
                ),
            )
        )
        from .permissions import can_handle_data_requests

        register_nav_item(
            NavItem(
                _("Habeas data"),
                "habeas_queue",
                can_handle_data_requests,
                order=85,
                description=_(
                    "Consultas y reclamos con sus términos, accesos a datos "
                    "personales y retención."
                ),
            )
        )
        from .directory_views import is_administrator

        register_nav_item(
            NavItem(
                _("Directorio y roles"),
                "directory_roles",
                is_administrator,
                order=95,
                description=_(
                    "Cargar la nómina de Talento Humano, otorgar roles y nombrar "
                    "jefes de dependencia."
                ),
            )
        )
        register_nav_item(
            NavItem(
                _("Administración"),
                "admin:index",
                lambda user: user.is_authenticated and user.is_staff,
                order=99,
                description=_("Personas, dependencias y configuración."),
            )
        )
