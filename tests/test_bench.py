"""The benchmark runs end to end on a tiny data set, so that it keeps working; its timings are not checked."""

import argparse
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

from bench import report
from bench.seed import Size, ensure_seeded, seeded_size
from tests.mail import dovecot

ROOT = Path(__file__).resolve().parents[1]
DATABASE_URL = os.environ.get("DATABASE_URL", "")


# The IMAP poll runs outside a transaction, as in production.
@pytest.mark.django_db(transaction=True)
def test_benchmark_seeds_and_measures_every_page_on_a_tiny_data_set(capsys, default_statuses):
    # One writer: forking COPY workers from a test process, where the live server's and other threads may
    # hold locks, can leave a child waiting forever. The command below seeds in parallel in a process of its own.
    ensure_seeded(Size(40), progress=False, workers=1)
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


@pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="the documented command runs on PostgreSQL")
def test_the_documented_command_seeds_in_parallel_and_runs_the_load_test(tmp_path):
    server, _slash, _name = DATABASE_URL.rpartition("/")
    name = f"sportello_bench_ci_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    # Jobs run inside the measured process: nothing is queued on the broker the other tests use.
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env["STATIC_ROOT"] = str(tmp_path / "static")
    command = [
        *(sys.executable, "-m", "bench", "run", "--tickets", "40", "--repeat", "1", "--mail", "1", "--no-progress"),
        *("--load-seconds", "2", "--users", "2", "--think", "0", "--database", f"{server}/{name}"),
    ]
    try:
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    finally:
        _drop_database(server, name)

    assert result.returncode == 0, result.stderr[-3000:]
    assert "postgresql: 40 tickets" in result.stdout and "(seeded in" in result.stdout, result.stdout
    load = next(line for line in result.stdout.splitlines() if line.startswith("load: "))
    assert load.endswith(" 0 errors"), load


def _drop_database(server: str, name: str) -> None:
    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    connection.close()
