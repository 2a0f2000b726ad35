"""Similar proposals and recurring themes.

- On PostgreSQL: the ``pg_trgm`` extension, for the similarity of two titles in the
  score of ``proposals.similarity`` (the candidates come from the full-text index).
  Django skips it on other databases, which use the word-overlap fallback.
- ``Theme`` and ``ThemeMember``: the stored result of the nightly themes job.
"""

import django.db.models.deletion
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0005_gender_neutral_help_texts"),
        ("proposals", "0011_transparency_classification_and_monthly_report"),
    ]

    operations = [
        # Skipped by Django itself on databases other than PostgreSQL.
        TrigramExtension(),
        migrations.CreateModel(
            name="Theme",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        max_length=150, verbose_name="texto representativo"
                    ),
                ),
                (
                    "keywords",
                    models.CharField(
                        blank=True, max_length=300, verbose_name="palabras clave"
                    ),
                ),
                ("size", models.PositiveIntegerField(verbose_name="propuestas")),
                (
                    "supports",
                    models.PositiveIntegerField(default=0, verbose_name="apoyos"),
                ),
                (
                    "sessions",
                    models.PositiveIntegerField(default=0, verbose_name="sesiones"),
                ),
                (
                    "months_active",
                    models.PositiveIntegerField(
                        default=0, verbose_name="meses con propuestas"
                    ),
                ),
                ("first_seen", models.DateField(verbose_name="primera vez")),
                ("last_seen", models.DateField(verbose_name="última vez")),
                (
                    "months",
                    models.JSONField(default=dict, verbose_name="propuestas por mes"),
                ),
                (
                    "dependencies",
                    models.JSONField(
                        default=list, verbose_name="dependencias de origen"
                    ),
                ),
                ("computed_at", models.DateTimeField(verbose_name="calculado el")),
                (
                    "representative",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="proposals.proposal",
                        verbose_name="propuesta representativa",
                    ),
                ),
            ],
            options={
                "verbose_name": "tema recurrente",
                "verbose_name_plural": "temas recurrentes",
                "ordering": ["-size", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ThemeMember",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "dependency",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="org.dependency",
                        verbose_name="dependencia de origen",
                    ),
                ),
                (
                    "proposal",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="theme_membership",
                        to="proposals.proposal",
                        verbose_name="propuesta",
                    ),
                ),
                (
                    "theme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="members",
                        to="proposals.theme",
                        verbose_name="tema",
                    ),
                ),
            ],
            options={
                "verbose_name": "propuesta del tema",
                "verbose_name_plural": "propuestas del tema",
            },
        ),
        migrations.AddIndex(
            model_name="theme",
            index=models.Index(
                fields=["months_active", "-size"], name="theme_recurring_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="thememember",
            index=models.Index(
                fields=["dependency", "theme"], name="theme_member_dep_idx"
            ),
        ),
    ]
