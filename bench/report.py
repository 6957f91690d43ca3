"""Run every measurement and print the results as one table."""

from __future__ import annotations

import argparse

from django.db import connection
from django.test import Client

from bench.imap import imap_rates
from bench.load import LoadResult, run_load
from bench.mail import MailRate, mail_rates
from bench.pages import Result, bench_agent, cases, measure
from helpdesk.accounts.backends import BACKEND
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
            for row in case.prepare() if case.prepare else []:
                print(row, flush=True)
            print(page_row(measure(case, repeat=options.repeat)), flush=True)
    for measure_rates in (mail_rates, imap_rates) if not groups or "mail" in groups else ():
        for rate in measure_rates(options.mail):
            print(mail_row(rate), flush=True)
    wanted = not groups or "load" in groups
    if wanted and options.load_seconds > 0 and connection.vendor == "postgresql":
        result = load(options, env)
        print(load_row(result), flush=True)
        for kind, (count, p50, p99) in result.kinds.items():
            print(f"{'  load: ' + kind:<44} {count} requests, p50 {p50:.0f} ms, p99 {p99:.0f} ms", flush=True)
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
    label = f"load: {result.users} users, {result.seconds} s, think {result.think:g} s"
    return (
        f"{label:<44} {result.requests} requests, "
        f"{result.rps:.1f} req/s, p50 {result.p50:.0f} ms, p99 {result.p99:.0f} ms, {result.errors} errors"
    )


def load(options: argparse.Namespace, env: dict[str, str]) -> LoadResult:
    """Sign the bench agent in once per simulated user, then run the load test with those sessions."""
    agent = bench_agent()
    cookies = []
    for _user in range(options.users):
        client = Client()
        client.force_login(agent, backend=BACKEND)
        cookies.append(client.cookies["sessionid"].value)
    numbers = list(Ticket.objects.order_by("-pk").values_list("number", flat=True)[3:503])
    return run_load(seconds=options.load_seconds, think=options.think, cookies=cookies, numbers=numbers, env=env)
