"""Staff search finds people by part of their name or address: trigram indexes (PostgreSQL's pg_trgm).

Django's ``icontains`` compares ``UPPER(column)``, so the indexes are on the upper-cased name and address.
pg_trgm ships with PostgreSQL and is a trusted extension: the database's owner may create it. Where the
migration's user may not, the indexes are left out with a warning; search still finds people, by a scan.
Other databases have nothing to do.
"""

import warnings

from django.db import DatabaseError, migrations, transaction

INDEXES = {
    "user_name_trigram": "upper(name) gin_trgm_ops",
    "user_email_trigram": "upper(email) gin_trgm_ops",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        warnings.warn(f"pg_trgm could not be created ({error}); people search will scan the users", stacklevel=1)
        return
    for name, expression in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON accounts_user USING gin ({expression})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_alter_notification_kind")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
