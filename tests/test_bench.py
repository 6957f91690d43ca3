"""The benchmark runs end to end on a tiny data set, so that it keeps working; its timings are not checked."""

import argparse

import pytest

from bench import report
from bench.seed import Size, ensure_seeded, seeded_size
from tests.mail import dovecot

pytestmark = pytest.mark.django_db(transaction=True)  # the IMAP poll runs outside a transaction, as in production


def test_benchmark_seeds_and_measures_every_page_on_a_tiny_data_set(capsys, default_statuses):
    ensure_seeded(Size(40), progress=False)
    options = argparse.Namespace(repeat=1, mail=1, load_seconds=0, users=1)

    report.run_all(options, env={})

    table = capsys.readouterr().out
    assert seeded_size() == 40
    assert "dashboard: first roll-up" in table and "dashboard: hourly roll-up (2 days)" in table
    for label in (
        "queue: open, page 1 ",
        "queue: closed, page 1000",
        "ticket: thread of 200 entries",
        "search: free text (Italian)",
        "portal: my tickets",
        "dashboard: 90 days ",
        "dashboard: one year",
        "mail import: attachment",
        *(["mail import: plain, from IMAP"] if dovecot.available() else []),
    ):
        row = next(line for line in table.splitlines() if line.startswith(label))
        assert " 200 " in row or "messages/s" in row, row
