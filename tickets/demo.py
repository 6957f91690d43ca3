"""Demo data for trying Sportello: a cast of people, the settings a helpdesk starts from, and tickets.

Everything but tickets is found by a natural key before it is created, so seeding twice changes nothing.
A ticket's life is first *planned* (a pure function of a seeded random generator), then either played
through the services, which write threads, events and flags exactly as in real use, or, for large
counts, folded into rows that mirror what the services would have written and saved with bulk_create.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache, partial
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import DEFAULT_DB_ALIAS, NotSupportedError, connection, connections, models, reset_queries, transaction
from django.db.models import Max
from django.utils import timezone

from faq.models import CannedResponse, Category, Faq
from helpdesk.accounts.models import Agent, Department, DepartmentAccess, Organization, Role, Team, User, same_email
from helpdesk.mail.models import Mailbox
from tasks import services as task_services
from tasks.models import Task, TaskEvent
from tickets import services
from tickets.html import to_safe_body
from tickets.models import (
    Activity,
    HelpTopic,
    Priority,
    SLAPlan,
    Source,
    State,
    Status,
    ThreadEntry,
    Ticket,
    TicketEvent,
    TicketType,
)

Kind = TicketEvent.Kind
Entry = ThreadEntry.Kind

DAYS = 90
BULK_INSERT_ROWS = 1000

# --- the cast and the settings ------------------------------------------------------------------

ADMIN_EMAIL = "admin@sportello.test"
ADMIN_NAME = "Sportello Admin"
CUSTOMER_EMAIL = "giulia.rossi@acme-logistics.test"


@dataclass(frozen=True)
class Passwords:
    """The demo password of each kind of login. They are printed, so they are for demos only."""

    admin: str = "demo-admin-2026"
    agent: str = "demo-agent-2026"
    customer: str = "demo-customer-2026"

    @classmethod
    def same(cls, password: str) -> Passwords:
        return cls(admin=password, agent=password, customer=password)


class SLASpec(NamedTuple):
    name: str
    first_response_hours: int
    resolution_hours: int
    business_hours_only: bool


SLA_PLANS = [
    SLASpec("Standard", 8, 40, True),
    SLASpec("Priority", 1, 12, False),
    SLASpec("Relaxed", 24, 120, True),
]


class DepartmentSpec(NamedTuple):
    name: str
    email: str
    sla: str
    is_public: bool


DEPARTMENTS = [
    DepartmentSpec("Support", "support@sportello.test", "Standard", True),
    DepartmentSpec("Billing", "billing@sportello.test", "Standard", True),
    DepartmentSpec("IT", "it@sportello.test", "Priority", False),
]

_ALL_POWERS = ("can_reply", "can_assign", "can_transfer", "can_edit", "can_close", "can_merge", "can_manage_tasks")
ROLES: dict[str, dict[str, bool]] = {
    "Agent": {power: power != "can_merge" for power in _ALL_POWERS},
    "Manager": dict.fromkeys(_ALL_POWERS, True),
    "Read-only": dict.fromkeys(_ALL_POWERS, False),
}


class AgentSpec(NamedTuple):
    email: str
    name: str
    roles: dict[str, str]  # department name -> role name


AGENTS = [
    AgentSpec("marco.bianchi@sportello.test", "Marco Bianchi", {"Support": "Agent"}),
    AgentSpec("sofia.ricci@sportello.test", "Sofia Ricci", {"Support": "Agent", "IT": "Read-only"}),
    AgentSpec("luca.moretti@sportello.test", "Luca Moretti", {"Billing": "Agent"}),
    AgentSpec("elena.conti@sportello.test", "Elena Conti", {"Support": "Agent", "Billing": "Agent"}),
    AgentSpec(
        "paolo.greco@sportello.test", "Paolo Greco", {"Support": "Manager", "Billing": "Manager", "IT": "Manager"}
    ),
    AgentSpec("chiara.russo@sportello.test", "Chiara Russo", {"IT": "Agent"}),
]
MANAGERS = {
    "Support": "paolo.greco@sportello.test",
    "Billing": "paolo.greco@sportello.test",
    "IT": "chiara.russo@sportello.test",
}


class TeamSpec(NamedTuple):
    name: str
    lead: str
    members: list[str]


TEAMS = [
    TeamSpec(
        "Front line",
        "sofia.ricci@sportello.test",
        ["marco.bianchi@sportello.test", "sofia.ricci@sportello.test", "elena.conti@sportello.test"],
    ),
    TeamSpec(
        "Escalations",
        "paolo.greco@sportello.test",
        ["paolo.greco@sportello.test", "chiara.russo@sportello.test", "elena.conti@sportello.test"],
    ),
]

ORGANIZATIONS = [
    ("Acme Logistics", "acme-logistics.test", "Freight forwarder, 40 seats. Contract renewal in March."),
    ("Brightwater Dental", "brightwater-dental.test", "Three clinics; the reception staff open most tickets."),
    ("Northwind Traders", "northwind.test\nnorthwind-traders.test", "Wholesale customer; invoices go to accounts."),
    ("Studio Verde", "studioverde.test", "Architecture studio, small team, prefers phone calls."),
]


class CustomerSpec(NamedTuple):
    name: str
    email: str
    organization: str = ""
    is_org_manager: bool = False


CUSTOMERS = [
    CustomerSpec("Giulia Rossi", CUSTOMER_EMAIL, "Acme Logistics", True),
    CustomerSpec("Tom Becker", "tom.becker@acme-logistics.test", "Acme Logistics"),
    CustomerSpec("Priya Nair", "priya.nair@acme-logistics.test", "Acme Logistics"),
    CustomerSpec("Jonas Weber", "jonas.weber@acme-logistics.test", "Acme Logistics"),
    CustomerSpec("Lucia Ferri", "lucia.ferri@acme-logistics.test", "Acme Logistics"),
    CustomerSpec("Emma Clarke", "emma.clarke@brightwater-dental.test", "Brightwater Dental", True),
    CustomerSpec("Noah Patel", "noah.patel@brightwater-dental.test", "Brightwater Dental"),
    CustomerSpec("Hannah Wright", "hannah.wright@brightwater-dental.test", "Brightwater Dental"),
    CustomerSpec("Oliver Brown", "oliver.brown@brightwater-dental.test", "Brightwater Dental"),
    CustomerSpec("Maria Garcia", "maria.garcia@northwind.test", "Northwind Traders", True),
    CustomerSpec("Daniel Kim", "daniel.kim@northwind.test", "Northwind Traders"),
    CustomerSpec("Sara Lindqvist", "sara.lindqvist@northwind-traders.test", "Northwind Traders"),
    CustomerSpec("Ahmed Hassan", "ahmed.hassan@northwind.test", "Northwind Traders"),
    CustomerSpec("Francesca Marino", "francesca.marino@studioverde.test", "Studio Verde"),
    CustomerSpec("Pietro Gallo", "pietro.gallo@studioverde.test", "Studio Verde"),
    CustomerSpec("Anna Colombo", "anna.colombo@studioverde.test", "Studio Verde"),
    CustomerSpec("James Wilson", "james.wilson@example.com"),
    CustomerSpec("Laura Schmidt", "laura.schmidt@example.net"),
    CustomerSpec("Mateo Lopez", "mateo.lopez@example.org"),
    CustomerSpec("Yuki Tanaka", "yuki.tanaka@example.com"),
    CustomerSpec("Chloe Martin", "chloe.martin@example.net"),
    CustomerSpec("Ben Carter", "ben.carter@example.org"),
    CustomerSpec("Isabel Costa", "isabel.costa@example.com"),
    CustomerSpec("Kofi Mensah", "kofi.mensah@example.net"),
    CustomerSpec("Nina Petrova", "nina.petrova@example.org"),
]


class TopicSpec(NamedTuple):
    name: str
    department: str
    priority: int = Priority.NORMAL
    sla: str = ""
    team: str = ""
    parent: str = ""
    fields: tuple[dict[str, Any], ...] = ()
    weight: int = 1


TOPICS = [
    TopicSpec("General question", "Support", weight=4),
    TopicSpec("Technical problem", "Support", team="Front line", weight=6),
    TopicSpec("Mobile app", "Support", team="Front line", parent="Technical problem", weight=2),
    TopicSpec(
        "Billing question",
        "Billing",
        fields=({"name": "invoice", "label": "Invoice number", "required": False},),
        weight=4,
    ),
    TopicSpec(
        "Refund request",
        "Billing",
        priority=Priority.HIGH,
        sla="Priority",
        fields=({"name": "order", "label": "Order number", "required": True},),
        weight=2,
    ),
    TopicSpec("Account access", "IT", priority=Priority.HIGH, sla="Priority", weight=3),
    TopicSpec("Feedback", "Support", priority=Priority.LOW, sla="Relaxed", weight=1),
]


# --- what people write ---------------------------------------------------------------------------

# Opening messages by help topic: (subject, body). Bodies are signed with the requester's first name.
OPENINGS: dict[str, list[tuple[str, str]]] = {
    "General question": [
        (
            "Opening hours over the holidays",
            "Hello,\n\nCould you tell me whether your support line is open between Christmas and New Year? "
            "We have a delivery planned for the 29th and I want to be sure someone can help if it goes wrong.",
        ),
        (
            "How do I add a second user to our account?",
            "Hi,\n\nA new colleague joined our office this week. What is the right way to give her access? "
            "Does she need her own login or can we share mine?",
        ),
        (
            "Question about data retention",
            "Hello,\n\nHow long do you keep the documents we upload? Our auditor asked and I could not find "
            "it in the documentation.",
        ),
        (
            "Change of contact person",
            "Hi,\n\nI am leaving the company at the end of the month. From now on please send everything to "
            "my colleague.\n\nThanks for all the help over the years.",
        ),
    ],
    "Technical problem": [
        (
            "Cannot upload PDF files",
            'Hi,\n\nSince this morning every PDF I try to upload stops at 99% and then shows "Upload failed". '
            "Smaller images work fine. I tried Firefox and Chrome with the same result. The file is about 8 MB.",
        ),
        (
            "Dashboard very slow to load",
            "Hello,\n\nThe dashboard takes more than a minute to load for everyone in our office. It used to "
            "be instant. Other websites are fast, so I don't think it is our connection.",
        ),
        (
            "Export to CSV produces an empty file",
            "Hi,\n\nWhen I export last month's orders to CSV the file downloads but it only contains the "
            "header row. The same export for the previous month works.",
        ),
        (
            "Error 500 when saving my profile",
            "Hello,\n\nEvery time I change my phone number on the profile page and press Save, I get "
            '"Server error (500)". Steps: Profile > Edit > change phone > Save.',
        ),
        (
            "Notifications arrive twice",
            "Hi,\n\nFor about a week we have received every notification e-mail twice, a few seconds apart. "
            "It confuses our team. Could you have a look?",
        ),
    ],
    "Mobile app": [
        (
            "App crashes on startup after the update",
            "Hi,\n\nAfter updating the app on my Android phone (Pixel 7) it closes as soon as I open it. "
            "I reinstalled it twice, no change.",
        ),
        (
            "Cannot log in from the iPhone app",
            'Hello,\n\nThe iPhone app says "Invalid credentials" but the same e-mail and password work in '
            "the browser. iOS 18, app version 4.2.",
        ),
        (
            "Push notifications stopped working",
            "Hi,\n\nI no longer get push notifications on my phone, although they are enabled in the settings.",
        ),
    ],
    "Billing question": [
        (
            "Invoice shows the wrong VAT number",
            "Hello,\n\nOur latest invoice shows our old VAT number. Could you issue a corrected invoice? "
            "The correct number is in our account details.",
        ),
        (
            "Charged twice this month",
            "Hi,\n\nOur card was charged twice on the 3rd for the same amount. Please refund the duplicate payment.",
        ),
        (
            "Copies of last year's invoices",
            "Hello,\n\nOur accountant needs copies of all invoices from last year. Is there a way to download "
            "them all at once?",
        ),
        (
            "Switching from monthly to annual billing",
            "Hi,\n\nWe would like to move to annual billing from the next renewal. Which discount applies, "
            "and do we need to do anything?",
        ),
        (
            "Payment failed but the card is valid",
            "Hello,\n\nWe received an e-mail saying our payment failed. The card is valid and has enough funds. "
            "Could you try again?",
        ),
    ],
    "Refund request": [
        (
            "Refund for a cancelled order",
            "Hi,\n\nI cancelled this order within the 14-day window but have not received a refund yet. "
            "Could you check where it is?",
        ),
        (
            "Refund for unused seats",
            "Hello,\n\nWe reduced our team from 12 to 8 users last month but were billed for 12. "
            "Please refund the difference.",
        ),
        (
            "Damaged item, requesting a refund",
            "Hi,\n\nThe package arrived with the box crushed and the device does not power on. "
            "I would like a refund rather than a replacement.",
        ),
    ],
    "Account access": [
        (
            "Locked out after a password reset",
            "Hello,\n\nI reset my password this morning and now the login page says my account is locked. "
            "I need access urgently for a client meeting.",
        ),
        (
            "Two-factor codes not accepted",
            "Hi,\n\nThe codes from my authenticator app are rejected. I changed phones last week and moved "
            "the app over with a backup.",
        ),
        (
            "Please remove access for a former employee",
            "Hello,\n\nA colleague left the company yesterday. Please disable his account as soon as possible.",
        ),
        (
            "Password reset e-mail never arrives",
            "Hi,\n\nI have asked for a password reset three times but the e-mail never arrives, "
            "not even in the spam folder.",
        ),
    ],
    "Feedback": [
        (
            "Suggestion: a dark mode",
            "Hi,\n\nA small suggestion: a dark mode would be very welcome for those of us who work late. "
            "Otherwise we are very happy with the service.",
        ),
        (
            "Thank you for the quick help",
            "Hello,\n\nJust a note to thank your team for solving our import problem so quickly last week.",
        ),
        (
            "The new menu is confusing",
            "Hi,\n\nSince the last update I can never find the reports section. Could the old menu come back, "
            "or could you add a shortcut?",
        ),
    ],
}

# Agents' answers by department (others use Support's).
REPLIES = {
    "Support": [
        "Thank you for getting in touch. I am looking into this now and will get back to you as soon as I know more.",
        "Thanks for the details. Could you send us a screenshot of the error and tell us roughly when it last "
        "happened? That will help us find it in our logs.",
        "We found the cause: a setting on your account was not migrated correctly after the last update. "
        "I have fixed it; could you try again and let me know whether it works now?",
        "I have passed this to our specialists, who will look at it today. I will keep you posted.",
        "Thank you for your patience. The fix was released this morning, so everything should work again.",
    ],
    "Billing": [
        "Thank you for getting in touch. I am checking your account and our payment records and will come back "
        "to you today.",
        "Could you send us the invoice or order number concerned? Then I can look it up straight away.",
        "I found the payment in question and asked our finance team to correct it. You will get a confirmation "
        "by e-mail.",
        "The corrected invoice is now available in your account under Billing.",
        "The refund has been approved. Depending on your bank it can take 5 to 10 days to show on your statement.",
    ],
    "IT": [
        "Thank you for reporting this. I am checking your account now.",
        "For security reasons, could you confirm the last four digits of the phone number on your account?",
        "I have unlocked your account and sent you a new password reset link. It is valid for one hour.",
        "The account has been disabled as requested, and its open sessions were signed out.",
        "I have reset your two-factor setup: the next time you sign in you will be asked to scan a new QR code.",
    ],
}
# Closing replies: after the customer confirmed, after the customer's last word, after no answer.
CLOSING_AFTER_THANKS = [
    "Glad to hear it works now. I am closing this ticket; just reply to this message if anything else comes up.",
    "Great, thank you for letting us know. I am marking this ticket as resolved.",
]
CLOSING_FIXED = [
    "We have fixed the problem you described, so it should work now. I am closing this ticket, but just reply "
    "if anything is still wrong.",
    "Everything is done on our side. Thank you for reaching out!",
]
CLOSING_NO_ANSWER = [
    "As we have not heard back, I am marking this ticket as resolved. Reply at any time and it will reopen.",
]
FOLLOW_UPS = [
    "Thanks, I tried again but I still get the same error.",
    "Here is the screenshot you asked for. It happened again today around 10:30.",
    "Any news on this? It is becoming urgent for us.",
    "Thank you. One more question: does this also apply to our other account?",
    "Sorry for the late reply, I was away. Yes, the problem is still there.",
]
THANKS = [
    "That worked, thank you very much!",
    "All good now, thanks for the quick help.",
    "Confirmed, it works again. Thank you!",
]
NOTES = [
    "Checked the logs: the errors started right after Tuesday's deploy. Probably the upload limit change.",
    "Customer called as well; they are fine with an answer by tomorrow.",
    "Same issue reported by two other customers this week. Bringing it to the weekly review.",
    "Asked Billing to double-check the payment records before we answer.",
    "Key account: keep replies short and copy the account manager.",
    "Could not reproduce it on staging. Waiting for the screenshot.",
]
TASKS = [
    ("Check the payment gateway logs", "Look for the transaction ids mentioned in the ticket."),
    ("Reproduce the bug on staging", ""),
    ("Call the customer back", "Preferably in the morning."),
    ("Update the FAQ entry", "The answer about refunds is out of date."),
    ("Ask the vendor for a replacement", ""),
]

SOURCES = [Source.WEB, Source.EMAIL, Source.PHONE, Source.API]
SOURCE_WEIGHTS = [45, 35, 12, 8]
TYPES = [TicketType.INCIDENT, TicketType.PROBLEM, TicketType.REQUEST, TicketType.CHANGE]
TYPE_WEIGHTS = [40, 10, 45, 5]
# More tickets arrive in office hours, few at night.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 6, 10, 12, 12, 11, 8, 10, 11, 11, 10, 8, 5, 4, 3, 2, 2, 1]


def _message(first_name: str, text: str) -> str:
    return f"{text}\n\n{first_name}"


def _reply(first_name: str, text: str, agent: Agent) -> str:
    return f"Hi {first_name},\n\n{text}\n\nBest regards,\n{agent.name}"


# --- setting up everything but tickets -----------------------------------------------------------


class Statuses(NamedTuple):
    """The statuses the demo moves tickets through, falling back to the defaults if an admin renamed them."""

    open: Status
    in_progress: Status
    awaiting: Status
    resolved: Status
    closed: Status

    @classmethod
    def load(cls) -> Statuses:
        by_name = {status.name: status for status in Status.objects.all()}
        opened, closed = Status.default_for(State.OPEN), Status.default_for(State.CLOSED)

        def named(name: str, fallback: Status) -> Status:
            status = by_name.get(name)
            return status if status is not None and status.state == fallback.state else fallback

        return cls(
            opened, named("In progress", opened), named("Awaiting customer", opened), named("Resolved", closed), closed
        )


@dataclass
class Cast:
    """The seeded world the tickets are planned in."""

    admin: User
    agents: list[Agent]
    customers: list[User]
    topics: list[HelpTopic]
    statuses: Statuses
    # Agents who may do everything but merge in a department, by department id.
    workers: dict[int, list[Agent]]
    # The agent a topic hands its tickets to, when that agent may work in the topic's department.
    topic_assignees: dict[int, Agent | None]
    colleagues: dict[int, list[User]] = field(default_factory=dict)

    def demo_tickets(self) -> int:
        return Ticket.objects.filter(requester__in=self.customers).count()


def check_passwords(passwords: Passwords) -> None:
    """Raise ValidationError when a demo password fails the password validators for its login."""
    validate_password(passwords.admin, User(email=ADMIN_EMAIL, name=ADMIN_NAME))
    for spec in AGENTS:
        validate_password(passwords.agent, User(email=spec.email, name=spec.name))
    customer = CUSTOMERS[0]
    validate_password(passwords.customer, User(email=customer.email, name=customer.name))


def seed_setup(*, passwords: Passwords, reset_passwords: bool = False) -> Cast:
    """Create whatever of the demo people and settings is missing; existing rows are left as they are.

    Passwords are set on new logins only, or on every demo login with ``reset_passwords``.
    """
    with transaction.atomic():
        slas = _sla_plans()
        roles = _roles()
        departments = _departments(slas)
        admin = _admin(passwords.admin, reset_passwords)
        agents = _agents(departments, roles, passwords.agent, reset_passwords)
        _grant_all(admin, departments, roles["Manager"])
        teams = _teams(agents)
        _department_managers(departments, agents)
        customers = _customers(_organizations(), passwords.customer, reset_passwords)
        topics = _topics(departments, slas, teams)
        _knowledge_base(topics, departments)
        _mailbox(departments["Support"], topics["General question"])
    return load_cast(admin, customers)


def _sla_plans() -> dict[str, SLAPlan]:
    plans = {}
    for spec in SLA_PLANS:
        plans[spec.name], _ = SLAPlan.objects.get_or_create(
            name=spec.name,
            defaults={
                "first_response_hours": spec.first_response_hours,
                "resolution_hours": spec.resolution_hours,
                "business_hours_only": spec.business_hours_only,
            },
        )
    return plans


def _roles() -> dict[str, Role]:
    return {name: Role.objects.get_or_create(name=name, defaults=powers)[0] for name, powers in ROLES.items()}


def _departments(slas: dict[str, SLAPlan]) -> dict[str, Department]:
    departments = {}
    for spec in DEPARTMENTS:
        departments[spec.name], _ = Department.objects.get_or_create(
            name=spec.name,
            defaults={
                "email": spec.email,
                "sla": slas[spec.sla],
                "is_public": spec.is_public,
                "signature": f"The {spec.name} team\nSportello",
            },
        )
    return departments


def _user(email: str, name: str, password: str | None, reset: bool, **flags: Any) -> User:
    """The user with this e-mail, created if missing; a password is set on creation or when ``reset``."""
    user = User.objects.filter(same_email(email)).first()
    if user is None:
        return User.objects.create_user(email, password, name=name, **flags)
    if reset and password:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def _admin(password: str, reset: bool) -> User:
    admin = _user(ADMIN_EMAIL, ADMIN_NAME, password, reset, is_staff=True, is_superuser=True, email_confirmed=True)
    Agent.objects.get_or_create(user=admin, defaults={"signature": f"{ADMIN_NAME}\nSportello"})
    return admin


def _agents(departments: dict[str, Department], roles: dict[str, Role], password: str, reset: bool) -> dict[str, Agent]:
    agents = {}
    for spec in AGENTS:
        user = _user(spec.email, spec.name, password, reset, is_staff=True, email_confirmed=True)
        agent, _ = Agent.objects.get_or_create(user=user, defaults={"signature": f"{spec.name}\nSportello"})
        for department, role in spec.roles.items():
            DepartmentAccess.objects.get_or_create(
                agent=agent, department=departments[department], defaults={"role": roles[role]}
            )
        agents[spec.email] = agent
    return agents


def _grant_all(admin: User, departments: dict[str, Department], role: Role) -> None:
    # Superusers may act anywhere anyway; the rows put the admin in the assignee lists.
    for department in departments.values():
        DepartmentAccess.objects.get_or_create(agent=admin.agent, department=department, defaults={"role": role})


def _teams(agents: dict[str, Agent]) -> dict[str, Team]:
    teams = {}
    for spec in TEAMS:
        team, _ = Team.objects.get_or_create(name=spec.name, defaults={"lead": agents[spec.lead]})
        team.members.add(*(agents[email] for email in spec.members))
        teams[spec.name] = team
    return teams


def _department_managers(departments: dict[str, Department], agents: dict[str, Agent]) -> None:
    for name, email in MANAGERS.items():
        Department.objects.filter(pk=departments[name].pk, manager__isnull=True).update(manager=agents[email])


def _organizations() -> dict[str, Organization]:
    organizations = {}
    for name, domains, notes in ORGANIZATIONS:
        organizations[name], _ = Organization.objects.get_or_create(
            name=name, defaults={"domains": domains, "notes": notes}
        )
    return organizations


def _customers(organizations: dict[str, Organization], password: str, reset: bool) -> list[User]:
    customers = []
    for spec in CUSTOMERS:
        # Only the first customer can sign in; the others are people who only ever wrote in.
        login = password if spec.email == CUSTOMER_EMAIL else None
        customer = _user(
            spec.email,
            spec.name,
            login,
            reset,
            organization=organizations.get(spec.organization),
            is_org_manager=spec.is_org_manager,
            email_confirmed=login is not None,
        )
        customers.append(customer)
    return customers


def _topics(
    departments: dict[str, Department], slas: dict[str, SLAPlan], teams: dict[str, Team]
) -> dict[str, HelpTopic]:
    topics: dict[str, HelpTopic] = {}
    for spec in TOPICS:
        topics[spec.name], _ = HelpTopic.objects.get_or_create(
            name=spec.name,
            defaults={
                "department": departments[spec.department],
                "priority": spec.priority,
                "sla": slas.get(spec.sla),
                "team": teams.get(spec.team),
                "parent": topics.get(spec.parent),
                "fields": list(spec.fields),
                "auto_respond": spec.name != "Feedback",
            },
        )
    return topics


def load_cast(admin: User, customers: list[User]) -> Cast:
    """Read back what ticket planning needs, with the relations it follows already loaded."""
    topics = list(
        HelpTopic.objects.filter(name__in=[spec.name for spec in TOPICS], is_active=True)
        .select_related("department__sla", "sla", "team", "assignee__user", "initial_status")
        .order_by("pk")
    )
    workers = _workers()
    granted: dict[int, set[int]] = {}
    for department_id, agent_id in DepartmentAccess.objects.values_list("department_id", "agent_id"):
        granted.setdefault(department_id, set()).add(agent_id)
    return Cast(
        admin=admin,
        agents=list(Agent.objects.filter(user__is_superuser=False, user__is_active=True).select_related("user")),
        customers=customers,
        topics=[topic for topic in topics if workers.get(topic.department_id)],
        statuses=Statuses.load(),
        workers=workers,
        topic_assignees={topic.pk: _topic_assignee(topic, granted) for topic in topics},
        colleagues=_colleagues(customers),
    )


def _workers() -> dict[int, list[Agent]]:
    """Active agents (not superusers) whose role lets them do everything but merge, by department id."""
    powers = {f"role__{power}": True for power in _ALL_POWERS if power != "can_merge"}
    workers: dict[int, list[Agent]] = {}
    for access in (
        DepartmentAccess.objects.filter(**powers, agent__user__is_active=True, agent__user__is_staff=True)
        .exclude(agent__user__is_superuser=True)
        .select_related("agent__user")
        .order_by("agent__user__email")
    ):
        workers.setdefault(access.department_id, []).append(access.agent)
    return workers


def _topic_assignee(topic: HelpTopic, granted: dict[int, set[int]]) -> Agent | None:
    # As open_ticket does: a topic's auto-assignee without access to its department is not given the ticket.
    assignee = topic.assignee
    if assignee is None:
        return None
    allowed = assignee.user.is_superuser or assignee.pk in granted.get(topic.department_id, set())
    return assignee if allowed else None


def _colleagues(customers: list[User]) -> dict[int, list[User]]:
    colleagues: dict[int, list[User]] = {}
    for customer in customers:
        if customer.organization_id:
            colleagues.setdefault(customer.organization_id, []).append(customer)
    return colleagues


# --- the knowledge base and the example mailbox -------------------------------------------------


class FaqSpec(NamedTuple):
    category: str
    question: str
    answer: str
    keywords: str
    topics: list[str]
    is_public: bool = True


FAQ_CATEGORIES = [
    ("Getting started", "Opening tickets and following them up.", True),
    ("Billing and payments", "Invoices, payment methods and refunds.", True),
    ("Account and security", "Passwords, two-factor login and locked accounts.", True),
    ("Internal procedures", "How we handle special cases. Agents only.", False),
]

FAQS = [
    FaqSpec(
        "Getting started",
        "How do I open a support ticket?",
        "<p>Use the <strong>Open a ticket</strong> form on this site, or simply write to support@sportello.test. "
        "Choose the help topic that fits best: it sends your request straight to the right team.</p>"
        "<p>You will receive a confirmation with your ticket number within a few minutes.</p>",
        "new ticket, contact, support",
        ["General question"],
    ),
    FaqSpec(
        "Getting started",
        "How can I check the status of my ticket?",
        "<p>Every e-mail we send contains a link to your ticket. You can also sign in and open "
        "<em>My tickets</em> to see all your requests and their replies.</p>",
        "status, follow up, my tickets",
        ["General question"],
    ),
    FaqSpec(
        "Getting started",
        "Can I add a colleague to my ticket?",
        "<p>Yes. Copy your colleague (CC) when you write to us, or ask the agent to add them. People in CC "
        "receive every public reply and may answer too.</p>",
        "cc, colleague, share",
        ["General question"],
    ),
    FaqSpec(
        "Billing and payments",
        "Where can I download my invoices?",
        "<p>Sign in, open <em>Account &gt; Billing</em> and pick the invoice. Each invoice can be downloaded "
        "as PDF. If you need a corrected invoice, open a ticket with the help topic <em>Billing question</em>.</p>",
        "invoice, pdf, download",
        ["Billing question"],
    ),
    FaqSpec(
        "Billing and payments",
        "Which payment methods do you accept?",
        "<p>We accept credit and debit cards, SEPA direct debit and bank transfer for annual plans.</p>",
        "payment, card, sepa, transfer",
        ["Billing question"],
    ),
    FaqSpec(
        "Billing and payments",
        "How long does a refund take?",
        "<p>Approved refunds are sent within 3 working days. Depending on your bank it can take another "
        "5 to 10 days before the money shows on your statement.</p>",
        "refund, money back",
        ["Refund request"],
    ),
    FaqSpec(
        "Account and security",
        "I forgot my password. What should I do?",
        "<p>Click <em>Forgot your password?</em> on the sign-in page and enter your e-mail address. The link "
        "we send is valid for one hour. Check your spam folder if it does not arrive.</p>",
        "password, reset, forgot",
        ["Account access"],
    ),
    FaqSpec(
        "Account and security",
        "How do I turn on two-factor authentication?",
        "<p>Open <em>Profile &gt; Security</em>, choose <em>Turn on two-factor login</em> and scan the QR code "
        "with an authenticator app. Keep the backup codes somewhere safe.</p>",
        "2fa, two-factor, authenticator, otp",
        ["Account access"],
    ),
    FaqSpec(
        "Account and security",
        "Unlocking an account after too many failed logins",
        "<p>Accounts unlock by themselves after 15 minutes. If the customer cannot wait, verify their identity "
        "by phone before resetting the lock from the admin.</p>",
        "locked, lockout, axes",
        ["Account access"],
        is_public=False,
    ),
    FaqSpec(
        "Internal procedures",
        "When to escalate a ticket to the Escalations team",
        "<p>Escalate when a problem affects several customers, when data may be lost, or when a ticket has "
        "waited for a fix for more than two working days. Assign the team and add a note with what you checked.</p>",
        "escalate, team, procedure",
        ["Technical problem"],
    ),
    FaqSpec(
        "Internal procedures",
        "Refund approval limits",
        "<p>Agents may approve refunds up to 200 EUR. Larger refunds need a manager's approval recorded in an "
        "internal note before the customer is told.</p>",
        "refund, approval, limit",
        ["Refund request"],
    ),
]


class CannedSpec(NamedTuple):
    title: str
    body: str
    department: str = ""


CANNED = [
    CannedSpec(
        "Acknowledge receipt",
        "Hi {{ requester.name }},\n\nThank you for contacting us. Your request is ticket #{{ ticket.number }} "
        "and we will get back to you shortly.\n\n{{ agent.signature }}",
    ),
    CannedSpec(
        "Ask for more information",
        "Hi {{ requester.name }},\n\nTo look into ticket #{{ ticket.number }} we need a little more information: "
        "could you send us a screenshot and the steps that lead to the problem?\n\n{{ agent.signature }}",
    ),
    CannedSpec(
        "Resolved, closing",
        "Hi {{ requester.name }},\n\nWe believe ticket #{{ ticket.number }} is now resolved, so we are closing it. "
        "Reply to this message if anything is still not right and it will reopen.\n\n{{ agent.signature }}",
    ),
    CannedSpec(
        "Escalated to our specialists",
        "Hi {{ requester.name }},\n\nWe have passed ticket #{{ ticket.number }} to our specialists and will "
        "update you as soon as we hear from them.\n\n{{ agent.signature }}",
        "Support",
    ),
    CannedSpec(
        "Refund processed",
        "Hi {{ requester.name }},\n\nYour refund has been approved and sent today. Depending on your bank it can "
        "take 5 to 10 days to appear on your statement.\n\n{{ agent.signature }}",
        "Billing",
    ),
    CannedSpec(
        "Corrected invoice attached",
        "Hi {{ requester.name }},\n\nPlease find the corrected invoice in your account under Billing. "
        "The previous one has been cancelled.\n\n{{ agent.signature }}",
        "Billing",
    ),
    CannedSpec(
        "Password reset instructions",
        'Hi {{ requester.name }},\n\nPlease use the "Forgot your password?" link on the sign-in page. The link '
        "we send is valid for one hour.\n\n{{ agent.signature }}",
        "IT",
    ),
]


def _knowledge_base(topics: dict[str, HelpTopic], departments: dict[str, Department]) -> None:
    categories = {
        name: Category.objects.get_or_create(name=name, defaults={"description": text, "is_public": public})[0]
        for name, text, public in FAQ_CATEGORIES
    }
    for spec in FAQS:
        faq, created = Faq.objects.get_or_create(
            category=categories[spec.category],
            question=spec.question,
            defaults={"answer": spec.answer, "keywords": spec.keywords, "is_public": spec.is_public},
        )
        if created:
            faq.help_topics.add(*(topics[name] for name in spec.topics))
    for canned in CANNED:
        CannedResponse.objects.get_or_create(
            title=canned.title, department=departments.get(canned.department), defaults={"body": canned.body}
        )


def _mailbox(department: Department, topic: HelpTopic) -> None:
    # Disabled: it only shows admins a filled-in form. The server does not exist.
    Mailbox.objects.get_or_create(
        name="Support inbox (example)",
        defaults={
            "email": department.email,
            "protocol": Mailbox.Protocol.IMAP,
            "host": "localhost",
            "port": 993,
            "security": Mailbox.Security.SSL,
            "username": department.email,
            "department": department,
            "help_topic": topic,
            "is_active": False,
        },
    )


# --- planning a ticket's life --------------------------------------------------------------------


class Act(StrEnum):
    ASSIGN = "assign"
    PRIORITY = "priority"
    NOTE = "note"
    REPLY = "reply"
    MESSAGE = "message"
    TASK = "task"
    COMPLETE_TASK = "complete_task"
    CLOSE = "close"
    SEEN = "seen"


@dataclass(frozen=True)
class Opening:
    requester: User
    actor: User
    topic: HelpTopic
    subject: str
    body: str
    source: str
    ticket_type: str
    priority: int | None
    cc: tuple[User, ...]
    custom_fields: dict[str, str]
    at: datetime


@dataclass(frozen=True)
class Step:
    act: Act
    at: datetime
    actor: User
    body: str = ""
    status: Status | None = None
    agent: Agent | None = None
    team: Team | None = None
    priority: int | None = None


@dataclass(frozen=True)
class TicketPlan:
    opening: Opening
    steps: list[Step]


def rng_for(seed: int, index: int) -> random.Random:
    """The generator of ticket ``index``: the same seed plans the same tickets, also when topping up."""
    return random.Random(f"{seed}:{index}")  # noqa: S311 (demo data, not security)


def plan_ticket(rng: random.Random, cast: Cast, *, now: datetime, rich: bool = True) -> TicketPlan:
    """Plan one ticket: its opening and what happens to it until ``now``.

    ``rich`` plans also tasks and reopened tickets, which only the service path plays.
    """
    opening = _plan_opening(rng, cast, now)
    story = _Story(rng, cast, opening, limit=now - timedelta(minutes=5), rich=rich)
    story.triage()
    story.conversation()
    story.resolution(age=now - opening.at)
    return TicketPlan(opening, story.steps)


def _plan_opening(rng: random.Random, cast: Cast, now: datetime) -> Opening:
    topic = rng.choices(cast.topics, weights=[_topic_weight(topic) for topic in cast.topics])[0]
    requester = rng.choice(cast.customers)
    subject, body = rng.choice(OPENINGS.get(topic.name) or OPENINGS["General question"])
    source = rng.choices(SOURCES, weights=SOURCE_WEIGHTS)[0]
    agent = rng.choice(cast.workers[topic.department_id])
    return Opening(
        requester=requester,
        actor=agent.user if source == Source.PHONE else requester,
        topic=topic,
        subject=subject,
        body=_message(requester.get_short_name(), body),
        source=source,
        ticket_type=rng.choices(TYPES, weights=TYPE_WEIGHTS)[0],
        priority=Priority.URGENT if rng.random() < 0.04 else None,
        cc=_plan_cc(rng, cast, requester),
        custom_fields={
            item["name"]: f"{item['name'][:3].upper()}-{rng.randrange(10000, 99999)}" for item in topic.fields
        },
        at=_opening_time(rng, now),
    )


def _topic_weight(topic: HelpTopic) -> int:
    return next((spec.weight for spec in TOPICS if spec.name == topic.name), 1)


def _plan_cc(rng: random.Random, cast: Cast, requester: User) -> tuple[User, ...]:
    colleagues = [c for c in cast.colleagues.get(requester.organization_id or 0, []) if c.pk != requester.pk]
    if colleagues and rng.random() < 0.15:
        return (rng.choice(colleagues),)
    return ()


def _opening_time(rng: random.Random, now: datetime) -> datetime:
    day = timezone.localtime(now - timedelta(days=rng.uniform(0, DAYS - 3)))
    if day.weekday() >= 5 and rng.random() < 0.7:
        day -= timedelta(days=day.weekday() - 4)  # most weekend mail is really Friday's
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    moment = day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)
    limit = now - timedelta(minutes=10)
    return moment if moment < limit else limit - timedelta(minutes=rng.uniform(0, 600))


class _Story:
    """The steps of one ticket, with just enough state to keep every step legal for the services."""

    def __init__(self, rng: random.Random, cast: Cast, opening: Opening, *, limit: datetime, rich: bool) -> None:
        self.rng, self.cast, self.opening, self.limit, self.rich = rng, cast, opening, limit, rich
        self.clock = opening.at
        self.steps: list[Step] = []
        self.stopped = False
        topic = opening.topic
        self.workers = cast.workers[topic.department_id]
        self.assignee = cast.topic_assignees.get(topic.pk)
        self.team = topic.team
        self.priority = opening.priority or topic.priority
        self.last_public: str = Entry.MESSAGE
        self.closed = False
        self.open_tasks = 0

    def add(self, act: Act, hours: tuple[float, float], actor: User, **details: Any) -> bool:
        """Plan a step some hours after the previous one; once past the limit, the story ends there."""
        if self.stopped:
            return False
        moment = self.clock + timedelta(hours=self.rng.uniform(*hours))
        if moment > self.limit:
            self.stopped = True
            return False
        self.clock = moment
        self.steps.append(Step(act, moment, actor, **details))
        return True

    def worker(self) -> Agent:
        """The assignee, if they may do the work, else any agent of the department."""
        if self.assignee is not None and self.assignee in self.workers:
            return self.assignee
        return self.rng.choice(self.workers)

    def triage(self) -> None:
        if self.assignee is None and self.rng.random() < 0.75:
            agent, by = self.rng.choice(self.workers), self.rng.choice(self.workers)
            if self.add(Act.ASSIGN, (0.1, 3), by.user, agent=agent, team=self.team):
                self.assignee = agent
        if self.rng.random() < 0.15:
            priority = self.rng.choice([p for p in Priority.values if p != self.priority])
            if self.add(Act.PRIORITY, (0.05, 1), self.worker().user, priority=priority):
                self.priority = priority
        if self.rng.random() < 0.2:
            self.add(Act.NOTE, (0.1, 4), self.worker().user, body=self.rng.choice(NOTES))
        if self.rich and self.rng.random() < 0.12:
            self.task()

    def task(self) -> None:
        title, body = self.rng.choice(TASKS)
        assignee = self.rng.choice(self.cast.agents)
        if self.add(Act.TASK, (0.1, 2), self.worker().user, body=f"{title}\n{body}", agent=assignee):
            self.open_tasks += 1

    def conversation(self) -> None:
        for _ in range(3):
            status = self.rng.choice([None, self.cast.statuses.in_progress, self.cast.statuses.awaiting])
            texts = REPLIES.get(self.opening.topic.department.name) or REPLIES["Support"]
            if self.rng.random() > 0.9 or not self.reply(self.rng.choice(texts), status):
                return
            if self.rng.random() > 0.45 or not self.customer_writes():
                return

    def reply(self, text: str, status: Status | None = None, hours: tuple[float, float] | None = None) -> bool:
        agent = self.worker()
        hours = hours or ((0.2, 3) if self.priority >= Priority.HIGH else (0.5, 20))
        body = _reply(self.opening.requester.get_short_name(), text, agent)
        if not self.add(Act.REPLY, hours, agent.user, body=body, status=status):
            return False
        self.last_public = Entry.RESPONSE
        self.closed = bool(status and status.is_closed)
        return True

    def customer_writes(self, texts: Sequence[str] = FOLLOW_UPS) -> bool:
        author = self.rng.choice([self.opening.requester, *self.opening.cc])
        body = _message(author.get_short_name(), self.rng.choice(texts))
        if not self.add(Act.MESSAGE, (1, 48), author, body=body):
            return False
        self.last_public = Entry.MESSAGE
        self.closed = False  # a message reopens a closed ticket
        return True

    def resolution(self, age: timedelta) -> None:
        if self.rng.random() > _close_chance(age):
            if self.open_tasks and self.rng.random() < 0.5:
                self.complete_tasks()
            if self.last_public == Entry.MESSAGE and self.rng.random() < 0.5:
                self.add(Act.SEEN, (0.1, 2), self.worker().user)
            return
        self.close()
        if self.rich and self.closed and self.rng.random() < 0.08 and self.customer_writes():
            self.close()

    def complete_tasks(self) -> None:
        while self.open_tasks and self.add(Act.COMPLETE_TASK, (1, 24), self.worker().user):
            self.open_tasks -= 1

    def close(self) -> None:
        self.complete_tasks()
        if self.open_tasks:
            return
        status = self.rng.choice([self.cast.statuses.resolved, self.cast.statuses.closed])
        if self.last_public == Entry.RESPONSE and self.rng.random() < 0.45:
            if self.customer_writes(THANKS):
                self.reply(self.rng.choice(CLOSING_AFTER_THANKS), status)
        elif self.last_public == Entry.MESSAGE:
            self.reply(self.rng.choice(CLOSING_FIXED), status)
        elif self.rng.random() < 0.3:
            self.reply(self.rng.choice(CLOSING_NO_ANSWER), status, hours=(48, 120))
        elif self.add(Act.CLOSE, (2, 72), self.worker().user, status=status):
            self.closed = True


def _close_chance(age: timedelta) -> float:
    if age < timedelta(days=1):
        return 0.05
    if age < timedelta(days=3):
        return 0.3
    if age < timedelta(days=10):
        return 0.65
    if age < timedelta(days=30):
        return 0.7
    return 0.9


# --- playing a plan through the services ---------------------------------------------------------


def seed_tickets(
    cast: Cast,
    *,
    count: int,
    start: int,
    seed: int,
    now: datetime | None = None,
    on_progress: Callable[[int], object] | None = None,
) -> int:
    """Build tickets ``start`` .. ``start + count - 1`` through the services. Returns how many were built.

    Their stories end before ``now`` (default: the wall clock), which must not lie in the future.
    """
    now = now or timezone.now()
    for index in range(start, start + count):
        build_ticket(plan_ticket(rng_for(seed, index), cast, now=now), started=now)
        if on_progress:
            on_progress(1)
    return count


def build_ticket(plan: TicketPlan, *, started: datetime) -> Ticket:
    """Play a plan through the services, then move what they stamped "now" back to the planned moment.

    ``started`` is later than every planned moment and earlier than every real one.
    """
    with transaction.atomic():
        ticket = _open(plan.opening)
        tasks: list[Task] = []
        for step in plan.steps:
            _PLAY[step.act](ticket, step, tasks)
            if step.act not in _TIMED_BY_SERVICE:
                _restamp(ticket, started, step.at)
        _settle(ticket)
        _flag_overdue_at_due_time(ticket, now=started)
    return ticket


def _open(opening: Opening) -> Ticket:
    return services.open_ticket(
        requester=opening.requester,
        actor=opening.actor,
        subject=opening.subject,
        body=opening.body,
        help_topic=opening.topic,
        source=opening.source,
        priority=opening.priority,
        ticket_type=opening.ticket_type,
        cc=opening.cc,
        custom_fields=opening.custom_fields,
        at=opening.at,
    )


def _play_assign(ticket: Ticket, step: Step, tasks: list[Task]) -> None:
    services.assign(ticket=ticket, actor=step.actor, agent=step.agent, team=step.team)


def _play_priority(ticket: Ticket, step: Step, tasks: list[Task]) -> None:
    services.set_priority(ticket=ticket, actor=step.actor, priority=step.priority or Priority.NORMAL)


def _play_note(ticket: Ticket, step: Step, tasks: list[Task]) -> None:
    services.post_note(ticket=ticket, actor=step.actor, body=step.body, at=step.at)


def _play_reply(ticket: Ticket, step: Step, tasks: list[Task]) -> None:
    services.post_reply(ticket=ticket, actor=step.actor, body=step.body, status=step.status, at=step.at)


def _play_message(ticket: Ticket, step: Step, tasks: list[Task]) -> None:
    services.post_message(ticket=ticket, author=step.actor, body=step.body, source=ticket.source, at=step.at)


def _play_task(ticket: Ticket, step: Step, tasks: list[Task]) -> None:
    title, _, body = step.body.partition("\n")
    due = step.at + timedelta(days=2)
    tasks.append(
        task_services.create_task(
            actor=step.actor, ticket=ticket, title=title, body=body, assignee=step.agent, due_at=due
        )
    )


def _play_complete_task(ticket: Ticket, step: Step, tasks: list[Task]) -> None:
    task = next(task for task in tasks if task.is_open)
    tasks[tasks.index(task)] = task_services.complete_task(task=task, actor=step.actor)


def _play_close(ticket: Ticket, step: Step, tasks: list[Task]) -> None:
    services.close(ticket=ticket, actor=step.actor, status=step.status)


def _play_seen(ticket: Ticket, step: Step, tasks: list[Task]) -> None:
    services.mark_seen(ticket=ticket, actor=step.actor)


_PLAY: dict[Act, Callable[[Ticket, Step, list[Task]], None]] = {
    Act.ASSIGN: _play_assign,
    Act.PRIORITY: _play_priority,
    Act.NOTE: _play_note,
    Act.REPLY: _play_reply,
    Act.MESSAGE: _play_message,
    Act.TASK: _play_task,
    Act.COMPLETE_TASK: _play_complete_task,
    Act.CLOSE: _play_close,
    Act.SEEN: _play_seen,
}
# These services take ``at=``; the others stamp the wall clock, which _restamp moves back. SEEN writes no time.
_TIMED_BY_SERVICE = {Act.NOTE, Act.REPLY, Act.MESSAGE, Act.SEEN}


def _restamp(ticket: Ticket, started: datetime, at: datetime) -> None:
    TicketEvent.objects.filter(ticket=ticket, at__gte=started).update(at=at)
    Task.objects.filter(ticket=ticket, created_at__gte=started).update(created_at=at)
    Task.objects.filter(ticket=ticket, completed_at__gte=started).update(completed_at=at)
    TaskEvent.objects.filter(task__ticket=ticket, at__gte=started).update(at=at)


def _settle(ticket: Ticket) -> None:
    """Point last_activity_at and closed_at at the (restamped) events they stand for."""
    ticket.refresh_from_db()
    events = TicketEvent.objects.filter(ticket=ticket)
    ticket.last_activity_at = events.aggregate(at=Max("at"))["at"]
    if ticket.is_closed:
        ticket.closed_at = events.filter(kind=Kind.CLOSED).aggregate(at=Max("at"))["at"]
    Ticket.objects.filter(pk=ticket.pk).update(last_activity_at=ticket.last_activity_at, closed_at=ticket.closed_at)


def overdue_since(ticket: Ticket, now: datetime) -> datetime | None:
    """When the overdue sweep would have flagged the ticket: its due date, if it passed while it was open."""
    if ticket.due_at is None or ticket.due_at >= (ticket.closed_at or now):
        return None
    return ticket.due_at


def _flag_overdue_at_due_time(ticket: Ticket, *, now: datetime) -> None:
    # services.mark_overdue sweeps every ticket at once and stamps "now"; this writes the same flag and
    # event for one ticket, at the moment the periodic sweep would have seen it (also if closed since).
    due = overdue_since(ticket, now)
    if due is None:
        return
    ticket.is_overdue = True
    Ticket.objects.filter(pk=ticket.pk).update(is_overdue=True)
    TicketEvent.objects.create(ticket=ticket, kind=Kind.OVERDUE, at=due, data={"due_at": str(due)})


# --- large counts: the same plans folded into rows ---------------------------------------------


def bulk_seed_tickets(
    cast: Cast,
    *,
    count: int,
    start: int,
    seed: int,
    now: datetime | None = None,
    batch_size: int = 2000,
    on_progress: Callable[[int], object] | None = None,
) -> int:
    """Write tickets ``start`` .. ``start + count - 1`` with bulk inserts, one transaction per batch.

    The rows are what the services would have written for plans without tasks or reopening.
    """
    now = now or timezone.now()
    numbers = fresh_numbers(random.Random(f"{seed}:numbers:{start}"), count)  # noqa: S311 (demo data)
    for offset in range(0, count, batch_size):
        indexes = range(start + offset, start + min(offset + batch_size, count))
        rows = [
            TicketRows(plan_ticket(rng_for(seed, index), cast, now=now, rich=False), cast, numbers[index - start], now)
            for index in indexes
        ]
        with transaction.atomic():
            _insert(rows)
        # With DEBUG on, Django keeps the text of every query; these are megabytes each.
        reset_queries()
        if on_progress:
            on_progress(len(rows))
    return count


def fresh_numbers(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct ticket numbers no ticket has yet, with digits enough to keep the space sparse."""
    taken = set(Ticket.objects.values_list("number", flat=True))
    digits = settings.TICKET_NUMBER_DIGITS
    while 9 * 10 ** (digits - 1) < 10 * (count + len(taken)):
        digits += 1
    low = 10 ** (digits - 1)
    drawn = (str(number) for number in rng.sample(range(low, 10 * low), count + len(taken)))
    return [number for number in drawn if number not in taken][:count]


@lru_cache(maxsize=4096)
def _safe_body(text: str) -> tuple[str, str]:
    return to_safe_body(text, is_html=False)


class DbValues(NamedTuple):
    """How the default database wants datetimes and JSON, looked up once per batch rather than per value."""

    time: Callable[[datetime], Any]
    json: Callable[[Any], Any]

    @classmethod
    def current(cls) -> DbValues:
        database = connections[DEFAULT_DB_ALIAS]
        data = TicketEvent._meta.get_field("data")
        return cls(
            time=database.ops.adapt_datetimefield_value, json=partial(data.get_db_prep_save, connection=database)
        )


# The columns of the tuples below: every column without a database default, in this order.
ENTRY_FIELDS = (
    "ticket", "kind", "author", "author_name", "body", "body_text", "quoted", "source", "message_id", "created_at",
)  # fmt: skip
EVENT_FIELDS = ("ticket", "actor", "kind", "data", "at")


class EntryRow(NamedTuple):
    """A thread entry to insert, as open_ticket, post_message, post_reply and post_note write it."""

    kind: str
    author: User
    body: str
    body_text: str
    source: str
    created_at: datetime

    def values(self, ticket_id: int, db: DbValues) -> tuple[Any, ...]:
        """The values for ENTRY_FIELDS."""
        author, at = self.author, db.time(self.created_at)
        return (
            ticket_id,
            self.kind,
            author.pk,
            author.display_name,
            self.body,
            self.body_text,
            "",
            self.source,
            "",
            at,
        )


class EventRow(NamedTuple):
    """A ticket event to insert; ``entry`` is the index of the thread entry it is about, if any."""

    actor: User | None
    kind: str
    at: datetime
    data: dict[str, Any]
    entry: int | None

    def values(self, ticket_id: int, entry_ids: Sequence[int], first: int, db: DbValues) -> tuple[Any, ...]:
        """The values for EVENT_FIELDS; ``entry_ids[first:]`` are the ids of this ticket's entries."""
        data = self.data if self.entry is None else {"entry": entry_ids[first + self.entry], **self.data}
        return (ticket_id, self.actor.pk if self.actor else None, self.kind, db.json(data), db.time(self.at))


def _insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]], *, returning: bool = False
) -> list[int]:
    """Insert rows of values already adapted for the database; with ``returning``, their new ids in order.

    bulk_create spends most of its time turning model instances into parameters; these rows skip that.
    """
    if returning and not connection.features.can_return_rows_from_bulk_insert:
        raise NotSupportedError("Bulk seeding needs a database that returns ids from bulk inserts.")
    meta, quote = model._meta, connection.ops.quote_name
    column = {field.name: field.column for field in meta.concrete_fields}
    columns = ", ".join(quote(column[name]) for name in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = min(BULK_INSERT_ROWS, (connection.features.max_query_params or 65535) // len(fields))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            # Only identifiers from the model's own metadata go into the text; the values are parameters.
            sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([row_sql] * len(chunk))}"  # noqa: S608
            if returning:
                sql += f" RETURNING {quote(meta.pk.column)}"
            cursor.execute(sql, [value for row in chunk for value in row])
            if returning:
                ids += [row[0] for row in cursor.fetchall()]
    return ids


class TicketRows:
    """One planned ticket as unsaved rows, written the way the services write them."""

    def __init__(self, plan: TicketPlan, cast: Cast, number: str, now: datetime) -> None:
        self.cast = cast
        self.entries: list[EntryRow] = []
        self.events: list[EventRow] = []
        opening = plan.opening
        self.cc = list(opening.cc)
        self.ticket = self._ticket(opening, number)
        self.entry(Entry.MESSAGE, opening.requester, opening.body, opening.source, opening.at)
        self.event(
            opening.actor,
            Kind.CREATED,
            opening.at,
            source=opening.source,
            department=opening.topic.department.name,
            status=self.ticket.status.name,
            cc=[user.email for user in self.cc],
        )
        if self.ticket.assignee_id or self.ticket.team_id:
            self.event(None, Kind.ASSIGNED, opening.at, before=None, after=self.assignment(), by_topic=True)
        for step in plan.steps:
            _FOLD[step.act](self, step)
        due = overdue_since(self.ticket, now)
        if due is not None:
            self.ticket.is_overdue = True
            self.event(None, Kind.OVERDUE, due, due_at=str(due))

    def _ticket(self, opening: Opening, number: str) -> Ticket:
        topic = opening.topic
        sla = topic.sla or topic.department.sla
        initial = topic.initial_status
        return Ticket(
            number=number,
            subject=opening.subject,
            requester=opening.requester,
            department=topic.department,
            help_topic=topic,
            status=initial if initial and initial.state == State.OPEN else self.cast.statuses.open,
            state=State.OPEN,
            priority=opening.priority or topic.priority,
            type=opening.ticket_type,
            source=opening.source,
            sla=sla,
            due_at=sla.due_after(opening.at) if sla else None,
            team=topic.team,
            assignee=self.cast.topic_assignees.get(topic.pk),
            activity=Activity.UNREAD,
            unread_count=1,
            custom_fields=opening.custom_fields,
            created_at=opening.at,
            last_message_at=opening.at,
            last_activity_at=opening.at,
        )

    def entry(self, kind: str, author: User, body: str, source: str, at: datetime) -> int:
        """Add a thread entry; returns its index among the ticket's entries."""
        html, text = _safe_body(body)
        self.entries.append(EntryRow(kind, author, html, text, source, at))
        self.ticket.last_activity_at = at
        return len(self.entries) - 1

    def event(self, actor: User | None, kind: str, at: datetime, entry: int | None = None, **data: Any) -> None:
        self.events.append(EventRow(actor, kind, at, data, entry))
        if kind != Kind.OVERDUE:
            self.ticket.last_activity_at = at

    def assignment(self) -> dict[str, str | None]:
        ticket = self.ticket
        return {
            "agent": ticket.assignee.name if ticket.assignee else None,
            "team": ticket.team.name if ticket.team else None,
        }

    def change_status(self, actor: User, status: Status, at: datetime, **data: Any) -> None:
        """What services._change_status writes."""
        ticket = self.ticket
        before, was = ticket.status.name, ticket.state
        ticket.status, ticket.state = status, status.state
        if status.is_closed and was == State.OPEN:
            ticket.closed_at, ticket.activity, ticket.unread_count = at, Activity.READ, 0
            kind = Kind.CLOSED
        elif not status.is_closed and was == State.CLOSED:
            ticket.closed_at, kind = None, Kind.REOPENED
        else:
            kind = Kind.STATUS
        self.event(actor, kind, at, before=before, after=status.name, **data)


def _fold_assign(rows: TicketRows, step: Step) -> None:
    before = rows.assignment()
    rows.ticket.assignee, rows.ticket.team = step.agent, step.team
    rows.event(step.actor, Kind.ASSIGNED, step.at, before=before, after=rows.assignment())


def _fold_priority(rows: TicketRows, step: Step) -> None:
    before, rows.ticket.priority = rows.ticket.priority, step.priority or Priority.NORMAL
    rows.event(step.actor, Kind.PRIORITY, step.at, before=before, after=rows.ticket.priority)


def _fold_note(rows: TicketRows, step: Step) -> None:
    entry = rows.entry(Entry.NOTE, step.actor, step.body, Source.STAFF, step.at)
    rows.event(step.actor, Kind.NOTE, step.at, entry)


def _fold_reply(rows: TicketRows, step: Step) -> None:
    ticket = rows.ticket
    entry = rows.entry(Entry.RESPONSE, step.actor, step.body, Source.STAFF, step.at)
    ticket.is_answered, ticket.last_response_at = True, step.at
    ticket.activity, ticket.unread_count = Activity.AWAITING_CUSTOMER, 0
    rows.event(step.actor, Kind.RESPONSE, step.at, entry)
    if step.status is not None and step.status.pk != ticket.status.pk:
        rows.change_status(step.actor, step.status, step.at)
    elif step.status is None and settings.AUTOMATION_AWAIT_CUSTOMER_ON_REPLY:
        awaiting = rows.cast.statuses.awaiting
        named = awaiting.name == settings.AUTOMATION_AWAITING_STATUS and awaiting.pk != ticket.status.pk
        if named and ticket.status.is_default and ticket.state == State.OPEN:
            rows.change_status(step.actor, awaiting, step.at, automatic=True)


def _fold_message(rows: TicketRows, step: Step) -> None:
    ticket = rows.ticket
    if ticket.state == State.CLOSED:
        rows.change_status(step.actor, rows.cast.statuses.open, step.at)
    elif settings.AUTOMATION_REOPEN_ON_CUSTOMER_REPLY and ticket.status.name == settings.AUTOMATION_AWAITING_STATUS:
        rows.change_status(step.actor, rows.cast.statuses.open, step.at, automatic=True)
    entry = rows.entry(Entry.MESSAGE, step.actor, step.body, ticket.source, step.at)
    ticket.last_message_at, ticket.is_answered = step.at, False
    ticket.activity, ticket.unread_count = Activity.UNREAD, ticket.unread_count + 1
    rows.event(step.actor, Kind.MESSAGE, step.at, entry)


def _fold_close(rows: TicketRows, step: Step) -> None:
    rows.change_status(step.actor, step.status or rows.cast.statuses.closed, step.at)


def _fold_seen(rows: TicketRows, step: Step) -> None:
    ticket = rows.ticket
    ticket.unread_count = 0
    if ticket.activity == Activity.UNREAD:
        ticket.activity = Activity.AWAITING_AGENT


_FOLD: dict[Act, Callable[[TicketRows, Step], None]] = {
    Act.ASSIGN: _fold_assign,
    Act.PRIORITY: _fold_priority,
    Act.NOTE: _fold_note,
    Act.REPLY: _fold_reply,
    Act.MESSAGE: _fold_message,
    Act.CLOSE: _fold_close,
    Act.SEEN: _fold_seen,
}


def _insert(rows: Sequence[TicketRows]) -> None:
    Ticket.objects.bulk_create([row.ticket for row in rows], batch_size=BULK_INSERT_ROWS)
    db = DbValues.current()
    entries = [entry.values(row.ticket.pk, db) for row in rows for entry in row.entries]
    entry_ids = _insert_rows(ThreadEntry, ENTRY_FIELDS, entries, returning=True)
    events, first = [], 0
    for row in rows:
        events += [event.values(row.ticket.pk, entry_ids, first, db) for event in row.events]
        first += len(row.entries)
    _insert_rows(TicketEvent, EVENT_FIELDS, events)
    cc = Ticket.collaborators.through
    links = [cc(ticket_id=row.ticket.pk, user_id=user.pk) for row in rows for user in row.cc]
    cc.objects.bulk_create(links, batch_size=BULK_INSERT_ROWS)


# --- the logins to print ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    role: str  # "admin", "agent" or "customer"
    email: str
    password: str | None  # None once someone changed it


def logins(cast: Cast, passwords: Passwords) -> list[Login]:
    """The demo logins with their passwords, leaving out passwords that no longer work."""
    agent_emails = {spec.email for spec in AGENTS}
    people = [("admin", cast.admin, passwords.admin)]
    people += [("agent", agent.user, passwords.agent) for agent in cast.agents if agent.user.email in agent_emails]
    people += [("customer", user, passwords.customer) for user in cast.customers if user.email == CUSTOMER_EMAIL]
    return [
        Login(role, user.email, password if user.check_password(password) else None) for role, user, password in people
    ]
