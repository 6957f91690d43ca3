"""Seed a large, realistic helpdesk for the benchmarks: people through the demo setup, tickets by COPY.

Fixed seed, so two runs of the same size build the same rows. The size is recorded in ``bench_seed``; a
database that already holds it is reused as it is, any other size is wiped (tickets and what hangs off them)
and built again. On PostgreSQL the rows go in through ``COPY`` with the secondary indexes dropped and
rebuilt after; elsewhere (SQLite in the test suite) through ``bulk_create``.
"""

from __future__ import annotations

import io
import json
import math
import multiprocessing
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from tqdm import tqdm

from bench import text
from helpdesk.accounts.models import Agent, Department, User
from tickets import demo
from tickets.models import Attachment, HelpTopic, State, Status, ThreadEntry, Ticket, TicketEvent

SEED = 20260924
PASSWORD = "bench-password-2026"  # noqa: S105 (a throw-away login on a benchmark database)
PORTAL_EMAIL = "portal.customer@bench.test"
PORTAL_TICKETS = 500
THREAD_SIZES = (10, 200, 2000)  # the first three tickets: the ticket page is measured on these
CUSTOMERS_PER_TICKET = 0.2  # one customer for every five tickets
ATTACHMENT_SHARE = 0.2
YEARS = 3
BATCH = 10_000  # tickets per COPY batch; each batch has its own random generator and id ranges
TABLES = ("tickets_ticket", "tickets_threadentry", "tickets_attachment", "tickets_ticketevent")


@dataclass(frozen=True)
class Size:
    """How big the seeded helpdesk is."""

    tickets: int

    @property
    def customers(self) -> int:
        return max(10, int(self.tickets * CUSTOMERS_PER_TICKET))


@dataclass
class World:
    """The ids the generated rows point at."""

    customers: list[int]
    portal_customer: int
    agents: list[tuple[int, int, str]]  # agent id, user id, name
    departments: list[int]
    topics: list[tuple[int, int]]  # topic id, department id
    open_statuses: list[int]
    closed_status: int
    first_ids: dict[str, int] = field(default_factory=dict)  # per table: the id the first batch starts at


def seeded_size() -> int | None:
    """The ticket count the database was seeded with, or None when it was never seeded."""
    with connection.cursor() as cursor:
        if "bench_seed" not in connection.introspection.table_names(cursor):
            return None
        cursor.execute("SELECT tickets FROM bench_seed")
        row = cursor.fetchone()
    return int(row[0]) if row else None


def ensure_seeded(size: Size, *, progress: bool = True, workers: int = 0) -> bool:
    """Seed the database to ``size`` unless it already holds exactly that. Returns whether it seeded.

    On PostgreSQL ``workers`` processes (default: one per core) each generate and COPY their own batches, so
    Python and the database's text indexing run side by side.
    """
    demo.seed_setup(passwords=demo.Passwords.same(PASSWORD))
    if seeded_size() == size.tickets:
        return False
    _wipe()
    world = _world(size)
    batches = range(0, math.ceil(size.tickets / BATCH))
    bar = tqdm(total=size.tickets, desc="tickets", unit_scale=True, disable=not progress)
    workers = workers or os.cpu_count() or 1
    if connection.in_atomic_block:  # inside a test's transaction: one connection, or nobody sees the rows
        workers = 1
    if connection.vendor != "postgresql":
        _write_in_turn(OrmWriter.write, world, size, batches, bar)
    else:
        with CopyWriter(parallel=workers > 1, progress=progress):
            if workers > 1:
                _copy_in_parallel(world, size, batches, workers, bar)
            else:
                _write_in_turn(CopyWriter.write, world, size, batches, bar)
    bar.close()
    _record(size)
    return True


def _write_in_turn(write: Callable[[Rows], None], world: World, size: Size, batches: range, bar: tqdm) -> None:
    for batch in batches:
        rows = generate(world, batch, size)
        write(rows)
        bar.update(len(rows.tickets))


def _copy_in_parallel(world: World, size: Size, batches: range, workers: int, bar: tqdm) -> None:
    connection.close()  # each forked worker opens its own connection
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_worker_start, initargs=(world, size)) as pool:
        for done in pool.imap_unordered(_worker_batch, batches):
            bar.update(done)


_WORKER: tuple[World, Size] | None = None


def _worker_start(world: World, size: Size) -> None:
    global _WORKER  # noqa: PLW0603 (per-process state of a pool worker)
    _WORKER = (world, size)
    connection.close()


def _worker_batch(batch: int) -> int:
    world, size = _WORKER  # type: ignore[misc]  # set by _worker_start in every pool process
    rows = generate(world, batch, size)
    CopyWriter.write(rows)
    return len(rows.tickets)


def _tickets_of(batch: int, size: Size) -> range:
    return range(batch * BATCH, min((batch + 1) * BATCH, size.tickets))


def _wipe() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TABLE IF EXISTS bench_seed")
            cursor.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")
            cursor.execute("DELETE FROM accounts_user WHERE email LIKE %s", ["%@customers.bench.test"])
            return
    TicketEvent.objects.all().delete()
    Attachment.objects.all().delete()
    ThreadEntry.objects.all().delete()
    Ticket.objects.all().delete()
    User.objects.filter(email__endswith="@customers.bench.test").delete()


def _record(size: Size) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_seed (tickets integer NOT NULL)")
        cursor.execute("DELETE FROM bench_seed")
        cursor.execute("INSERT INTO bench_seed (tickets) VALUES (%s)", [size.tickets])


def _world(size: Size) -> World:
    portal, _created = User.objects.get_or_create(email=PORTAL_EMAIL, defaults={"name": "Portal Customer"})
    portal.set_password(PASSWORD)
    portal.save(update_fields=["password"])
    customers = _customers(size.customers)
    agents = [
        (agent.pk, agent.user_id, agent.user.name)
        for agent in Agent.objects.filter(user__is_superuser=False).select_related("user").order_by("pk")
    ]
    return World(
        customers=customers,
        portal_customer=portal.pk,
        agents=agents,
        departments=list(Department.objects.order_by("pk").values_list("pk", flat=True)),
        topics=list(HelpTopic.objects.order_by("pk").values_list("pk", "department_id")),
        open_statuses=list(Status.objects.filter(state=State.OPEN).order_by("pk").values_list("pk", flat=True)),
        closed_status=Status.objects.filter(state=State.CLOSED).order_by("pk").values_list("pk", flat=True)[0],
        first_ids={table: _next_id(table) for table in TABLES},
    )


def _customers(count: int) -> list[int]:
    users = [
        User(email=f"customer{index}@customers.bench.test", name=f"Customer {index}", password="!")  # noqa: S106 (unusable)
        for index in range(count)
    ]
    with transaction.atomic():
        for start in range(0, count, 5000):
            User.objects.bulk_create(users[start : start + 5000])
    return list(User.objects.filter(email__endswith="@customers.bench.test").values_list("pk", flat=True))


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 (a fixed table name)
        return int(cursor.fetchone()[0])


# --- generating rows -----------------------------------------------------------------------------


@dataclass
class Rows:
    """One batch of rows, each a tuple in the column order of ``COLUMNS``."""

    tickets: list[tuple[object, ...]] = field(default_factory=list)
    entries: list[tuple[object, ...]] = field(default_factory=list)
    attachments: list[tuple[object, ...]] = field(default_factory=list)
    events: list[tuple[object, ...]] = field(default_factory=list)


COLUMNS = {
    "tickets_ticket": [
        "id",
        "number",
        "subject",
        "state",
        "priority",
        "type",
        "source",
        "due_at",
        "is_overdue",
        "is_answered",
        "activity",
        "unread_count",
        "custom_fields",
        "created_at",
        "updated_at",
        "last_message_at",
        "last_response_at",
        "last_activity_at",
        "closed_at",
        "published",
        "assignee_id",
        "department_id",
        "help_topic_id",
        "merged_into_id",
        "requester_id",
        "sla_id",
        "status_id",
        "team_id",
        "public_summary",
        "public_title",
    ],
    "tickets_threadentry": [
        "id",
        "kind",
        "author_name",
        "body",
        "body_text",
        "quoted",
        "source",
        "message_id",
        "created_at",
        "author_id",
        "ticket_id",
    ],
    "tickets_attachment": ["id", "file", "name", "size", "content_type", "content_id", "created_at", "entry_id"],
    "tickets_ticketevent": ["id", "kind", "data", "at", "actor_id", "ticket_id"],
}


def thread_length(rng: random.Random, index: int) -> int:
    """Entries in ticket ``index``: a long-tailed 1-200 (about 10 on average), or a fixed size for the first few."""
    if index < len(THREAD_SIZES):
        return THREAD_SIZES[index]
    return min(200, max(1, int(rng.lognormvariate(1.85, 1.0))))


# Each batch numbers its rows from its own block of ids, so batches can be generated and written in any order.
ENTRIES_PER_BATCH = BATCH * 20 + sum(THREAD_SIZES)  # threads average about 10.5 entries; asserted below
EVENTS_PER_TICKET = 2
ATTACHMENTS_PER_TICKET = 1


def generate(world: World, batch: int, size: Size) -> Rows:
    """The rows of the tickets in ``batch`` (and their threads, attachments and events)."""
    rng = random.Random(f"{SEED}-{batch}")
    rows = Rows()
    ids = {
        "tickets_ticket": world.first_ids["tickets_ticket"] + batch * BATCH,
        "tickets_threadentry": world.first_ids["tickets_threadentry"] + batch * ENTRIES_PER_BATCH,
        "tickets_attachment": world.first_ids["tickets_attachment"] + batch * BATCH * ATTACHMENTS_PER_TICKET,
        "tickets_ticketevent": world.first_ids["tickets_ticketevent"] + batch * BATCH * EVENTS_PER_TICKET,
    }
    limit = ids["tickets_threadentry"] + ENTRIES_PER_BATCH
    now = timezone.now().replace(microsecond=0, second=0, minute=0)
    span = timedelta(days=365 * YEARS)
    portal_every = max(1, size.tickets // PORTAL_TICKETS)
    for index in _tickets_of(batch, size):
        created = now - span + span * (index / size.tickets) + timedelta(minutes=rng.randint(0, 600))
        created = min(created, now - timedelta(hours=1))
        requester = world.portal_customer if index % portal_every == 0 else rng.choice(world.customers)
        _ticket(rng, world, rows, ids, index, created, requester, now)
    if ids["tickets_threadentry"] > limit:
        raise RuntimeError(f"batch {batch} outgrew its block of entry ids")
    return rows


def _ticket(
    rng: random.Random,
    world: World,
    rows: Rows,
    ids: dict[str, int],
    index: int,
    created: datetime,
    requester: int,
    now: datetime,
) -> None:
    ticket_id = _take(ids, "tickets_ticket")
    writer = text.Writer(rng, italian=rng.random() < 0.3)
    topic_id, department_id = rng.choice(world.topics)
    agent_id, agent_user, agent_name = rng.choice(world.agents)
    age_days = (now - created).days
    closed = age_days > 20 and rng.random() < 0.97 or rng.random() < 0.4
    length = thread_length(rng, index)
    step = min(timedelta(hours=6), (now - created) / (length + 1))
    people = (requester, agent_user, agent_name)
    last = _thread(rng, writer, rows, ids, ticket_id, created, step, length, people)
    status = world.closed_status if closed else rng.choice(world.open_statuses)
    assigned = closed or rng.random() < 0.6
    rows.tickets.append(
        (ticket_id, str(1_000_000 + index), writer.subject(), State.CLOSED if closed else State.OPEN,
         rng.choices((1, 2, 3, 4), (20, 60, 15, 5))[0], rng.choice(("incident", "problem", "request", "change")),
         rng.choice(("web", "email", "email", "phone")), None, False, length > 1, "read" if closed else "unread",
         0, "{}", created, last, created, last if length > 1 else None, last, last if closed else None, False,
         agent_id if assigned else None, department_id, topic_id, None, requester, None, status, None, "", "")
    )  # fmt: skip
    _events(rows, ids, ticket_id, created, last, closed, agent_user)


def _take(ids: dict[str, int], table: str, count: int = 1) -> int:
    """The next ``count`` ids of ``table`` in this batch's block; returns the first."""
    first = ids[table]
    ids[table] += count
    return first


def _thread(
    rng: random.Random,
    writer: text.Writer,
    rows: Rows,
    ids: dict[str, int],
    ticket_id: int,
    created: datetime,
    step: timedelta,
    length: int,
    people: tuple[int, int, str],
) -> datetime:
    requester, agent_user, agent_name = people
    first_id = _take(ids, "tickets_threadentry", length)
    at = created
    for position in range(length):
        kind = "message" if position % 2 == 0 else ("note" if rng.random() < 0.15 else "response")
        body = writer.message()
        author, name = (requester, "Customer") if kind == "message" else (agent_user, agent_name)
        rows.entries.append(
            (first_id + position, kind, name, f"<p>{body}</p>", body, "", "email", "", at, author, ticket_id)
        )  # fmt: skip
        at += step
    if rng.random() < ATTACHMENT_SHARE:
        attachment_id = _take(ids, "tickets_attachment")
        rows.attachments.append(
            (attachment_id, f"bench/{ticket_id}.pdf", "screenshot.png",
             rng.randint(10_000, 3_000_000), "image/png", "", created, first_id)
        )  # fmt: skip
    return at - step


def _events(
    rows: Rows, ids: dict[str, int], ticket_id: int, created: datetime, last: datetime, closed: bool, agent: int
) -> None:
    first = _take(ids, "tickets_ticketevent", 2 if closed else 1)
    rows.events.append((first, "created", json.dumps({"source": "email"}), created, None, ticket_id))
    if closed:
        rows.events.append(
            (first + 1, "closed", json.dumps({"before": "Open", "after": "Closed"}), last, agent, ticket_id)
        )


# --- writing rows --------------------------------------------------------------------------------


class CopyWriter:
    """Writes batches with PostgreSQL COPY; drops secondary indexes and foreign-key checks while it runs."""

    def __init__(self, *, parallel: bool, progress: bool) -> None:
        self.parallel = parallel
        self.progress = progress

    def __enter__(self) -> CopyWriter:
        self.indexes = _secondary_indexes()
        with connection.cursor() as cursor:
            for name, _definition in self.indexes:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        return self

    @staticmethod
    def write(rows: Rows) -> None:
        """COPY one batch in one transaction."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")  # no per-row foreign-key triggers
            cursor.execute("SET LOCAL synchronous_commit = off")
            for table, data in (
                ("tickets_ticket", rows.tickets),
                ("tickets_threadentry", rows.entries),
                ("tickets_attachment", rows.attachments),
                ("tickets_ticketevent", rows.events),
            ):
                _copy(cursor, table, data)

    def __exit__(self, *exc: object) -> None:
        # Two builds at a time; the thread entries' text index, the longest, starts first.
        definitions = sorted((definition for _name, definition in self.indexes), key=lambda d: "gin" not in d)
        if self.parallel:
            connection.close()
            with multiprocessing.get_context("fork").Pool(2, initializer=connection.close) as pool:
                built = pool.imap_unordered(_build_index, definitions)
                for _done in tqdm(built, total=len(definitions), desc="indexes", disable=not self.progress):
                    pass
        else:
            for definition in definitions:
                _build_index(definition)
        with connection.cursor() as cursor:
            for table in TABLES:
                last = f"(SELECT MAX(id) FROM {table})"  # noqa: S608 (fixed table names)
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})")
            if connection.in_atomic_block:  # a test's transaction, where VACUUM may not run
                cursor.execute(f"ANALYZE {', '.join(TABLES)}, accounts_user")
            else:
                # What autovacuum would do a while after a bulk load: planner statistics for every table, and
                # the visibility map that lets index-only scans (the queue counts) skip the table.
                cursor.execute("VACUUM (ANALYZE)")


def _build_index(definition: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(definition)


def _secondary_indexes() -> list[tuple[str, str]]:
    """Name and definition of every index on the seeded tables except the primary keys and constraints."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
            [list(TABLES)],
        )
        return [(name, definition) for name, definition in cursor.fetchall()]


def _copy(cursor: object, table: str, data: list[tuple[object, ...]]) -> None:
    if not data:
        return
    buffer = io.StringIO()
    for row in data:
        buffer.write("\t".join(_cell(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    raw = cursor.cursor  # type: ignore[attr-defined]  # Django's wrapper around the psycopg2 cursor
    raw.copy_expert(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN", buffer)


def _cell(value: object) -> str:
    if value is None:
        return r"\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


class OrmWriter:
    """Writes batches with bulk_create: for SQLite, where the benchmark runs only as a smoke test."""

    @staticmethod
    def write(rows: Rows) -> None:
        """Insert one batch in one transaction."""
        models: tuple[tuple[type[Model], list[tuple[object, ...]]], ...] = (
            (Ticket, rows.tickets),
            (ThreadEntry, rows.entries),
            (Attachment, rows.attachments),
            (TicketEvent, rows.events),
        )
        with transaction.atomic():
            for model, data in models:
                columns = COLUMNS[model._meta.db_table]
                objects = [model(**_fields(model, columns, row)) for row in data]
                model._default_manager.bulk_create(objects, batch_size=500)


def _fields(model: type, columns: list[str], row: tuple[object, ...]) -> dict[str, object]:
    values = dict(zip(columns, row, strict=True))
    if "custom_fields" in values:
        values["custom_fields"] = {}
    if "data" in values and isinstance(values["data"], str):
        values["data"] = json.loads(values["data"])
    return values
