"""Create the role groups with their permissions, and put everyone in Servidor."""

from django.db import migrations

from cafe.org.roles import apply_roles_in_migration

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
    apply_roles_in_migration(apps, ROLES)
    Group = apps.get_model("auth", "Group")
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
