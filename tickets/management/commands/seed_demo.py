"""``manage.py seed_demo``: a helpdesk full of demo people, settings and tickets, safe to run again."""

from __future__ import annotations

import time
from argparse import ArgumentTypeError
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from tickets import demo, notifications


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ArgumentTypeError(_("must be 0 or more"))
    return number


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ArgumentTypeError(_("must be 1 or more"))
    return number


class Command(BaseCommand):
    # Lazy, so that --help is translated when it prints rather than when Django imports the command.
    help = gettext_lazy(  # type: ignore[assignment]
        "Fill the database with demo data: people, departments, help topics, FAQs, canned responses and "
        "tickets. Running it again adds only what is missing, then prints the demo logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=_count, default=200, help=_("How many demo tickets there should be."))
        parser.add_argument("--seed", type=int, default=1, help=_("Random seed: the same seed plans the same tickets."))
        parser.add_argument(
            "--password",
            default="",
            help=_("One password for every demo login, also set on logins that already exist."),
        )
        parser.add_argument(
            "--bulk-threshold",
            type=_count,
            default=2000,
            help=_("Above this many new tickets, write them with bulk inserts instead of the services."),
        )
        parser.add_argument(
            "--batch-size",
            type=_positive,
            default=2000,
            help=_("Tickets per transaction when writing with bulk inserts."),
        )
        parser.add_argument("--no-progress", action="store_true", help=_("Do not show a progress bar."))

    def handle(self, *args: Any, **options: Any) -> None:
        passwords = self._passwords(options["password"])
        cast = demo.seed_setup(passwords=passwords, reset_passwords=bool(options["password"]))
        existing = cast.demo_tickets()
        missing = max(0, options["tickets"] - existing)
        started = time.monotonic()
        if missing and not cast.topics:
            raise CommandError(_("No active demo help topic has agents to work it, so no tickets can be planned."))
        if missing:
            with notifications.muted():  # demo customers and agents get no mail about their made-up tickets
                self._seed_tickets(cast, missing=missing, existing=existing, options=options)
        self.stdout.write(
            _("Created %(created)d demo tickets in %(seconds).1f s; there are %(total)d.")
            % {"created": missing, "seconds": time.monotonic() - started, "total": existing + missing}
        )
        self._print_logins(demo.logins(cast, passwords))

    def _passwords(self, password: str) -> demo.Passwords:
        passwords = demo.Passwords.same(password) if password else demo.Passwords()
        try:
            demo.check_passwords(passwords)
        except ValidationError as error:
            raise CommandError(
                _("The password is not accepted: %(reasons)s") % {"reasons": " ".join(error.messages)}
            ) from error
        return passwords

    def _seed_tickets(self, cast: demo.Cast, *, missing: int, existing: int, options: dict[str, Any]) -> None:
        hide = options["no_progress"] or not self.stdout.isatty()
        with tqdm(total=missing, unit=_("tickets"), disable=hide) as bar:
            if missing > options["bulk_threshold"]:
                demo.bulk_seed_tickets(
                    cast,
                    count=missing,
                    start=existing,
                    seed=options["seed"],
                    batch_size=options["batch_size"],
                    on_progress=bar.update,
                )
            else:
                demo.seed_tickets(cast, count=missing, start=existing, seed=options["seed"], on_progress=bar.update)

    def _print_logins(self, logins: list[demo.Login]) -> None:
        roles = {"admin": _("Administrator"), "agent": _("Agent"), "customer": _("Customer")}
        self.stdout.write(
            self.style.WARNING(
                _("Demo logins. These passwords are public: use them to try Sportello, never on a real helpdesk.")
            )
        )
        for login in logins:
            password = login.password or _("(changed since it was seeded)")
            self.stdout.write(f"  {roles[login.role]:<14} {login.email:<38} {password}")
        self.stdout.write(
            _("Staff panel: %(scp)s   Admin: %(admin)s")
            % {"scp": f"{settings.SITE_URL}/scp/", "admin": f"{settings.SITE_URL}/admin/"}
        )
