"""The statuses every helpdesk starts with. Admins may rename them or add their own."""

from django.db import migrations

DEFAULTS = [
    ("Open", "open", True, 10),
    ("In progress", "open", False, 20),
    ("Awaiting customer", "open", False, 30),
    ("Resolved", "closed", False, 40),
    ("Closed", "closed", True, 50),
]


def create_statuses(apps, schema_editor):
    Status = apps.get_model("tickets", "Status")
    for name, state, is_default, order in DEFAULTS:
        Status.objects.get_or_create(
            name=name, defaults={"state": state, "is_default": is_default, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(create_statuses, migrations.RunPython.noop)]
