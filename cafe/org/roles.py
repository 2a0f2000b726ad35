"""The roles of the product, as Django groups, and what each one may do.

This mapping is the single statement of each role's permissions: the data migrations
apply it, and a test checks that the groups in the database hold exactly these
permissions. A later feature that adds a permission updates this mapping and adds a
migration that calls ``sync_roles``.
"""

from django.contrib.auth.management import create_permissions
from django.utils.translation import gettext_lazy as _

SERVIDOR = "Servidor"
COMUNICACIONES = "Comunicaciones"
ENLACE = "Enlace de dependencia"
DESPACHO = "Despacho"
OFICIAL_DATOS = "Oficial de protección de datos"

ROLE_LABELS = {
    SERVIDOR: _("Servidor o colaborador"),
    COMUNICACIONES: _("Comunicaciones"),
    ENLACE: _("Enlace de dependencia"),
    DESPACHO: _("Despacho"),
    OFICIAL_DATOS: _("Oficial de protección de datos"),
}

# group name -> set of "app_label.codename"
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    SERVIDOR: frozenset(),
    COMUNICACIONES: frozenset(
        {
            "org.manage_sessions",
            "org.view_dashboard",
            "org.view_outbox",
            "proposals.moderate_proposals",
        }
    ),
    ENLACE: frozenset({"org.follow_up_proposals"}),
    DESPACHO: frozenset(
        {"org.answer_proposals", "org.view_dashboard", "sessions_app.review_minutes"}
    ),
    OFICIAL_DATOS: frozenset({"org.handle_data_requests"}),
}


def sync_roles(
    group_model, permission_model, role_permissions=None, *, strict: bool = True
) -> None:
    """Make every role group exist and hold exactly its permissions.

    Takes the model classes so a data migration can pass its historical models.
    Idempotent. With ``strict=False`` a permission that does not exist yet is skipped
    (after a database flush, permissions are recreated app by app).
    """
    role_permissions = role_permissions or ROLE_PERMISSIONS
    for name, perms in role_permissions.items():
        group, _created = group_model.objects.get_or_create(name=name)
        wanted = []
        for dotted in sorted(perms):
            app_label, codename = dotted.split(".", 1)
            found = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is None and strict:
                raise permission_model.DoesNotExist(dotted)
            if found is not None:
                wanted.append(found)
        group.permissions.set(wanted)


def apply_roles_in_migration(apps, role_permissions) -> None:
    """For data migrations: create pending permissions, then sync the role groups.

    Django creates permissions after all migrations ran; a role migration needs them
    now, so it creates them first from the historical models.
    """
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(
        apps.get_model("auth", "Group"),
        apps.get_model("auth", "Permission"),
        role_permissions,
    )
