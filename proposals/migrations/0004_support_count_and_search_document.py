"""The support count stored on the proposal, and the Spanish search document stored in
a column filled by a trigger (PostgreSQL only), with the indexes the list pages use.

- ``support_count``: backfilled with one UPDATE ... SET support_count = (SELECT
  COUNT(*) ...) on every database.
- ``search_document``: on PostgreSQL a BEFORE INSERT OR UPDATE trigger (the built-in
  ``tsvector_update_trigger``) writes ``to_tsvector('spanish', title || ' ' || text)``,
  a GIN index serves ``@@``, and the expression index of migration 0002 goes away.
  Elsewhere the column stays NULL and the simple search fallback is used.
"""

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

TABLE = "proposals_proposal"
TRIGGER = "proposal_search_document_trg"
OLD_INDEX = GinIndex(
    SearchVector("title", "text", config="spanish"), name="proposal_search_idx"
)
DOCUMENT_INDEX = GinIndex(fields=["search_document"], name="proposal_document_idx")


def add_search_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger("
            "search_document, 'pg_catalog.spanish', title, text)"
        )


def drop_search_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}")


def backfill(apps, schema_editor):
    """One UPDATE of every proposal: the support count from the Support table, and
    (assigning the title to itself) the search document, which the trigger computes
    whenever title or text is assigned. A single pass, since a second UPDATE of rows
    already updated in this transaction would queue the deferred foreign-key checks
    and PostgreSQL then refuses the CREATE INDEX that follows."""
    Proposal = apps.get_model("proposals", "Proposal")
    Support = apps.get_model("proposals", "Support")
    counts = (
        Support.objects.filter(proposal=OuterRef("pk"))
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Proposal.objects.update(
        support_count=Coalesce(Subquery(counts), Value(0)), title=F("title")
    )


def swap_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        Proposal = apps.get_model("proposals", "Proposal")
        schema_editor.add_index(Proposal, DOCUMENT_INDEX)
        schema_editor.remove_index(Proposal, OLD_INDEX)


def restore_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        Proposal = apps.get_model("proposals", "Proposal")
        schema_editor.add_index(Proposal, OLD_INDEX)
        schema_editor.remove_index(Proposal, DOCUMENT_INDEX)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0003_bulletin")]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="support_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="apoyos"
            ),
        ),
        migrations.AddField(
            model_name="proposal",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.RunPython(add_search_trigger, drop_search_trigger),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(swap_search_indexes, restore_search_indexes),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                fields=["-created_at", "-id"], name="proposal_recent_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                fields=["-support_count", "-created_at", "-id"],
                name="proposal_supported_idx",
            ),
        ),
    ]
