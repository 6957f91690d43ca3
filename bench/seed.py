"""Seed a large, realistic helpdesk for the benchmarks: people through the demo setup, tickets by COPY.

Fixed seed, so two runs of the same size build the same rows. The size is recorded in ``bench_seed``; a
database that already holds it is reused as it is, any other size is wiped (tickets and what hangs off them)
and built again. On PostgreSQL the rows go in through ``COPY`` with the secondary indexes dropped and
rebuilt after; elsewhere (SQLite in the test suite) through ``bulk_create``.
"""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from tqdm import tqdm

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
BATCH = 20_000  # tickets per COPY batch
TABLES = ("tickets_ticket", "tickets_threadentry", "tickets_attachment", "tickets_ticketevent")

ENGLISH = [
    "The printer on the second floor stopped printing after the update.",
    "I cannot sign in to the portal since this morning.",
    "Our invoice for March shows the wrong VAT number.",
    "The VPN drops every few minutes when I work from home.",
    "Please reset the password of our new colleague.",
    "The shared mailbox does not receive any messages.",
    "Thanks, it works again now.",
    "Could you send the receipt for the last payment?",
    "The laptop battery drains in less than an hour.",
    "We need two more licences for the accounting software.",
]
ITALIAN = [
    "La stampante del secondo piano non stampa più dopo l'aggiornamento.",
    "Non riesco ad accedere al portale da stamattina.",
    "La fattura di marzo riporta la partita IVA sbagliata.",
    "La VPN cade ogni pochi minuti quando lavoro da casa.",
    "Per favore reimpostate la password della nuova collega.",
    "La casella condivisa non riceve più messaggi.",
    "Grazie, adesso funziona di nuovo.",
    "Potete mandarmi la ricevuta dell'ultimo pagamento?",
    "La batteria del portatile si scarica in meno di un'ora.",
    "Servono altre due licenze per il programma di contabilità.",
]


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
    next_ids: dict[str, int] = field(default_factory=dict)


def seeded_size() -> int | None:
    """The ticket count the database was seeded with, or None when it was never seeded."""
    with connection.cursor() as cursor:
        if "bench_seed" not in connection.introspection.table_names(cursor):
            return None
        cursor.execute("SELECT tickets FROM bench_seed")
        row = cursor.fetchone()
    return int(row[0]) if row else None


def ensure_seeded(size: Size, *, progress: bool = True) -> bool:
    """Seed the database to ``size`` unless it already holds exactly that. Returns whether it seeded."""
    demo.seed_setup(passwords=demo.Passwords.same(PASSWORD))
    if seeded_size() == size.tickets:
        return False
    _wipe()
    world = _world(size)
    rng = random.Random(SEED)
    writer = CopyWriter() if connection.vendor == "postgresql" else OrmWriter()
    with writer:
        for start in tqdm(range(0, size.tickets, BATCH), desc="tickets", unit_scale=BATCH, disable=not progress):
            rows = generate(rng, world, range(start, min(start + BATCH, size.tickets)), size)
            writer.write(rows)
    _record(size)
    return True


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
        next_ids={table: _next_id(table) for table in TABLES},
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


def generate(rng: random.Random, world: World, indexes: range, size: Size) -> Rows:
    """The rows of tickets ``indexes`` (and their threads, attachments and events)."""
    rows = Rows()
    now = timezone.now().replace(microsecond=0)
    span = timedelta(days=365 * YEARS)
    portal_every = max(1, size.tickets // PORTAL_TICKETS)
    for index in indexes:
        created = now - span + span * (index / size.tickets) + timedelta(minutes=rng.randint(0, 600))
        created = min(created, now - timedelta(hours=1))
        requester = world.portal_customer if index % portal_every == 0 else rng.choice(world.customers)
        _ticket(rng, world, rows, index, created, requester, now)
    return rows


def _ticket(
    rng: random.Random, world: World, rows: Rows, index: int, created: datetime, requester: int, now: datetime
) -> None:
    ticket_id = world.next_ids["tickets_ticket"] + index
    italian = rng.random() < 0.3
    texts = ITALIAN if italian else ENGLISH
    topic_id, department_id = rng.choice(world.topics)
    agent_id, agent_user, agent_name = rng.choice(world.agents)
    age_days = (now - created).days
    closed = age_days > 20 and rng.random() < 0.97 or rng.random() < 0.4
    length = thread_length(rng, index)
    step = min(timedelta(hours=6), (now - created) / (length + 1))
    last = _thread(rng, world, rows, ticket_id, texts, created, step, length, (requester, agent_user, agent_name))
    status = world.closed_status if closed else rng.choice(world.open_statuses)
    assigned = closed or rng.random() < 0.6
    rows.tickets.append(
        (ticket_id, str(1_000_000 + index), rng.choice(texts)[:80], State.CLOSED if closed else State.OPEN,
         rng.choices((1, 2, 3, 4), (20, 60, 15, 5))[0], rng.choice(("incident", "problem", "request", "change")),
         rng.choice(("web", "email", "email", "phone")), None, False, length > 1, "read" if closed else "unread",
         0, "{}", created, last, created, last if length > 1 else None, last, last if closed else None, False,
         agent_id if assigned else None, department_id, topic_id, None, requester, None, status, None, "", "")
    )  # fmt: skip
    _events(world, rows, ticket_id, created, last, closed, agent_user)


def _thread(
    rng: random.Random,
    world: World,
    rows: Rows,
    ticket_id: int,
    texts: list[str],
    created: datetime,
    step: timedelta,
    length: int,
    people: tuple[int, int, str],
) -> datetime:
    requester, agent_user, agent_name = people
    first_id = world.next_ids["tickets_threadentry"]
    world.next_ids["tickets_threadentry"] += length
    at = created
    for position in range(length):
        kind = "message" if position % 2 == 0 else ("note" if rng.random() < 0.15 else "response")
        text = " ".join(rng.choices(texts, k=rng.randint(1, 4)))
        author, name = (requester, "Customer") if kind == "message" else (agent_user, agent_name)
        rows.entries.append(
            (first_id + position, kind, name, f"<p>{text}</p>", text, "", "email", "", at, author, ticket_id)
        )  # fmt: skip
        at += step
    if rng.random() < ATTACHMENT_SHARE:
        attachment_id = world.next_ids["tickets_attachment"]
        world.next_ids["tickets_attachment"] += 1
        rows.attachments.append(
            (attachment_id, f"bench/{ticket_id}.pdf", "screenshot.png",
             rng.randint(10_000, 3_000_000), "image/png", "", created, first_id)
        )  # fmt: skip
    return at - step


def _events(
    world: World, rows: Rows, ticket_id: int, created: datetime, last: datetime, closed: bool, agent: int
) -> None:
    first = world.next_ids["tickets_ticketevent"]
    world.next_ids["tickets_ticketevent"] += 2 if closed else 1
    rows.events.append((first, "created", json.dumps({"source": "email"}), created, None, ticket_id))
    if closed:
        rows.events.append(
            (first + 1, "closed", json.dumps({"before": "Open", "after": "Closed"}), last, agent, ticket_id)
        )


# --- writing rows --------------------------------------------------------------------------------


class CopyWriter:
    """Writes batches with PostgreSQL COPY; drops secondary indexes and foreign-key checks while it runs."""

    def __enter__(self) -> CopyWriter:
        self.indexes = _secondary_indexes()
        with connection.cursor() as cursor:
            for name, _definition in self.indexes:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        return self

    def write(self, rows: Rows) -> None:
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
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in tqdm(self.indexes, desc="indexes", disable=not self.indexes):
                cursor.execute(definition)
            for table in TABLES:
                last = f"(SELECT MAX(id) FROM {table})"  # noqa: S608 (fixed table names)
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})")
                cursor.execute(f"ANALYZE {table}")


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

    def __enter__(self) -> OrmWriter:
        return self

    def write(self, rows: Rows) -> None:
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

    def __exit__(self, *exc: object) -> None:
        return None


def _fields(model: type, columns: list[str], row: tuple[object, ...]) -> dict[str, object]:
    values = dict(zip(columns, row, strict=True))
    if "custom_fields" in values:
        values["custom_fields"] = {}
    if "data" in values and isinstance(values["data"], str):
        values["data"] = json.loads(values["data"])
    return values
