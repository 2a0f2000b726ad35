from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "cafe.ops"
    label = "ops"
    verbose_name = _("Operación")

    def ready(self):
        from cafe.org.navigation import NavItem, register_nav_item

        from . import signals  # noqa: F401
        from .views import is_administrator

        register_nav_item(
            NavItem(
                _("Estado del sistema"),
                "ops:status",
                is_administrator,
                order=97,
                description=_(
                    "Correo saliente, tareas programadas y copias de respaldo."
                ),
            )
        )
