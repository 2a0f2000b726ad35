# The permission version is no longer read: permissions come from Django's model
# backend on each request. The column leaves the model now but stays in the database
# for one release, with a database default, so that the processes of the previous
# release (still running during the upgrade) can read it and the new code's inserts
# need not name it. The next release drops the column.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0006_sso_directory'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterField(
                    model_name='user',
                    name='authz_version',
                    field=models.PositiveIntegerField(
                        db_default=0,
                        default=0,
                        editable=False,
                        verbose_name='versión de permisos',
                    ),
                ),
            ],
            state_operations=[
                migrations.RemoveField(
                    model_name='user',
                    name='authz_version',
                ),
            ],
        ),
    ]
