from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    # Numbered 0008 like its siblings: 0008_* is the queue pages' range this session (0009 is search's).

    dependencies = [
        ("accounts", "0005_alter_notification_kind"),
        ("tickets", "0011_queue_statistics"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("assignee__isnull", True), ("state", "open"), ("team__isnull", True)),
                fields=["-last_activity_at", "-id"],
                include=("department", "assignee", "team"),
                name="ticket_unassigned_activity",
            ),
        ),
    ]
