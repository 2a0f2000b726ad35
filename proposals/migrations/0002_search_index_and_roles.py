"""Spanish full-text index (PostgreSQL only) and the moderation permission."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

from cafe.org.roles import apply_roles_in_migration

# The search expression at the time (replaced by a stored document in migration 0004).
INDEX = GinIndex(
    SearchVector("title", "text", config="spanish"), name="proposal_search_idx"
)

ROLES = {
    "Servidor": frozenset(),
    "Comunicaciones": frozenset(
        {
            "org.manage_sessions",
            "org.view_dashboard",
            "org.view_outbox",
            "proposals.moderate_proposals",
        }
    ),
    "Enlace de dependencia": frozenset({"org.follow_up_proposals"}),
    "Despacho": frozenset(
        {"org.answer_proposals", "org.view_dashboard", "sessions_app.review_minutes"}
    ),
}


def add_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("proposals", "Proposal"), INDEX)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("proposals", "Proposal"), INDEX)


def roles(apps, schema_editor):
    apply_roles_in_migration(apps, ROLES)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial"), ("sessions_app", "0002_roles")]

    operations = [
        migrations.RunPython(add_search_index, drop_search_index),
        migrations.RunPython(roles, migrations.RunPython.noop),
    ]
