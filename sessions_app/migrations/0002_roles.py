"""Despacho reviews the conclusions of the sessions."""

from django.db import migrations

from cafe.org.roles import apply_roles_in_migration

ROLES = {
    "Servidor": frozenset(),
    "Comunicaciones": frozenset(
        {"org.manage_sessions", "org.view_dashboard", "org.view_outbox"}
    ),
    "Enlace de dependencia": frozenset({"org.follow_up_proposals"}),
    "Despacho": frozenset(
        {"org.answer_proposals", "org.view_dashboard", "sessions_app.review_minutes"}
    ),
}


def forwards(apps, schema_editor):
    apply_roles_in_migration(apps, ROLES)


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0001_initial"), ("org", "0002_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
