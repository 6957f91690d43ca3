"""``python -m bench run``: seed (or reuse) a large helpdesk, then time its pages, mail import and load.

    .venv/bin/python -m bench run --tickets 1000000            # PostgreSQL database sportello_bench_speed
    .venv/bin/python -m bench run --tickets 200 --repeat 3 --load-seconds 0 --database sqlite:///var/bench.sqlite3

The database comes from ``--database`` (else ``BENCH_DATABASE_URL``, else a local PostgreSQL database named
sportello_bench_speed, created if missing). It is seeded with ``--tickets`` tickets and about ten thread
entries each (fixed seed); a database already seeded with that size is reused.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/sportello_bench_speed"


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["run", "seed"], help="run: seed if needed, then measure; seed: only seed")
    parser.add_argument("--tickets", type=int, default=100_000, help="tickets to seed (about 10 entries each)")
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument("--mail", type=int, default=100, help="messages of each kind for the mail import rate")
    parser.add_argument("--load-seconds", type=int, default=60, help="length of the load test; 0 skips it")
    parser.add_argument("--users", type=int, default=50, help="concurrent users in the load test")
    parser.add_argument(
        "--think",
        type=float,
        default=2.0,
        help="load test: seconds an agent reads a page before the next action (random 0.5-1.5x); 0: back to back",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL", ""),
        help="Redis for cache and job queue, as in production (queued jobs are purged at the end); "
        "empty: jobs run inside the measured process",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated groups to run (queue, ticket, search, portal, dashboard, mail, load); default all",
    )
    parser.add_argument("--no-progress", action="store_true")
    return parser.parse_args(argv)


def configure(database: str, redis: str = "") -> dict[str, str]:
    """Point Django at the benchmark database, as production runs it (no debug, no SSL redirect)."""
    values = {
        "DATABASE_URL": database,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-secret-key-not-for-production",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "STATIC_ROOT": os.environ.get("STATIC_ROOT")
        or str(Path(__file__).resolve().parents[1] / "var" / "bench-static"),
    }
    if redis:
        values["REDIS_URL"] = redis
    os.environ.update(values)
    if database.startswith("postgres"):
        _create_database(database)
    import django

    django.setup()
    logging.disable(logging.INFO)  # the eager jobs and django-axes log every message and sign-in
    return dict(os.environ)


def _create_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    base, _slash, name = url.rpartition("/")
    connection = psycopg2.connect(f"{base}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def main(argv: list[str]) -> int:
    """Seed, then (for ``run``) measure and print the table."""
    options = parse(argv)
    env = configure(options.database, options.redis)
    from django.core.management import call_command

    from bench import report
    from bench.seed import Size, ensure_seeded

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages render with the production storage
    started = time.perf_counter()
    seeded = ensure_seeded(Size(options.tickets), progress=not options.no_progress)
    print(report.size_line(seeded=seeded, seconds=time.perf_counter() - started))
    if options.command == "run":
        report.run_all(options, env)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
