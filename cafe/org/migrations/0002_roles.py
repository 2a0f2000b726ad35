"""Create the role groups with their permissions, and put everyone in Servidor."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from cafe.org.roles import sync_roles

# The roles as of this migration (cafe/org/roles.py holds the current statement).
ROLES = {
    "Servidor": frozenset(),
    "Comunicaciones": frozenset(
        {"org.manage_sessions", "org.view_dashboard", "org.view_outbox"}
    ),
    "Enlace de dependencia": frozenset({"org.follow_up_proposals"}),
    "Despacho": frozenset({"org.answer_proposals", "org.view_dashboard"}),
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    sync_roles(Group, Permission, ROLES)
    User = apps.get_model("org", "User")
    servidor = Group.objects.get(name="Servidor")
    servidor.user_set.add(*User.objects.all())


def drop_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, drop_roles)]
