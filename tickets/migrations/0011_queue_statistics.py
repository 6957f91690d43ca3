from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# PostgreSQL estimates each condition of a queue on its own, yet a status implies its state and an
# unassigned ticket is nearly always open: without these statistics it expected 330 unassigned open
# tickets where there were 11,843 and sorted them out of the heap instead of walking ticket_queue_activity.
STATISTICS = {
    "ticket_state_status": "(dependencies, mcv) ON state, status_id",
    "ticket_state_assignment": "(mcv) ON state, assignee_id, team_id",
}


def create_statistics(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in STATISTICS.items():
        schema_editor.execute(f"CREATE STATISTICS IF NOT EXISTS {name} {definition} FROM tickets_ticket")
    schema_editor.execute("ANALYZE tickets_ticket")  # statistics are empty until the table is analyzed


def drop_statistics(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in STATISTICS:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}")


class Migration(migrations.Migration):
    # Numbered 0008 like its siblings: 0008_* is the queue pages' range this session (0009 is search's).

    dependencies = [
        ("accounts", "0005_alter_notification_kind"),
        ("tickets", "0010_queue_filters"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["state", "status", "-last_activity_at", "-id"],
                include=("department", "assignee", "team"),
                name="ticket_queue_status",
            ),
        ),
        migrations.RunPython(create_statistics, drop_statistics, elidable=False),
    ]
