from django.db import migrations, models

from proposals.bulletin_digest import digest


def fill_digests(apps, schema_editor):
    Bulletin = apps.get_model("proposals", "Bulletin")
    for edition in Bulletin.objects.only("pk", "data").iterator():
        Bulletin.objects.filter(pk=edition.pk).update(digest=digest(edition.data))


class Migration(migrations.Migration):
    # A NOT NULL column with a constant default on the editions table (one row a
    # month): PostgreSQL 11+ adds it without rewriting the table; then each
    # edition's digest is written once.
    live_database_review = (
        "columna NOT NULL con valor constante en la tabla de ediciones (una por mes)"
    )

    dependencies = [
        ("proposals", "0013_bulletin_media_and_four_eyes"),
    ]

    operations = [
        migrations.AddField(
            model_name="bulletin",
            name="digest",
            field=models.JSONField(
                default=dict, editable=False, verbose_name="resumen del correo"
            ),
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop),
    ]
