"""The role "Oficial de protección de datos": handles habeas data requests."""

from django.db import migrations

from cafe.org.roles import apply_roles_in_migration

ROLES = {"Oficial de protección de datos": frozenset({"org.handle_data_requests"})}


def create_role(apps, schema_editor):
    apply_roles_in_migration(apps, ROLES)


def drop_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("org", "0008_habeas_data_requests")]

    operations = [migrations.RunPython(create_role, drop_role)]
