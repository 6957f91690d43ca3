"""manage.py fetch_mail [--mailbox NAME]: poll the enabled mailboxes once, as the beat job does."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from helpdesk.mail.fetching import poll_all
from helpdesk.mail.models import Mailbox


class Command(BaseCommand):
    help = "Fetch new mail from the enabled mailboxes (or one, enabled or not) into tickets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mailbox", metavar="NAME", help="Poll only the mailbox with this name.")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["mailbox"]
        if name is not None and not Mailbox.objects.filter(name=name).exists():
            raise CommandError(f"No mailbox is called {name!r}.")
        for report in poll_all(name):
            style = self.style.ERROR if report.error else self.style.SUCCESS
            self.stdout.write(style(str(report)))
