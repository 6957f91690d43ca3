"""manage.py seed_demo: a demo helpdesk that can be seeded again, with tickets that agree with their history."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.utils import timezone

from faq.models import CannedResponse, Category, Faq
from helpdesk.accounts.models import Agent, Department, DepartmentAccess, Organization, Role, Team, User
from helpdesk.mail.models import Mailbox
from tasks.models import Task, TaskEvent
from tickets import demo
from tickets.models import HelpTopic, SLAPlan, State, ThreadEntry, Ticket, TicketEvent

Kind = TicketEvent.Kind
Entry = ThreadEntry.Kind

SEEDED: list[type[models.Model]] = [
    User,
    Organization,
    Department,
    Role,
    Team,
    Agent,
    DepartmentAccess,
    SLAPlan,
    HelpTopic,
    Category,
    Faq,
    CannedResponse,
    Mailbox,
    Ticket,
    ThreadEntry,
    TicketEvent,
    Task,
    TaskEvent,
    Ticket.collaborators.through,
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **{"tickets": 30, **options})
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in SEEDED}


def demo_tickets():
    return Ticket.objects.filter(requester__email__in=[spec.email for spec in demo.CUSTOMERS])


# --- idempotence and the cast ----------------------------------------------------------------------


def test_seeding_twice_creates_nothing_the_second_time(db):
    seed()
    first = counts()

    seed()

    assert counts() == first
    assert first["Ticket"] == 30


def test_seeding_tops_up_to_the_requested_number_of_tickets(db):
    seed(tickets=10)
    seed(tickets=15)

    assert demo_tickets().count() == 15


def test_seeding_keeps_existing_settings_as_the_admin_left_them(db):
    seed(tickets=0)
    Department.objects.filter(name="Support").update(email="help@example.com")

    seed(tickets=0)

    assert Department.objects.get(name="Support").email == "help@example.com"


def test_it_creates_an_admin_who_can_also_work_in_the_staff_panel(db):
    seed(tickets=0)

    admin = User.objects.get(email=demo.ADMIN_EMAIL)
    assert admin.is_superuser
    assert admin.is_staff
    assert Agent.objects.filter(user=admin).exists()


def test_it_creates_agents_across_departments_with_roles(db):
    seed(tickets=0)

    assert set(Department.objects.values_list("name", flat=True)) >= {"Support", "Billing", "IT"}
    assert Agent.objects.filter(user__is_superuser=False).count() == len(demo.AGENTS)
    both = Agent.objects.get(user__email="elena.conti@sportello.test")
    assert set(both.departments.values_list("name", flat=True)) == {"Support", "Billing"}
    assert not Role.objects.get(name="Agent").can_merge
    assert Role.objects.get(name="Manager").can_merge
    assert Department.objects.filter(sla__isnull=False, manager__isnull=False).count() == 3


def test_it_creates_customers_some_in_organizations(db):
    seed(tickets=0)

    customers = User.objects.filter(is_staff=False)
    assert customers.count() == len(demo.CUSTOMERS)
    assert customers.filter(organization__isnull=False).count() >= 10
    assert customers.filter(organization__isnull=True).exists()
    assert Organization.objects.exclude(domains="").count() == 4


def test_only_the_demo_customer_can_sign_in(db):
    seed(tickets=0)

    can_sign_in = [user.email for user in User.objects.filter(is_staff=False) if user.has_usable_password()]
    assert can_sign_in == [demo.CUSTOMER_EMAIL]


def test_it_creates_topics_knowledge_base_and_an_example_mailbox(db):
    seed(tickets=0)

    assert HelpTopic.objects.exclude(fields=[]).exists()
    assert HelpTopic.objects.filter(team__isnull=False).exists()
    assert Faq.objects.count() >= 10
    assert Faq.objects.public().count() < Faq.objects.count()
    assert Category.objects.filter(is_public=False).exists()
    assert CannedResponse.objects.filter(department__isnull=True).exists()
    assert CannedResponse.objects.filter(department__isnull=False).exists()
    assert CannedResponse.objects.filter(body__contains="{{ ticket.number }}").exists()
    mailbox = Mailbox.objects.get()
    assert not mailbox.is_active
    assert mailbox.host == "localhost"


# --- logins -------------------------------------------------------------------------------------------


def test_it_prints_the_logins_on_every_run(db):
    for _ in range(2):
        out = seed(tickets=0)

        assert f"{demo.ADMIN_EMAIL}" in out
        assert "demo-admin-2026" in out
        assert "marco.bianchi@sportello.test" in out
        assert "demo-agent-2026" in out
        assert demo.CUSTOMER_EMAIL in out
        assert "demo-customer-2026" in out
        assert "public" in out


def test_the_printed_passwords_sign_in(db):
    seed(tickets=0)

    assert User.objects.get(email=demo.ADMIN_EMAIL).check_password("demo-admin-2026")
    assert User.objects.get(email="luca.moretti@sportello.test").check_password("demo-agent-2026")
    assert User.objects.get(email=demo.CUSTOMER_EMAIL).check_password("demo-customer-2026")


def test_a_password_changed_since_seeding_is_not_printed(db):
    seed(tickets=0)
    admin = User.objects.get(email=demo.ADMIN_EMAIL)
    admin.set_password("a-private-password-of-mine")
    admin.save()

    out = seed(tickets=0)

    assert "demo-admin-2026" not in out
    assert "changed" in out
    assert admin.email in out


def test_the_password_option_sets_one_password_for_every_login(db):
    seed(tickets=0)

    out = seed(tickets=0, password="one-demo-password-77")

    assert out.count("one-demo-password-77") == 2 + len(demo.AGENTS)
    for email in [demo.ADMIN_EMAIL, demo.CUSTOMER_EMAIL, *(spec.email for spec in demo.AGENTS)]:
        assert User.objects.get(email=email).check_password("one-demo-password-77")


def test_a_weak_password_is_refused(db):
    with pytest.raises(CommandError, match="not accepted"):
        seed(password="short")

    assert not User.objects.exists()


def test_the_default_passwords_pass_the_validators(db):
    seed(tickets=0)

    validate_password("demo-admin-2026", User.objects.get(email=demo.ADMIN_EMAIL))
    for spec in demo.AGENTS:
        validate_password("demo-agent-2026", User.objects.get(email=spec.email))
    validate_password("demo-customer-2026", User.objects.get(email=demo.CUSTOMER_EMAIL))


# --- tickets that agree with their own history ------------------------------------------------------


def assert_consistent(ticket: Ticket, now) -> None:
    """``now``: when seeding started. Every moment of the history lies before it."""
    entries = list(ticket.entries.order_by("created_at", "pk"))
    events = list(ticket.events.order_by("at", "pk"))
    public = [entry for entry in entries if entry.kind != Entry.NOTE]
    messages = [entry.created_at for entry in entries if entry.kind == Entry.MESSAGE]
    responses = [entry.created_at for entry in entries if entry.kind == Entry.RESPONSE]

    assert ticket.state == ticket.status.state
    assert (ticket.closed_at is not None) == (ticket.state == State.CLOSED)
    assert now - timedelta(days=demo.DAYS) < ticket.created_at < now
    assert entries[0].kind == Entry.MESSAGE
    assert entries[0].author_id == ticket.requester_id
    assert entries[0].created_at == ticket.created_at
    assert (events[0].kind, events[0].at) == (Kind.CREATED, ticket.created_at)
    assert all(ticket.created_at <= event.at < now for event in events)
    assert all(ticket.created_at <= entry.created_at < now for entry in entries)
    assert ticket.is_answered == (public[-1].kind == Entry.RESPONSE)
    assert ticket.last_message_at == max(messages)
    assert ticket.last_response_at == (max(responses) if responses else None)
    assert ticket.last_activity_at == max(event.at for event in events if event.kind != Kind.OVERDUE)
    assert ticket.is_overdue == any(event.kind == Kind.OVERDUE for event in events)
    if ticket.is_overdue:
        assert ticket.due_at is not None
        assert ticket.due_at < (ticket.closed_at or now)
    if ticket.is_closed:
        assert ticket.closed_at == max(event.at for event in events if event.kind == Kind.CLOSED)
        assert ticket.unread_count == 0
    by_pk = {entry.pk: entry for entry in entries}
    for event in events:
        if "entry" in event.data:
            assert by_pk[event.data["entry"]].created_at == event.at


def test_seeded_tickets_agree_with_their_history(db):
    now = timezone.now()
    seed()

    for ticket in demo_tickets().select_related("status"):
        assert_consistent(ticket, now)


def test_bulk_seeded_tickets_agree_with_their_history(db):
    now = timezone.now()
    seed(tickets=40, bulk_threshold=10, batch_size=15)

    assert demo_tickets().count() == 40
    for ticket in demo_tickets().select_related("status"):
        assert_consistent(ticket, now)


def test_tickets_come_in_a_realistic_mixture(db):
    seed(tickets=60)

    tickets = demo_tickets()
    assert tickets.filter(state=State.OPEN).exists()
    assert tickets.filter(state=State.CLOSED).exists()
    assert tickets.filter(state=State.OPEN, is_answered=True).exists()
    assert tickets.filter(collaborators__isnull=False).exists()
    assert tickets.filter(entries__kind=Entry.NOTE).exists()
    assert tickets.filter(tasks__isnull=False).exists()
    assert len(set(tickets.values_list("source", flat=True))) >= 3
    assert len(set(tickets.values_list("priority", flat=True))) >= 3


def test_open_tasks_are_only_on_open_tickets(db):
    now = timezone.now()
    seed(tickets=60)

    assert not Task.objects.open().filter(ticket__state=State.CLOSED).exists()
    for task in Task.objects.select_related("ticket"):
        assert task.ticket is not None
        assert task.ticket.created_at <= task.created_at
        assert task.created_at < now
        assert task.completed_at is None or task.created_at <= task.completed_at < now
        assert all(task.created_at <= event.at < now for event in task.events.all())


def test_bulk_numbers_are_unique_and_avoid_existing_ones(db):
    seed(tickets=5)
    taken = set(Ticket.objects.values_list("number", flat=True))

    numbers = demo.fresh_numbers(demo.rng_for(1, 0), 50)

    assert len(set(numbers)) == 50
    assert not taken & set(numbers)
    assert all(len(number) >= 6 for number in numbers)


# --- the plans and the two ways of writing them ----------------------------------------------------


def summary(ticket: Ticket) -> tuple:
    """Everything about a ticket except its number and row ids."""
    fields = (
        *("subject", "requester_id", "department_id", "help_topic_id", "status_id", "state", "priority", "type"),
        *("assignee_id", "team_id", "source", "sla_id", "due_at", "is_overdue", "is_answered", "activity"),
        *("unread_count", "custom_fields", "created_at", "last_message_at", "last_response_at"),
        *("last_activity_at", "closed_at"),
    )
    entries = [
        (e.kind, e.author_id, e.author_name, e.body, e.source, e.created_at) for e in ticket.entries.order_by("pk")
    ]
    events = [
        (e.kind, e.actor_id, e.at, {k: v for k, v in e.data.items() if k != "entry"}, "entry" in e.data)
        for e in ticket.events.order_by("pk")
    ]
    cc = sorted(ticket.collaborators.values_list("pk", flat=True))
    return tuple(getattr(ticket, name) for name in fields), entries, events, cc


def test_the_same_seed_plans_the_same_tickets(db):
    cast = demo.seed_setup(passwords=demo.Passwords())
    now = timezone.now()

    def plans():
        return [demo.plan_ticket(demo.rng_for(3, index), cast, now=now) for index in range(20)]

    assert plans() == plans()


def covering_plans(cast, now) -> tuple[int, int]:
    """A seed and a count whose first tickets, planned for bulk writing, use every kind of step."""
    wanted = {demo.Act.ASSIGN, demo.Act.PRIORITY, demo.Act.NOTE, demo.Act.REPLY, demo.Act.MESSAGE}
    wanted |= {demo.Act.CLOSE, demo.Act.SEEN}
    for seed in range(1, 50):
        acts = set()
        for count in range(1, 41):
            acts |= {
                step.act for step in demo.plan_ticket(demo.rng_for(seed, count - 1), cast, now=now, rich=False).steps
            }
            if acts >= wanted:
                return seed, count
    raise AssertionError("no seed plans every kind of step within 40 tickets")


def test_bulk_rows_are_what_the_services_write(db):
    cast = demo.seed_setup(passwords=demo.Passwords())
    now = timezone.now()
    seed, count = covering_plans(cast, now)
    demo.bulk_seed_tickets(cast, count=count, start=0, seed=seed, now=now)
    bulk = [summary(ticket) for ticket in Ticket.objects.order_by("pk")]
    Ticket.objects.all().delete()

    for index in range(count):
        demo.build_ticket(demo.plan_ticket(demo.rng_for(seed, index), cast, now=now, rich=False), started=now)

    assert [summary(ticket) for ticket in Ticket.objects.order_by("pk")] == bulk
    assert Ticket.objects.filter(is_overdue=True).exists()
