"""Run every measurement and print the results as one table."""

from __future__ import annotations

import argparse

from django.db import connection
from django.test import Client

from bench.load import LoadResult, run_load
from bench.mail import MailRate, mail_rates
from bench.pages import MODEL_BACKEND, Result, bench_agent, cases, measure
from tickets.models import Attachment, ThreadEntry, Ticket


def size_line(*, seeded: bool, seconds: float) -> str:
    """What the database holds, and whether it was seeded now."""
    how = f"seeded in {seconds:.0f} s" if seeded else "reused"
    return (
        f"{connection.vendor}: {Ticket.objects.count():,} tickets, {ThreadEntry.objects.count():,} thread entries, "
        f"{Attachment.objects.count():,} attachments ({how})"
    )


def run_all(options: argparse.Namespace, env: dict[str, str]) -> None:
    """Measure the pages, mail import and (unless disabled) the load test, printing as results arrive."""
    print(f"{'page':<44} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'SQL ms':>8} {'x SQL':>7}")
    groups = {group for group in getattr(options, "only", "").split(",") if group}
    for case in cases():
        if not groups or case.group in groups:
            print(page_row(measure(case, repeat=options.repeat)), flush=True)
    for rate in mail_rates(options.mail) if not groups or "mail" in groups else []:
        print(mail_row(rate), flush=True)
    wanted = not groups or "load" in groups
    if wanted and options.load_seconds > 0 and connection.vendor == "postgresql":
        print(load_row(load(options, env)), flush=True)
    if getattr(options, "redis", ""):
        from helpdesk.celery import app

        app.control.purge()  # the mail the measured imports and replies queued: never sent


def page_row(result: Result) -> str:
    """One line of the table for a page."""
    sql = f"{result.sql:.1f}" if result.sql is not None else "-"
    ratio = f"{result.ratio:.1f}" if result.ratio is not None else "-"
    label = f"{result.case.group}: {result.case.label}"
    return (
        f"{label:<44} {result.status:>6} {result.median:>10.1f} {result.p95:>8.1f} {result.queries:>8} "
        f"{sql:>8} {ratio:>7}"
    )


def mail_row(rate: MailRate) -> str:
    """One line of the table for a kind of mail."""
    return f"{'mail import: ' + rate.kind:<44} {rate.messages:>6} messages, {rate.per_second:.1f} messages/s"


def load_row(result: LoadResult) -> str:
    """The load test's line."""
    return (
        f"{f'load: {result.users} users, {result.seconds} s':<44} {result.requests} requests, "
        f"{result.rps:.1f} req/s, p50 {result.p50:.0f} ms, p99 {result.p99:.0f} ms, {result.errors} errors"
    )


def load(options: argparse.Namespace, env: dict[str, str]) -> LoadResult:
    """Sign the bench agent in, then run the load test with that session."""
    client = Client()
    client.force_login(bench_agent(), backend=MODEL_BACKEND)
    cookie = client.cookies["sessionid"].value
    numbers = list(Ticket.objects.order_by("-pk").values_list("number", flat=True)[3:503])
    return run_load(seconds=options.load_seconds, users=options.users, cookie=cookie, numbers=numbers, env=env)
