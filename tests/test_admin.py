"""The Django admin: every page answers for the superuser, nobody else gets in, and the log stays read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, models
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from faq.models import CannedResponse, Category, Faq
from helpdesk.accounts.models import Agent, Department, DepartmentAccess, Organization, Role, Team, User
from helpdesk.mail.models import Mailbox
from tasks.models import Task, TaskEvent, TaskNote
from tests.conftest import PASSWORD
from tickets.models import Attachment, HelpTopic, SLAPlan, Status, ThreadEntry, Ticket, TicketEvent

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def admin_url(model: type[models.Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def make_ticket(number: str, requester: User, department: Department, **fields: Any) -> Ticket:
    return Ticket.objects.create(
        number=number,
        subject=f"Printer on fire {number}",
        requester=requester,
        department=department,
        status=Status.default_for("open"),
        **fields,
    )


@pytest.fixture
def mailbox(support: Department) -> Mailbox:
    return Mailbox.objects.create(
        name="Support inbox",
        email="support@example.com",
        host="imap.example.com",
        username="support",
        password="old-secret",
        department=support,
    )


@pytest.fixture
def one_of_each(admin_user, alice, carol, support, agent_role, mailbox) -> dict[type[models.Model], models.Model]:
    """One saved row of every model of ours, wired together the way services would."""
    ticket = make_ticket("100001", carol, support, assignee=alice)
    entry = ThreadEntry.objects.create(ticket=ticket, kind=ThreadEntry.Kind.MESSAGE, author=carol, body="<p>Help</p>")
    task = Task.objects.create(title="Call the vendor", ticket=ticket, department=support, assignee=alice)
    category = Category.objects.create(name="Printing")
    team = Team.objects.create(name="Printers", lead=alice)
    team.members.add(alice)
    return {
        User: carol,
        Organization: Organization.objects.create(name="Acme", domains="acme.test"),
        Department: support,
        Role: agent_role,
        Agent: alice,
        DepartmentAccess: DepartmentAccess.objects.get(agent=alice),
        Team: team,
        Status: Status.default_for("open"),
        SLAPlan: SLAPlan.objects.create(name="Standard"),
        HelpTopic: HelpTopic.objects.create(name="Printing", department=support),
        Ticket: ticket,
        ThreadEntry: entry,
        Attachment: Attachment.objects.create(entry=entry, file="2025/01/abc", name="log.txt", size=3),
        TicketEvent: TicketEvent.objects.create(ticket=ticket, actor=carol, kind=TicketEvent.Kind.CREATED),
        Task: task,
        TaskNote: TaskNote.objects.create(task=task, author=alice.user, body="<p>Ringing</p>"),
        TaskEvent: TaskEvent.objects.create(task=task, actor=alice.user, kind=TaskEvent.Kind.CREATED),
        Category: category,
        Faq: Faq.objects.create(category=category, question="Why is it on fire?", answer="<p>Toner.</p>"),
        CannedResponse: CannedResponse.objects.create(title="Thanks", body="Thank you, {{ requester.name }}."),
        Mailbox: mailbox,
    }


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_changelist_answers_for_the_superuser(admin_client: Client, model: type[models.Model]) -> None:
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "changelist"), {"q": "x"}).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_add_page_answers_where_adding_is_allowed(
    admin_client: Client, admin_user: User, rf: RequestFactory, model: type[models.Model]
) -> None:
    request = rf.get("/")
    request.user = admin_user
    allowed = admin.site._registry[model].has_add_permission(request)

    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == (200 if allowed else 403)


def test_every_model_of_ours_is_registered(one_of_each: dict[type[models.Model], models.Model]) -> None:
    assert set(one_of_each) <= set(admin.site._registry)


def test_every_change_page_answers_for_the_superuser(
    admin_client: Client, one_of_each: dict[type[models.Model], models.Model]
) -> None:
    for model, obj in one_of_each.items():
        response = admin_client.get(admin_url(model, "change", obj.pk))
        assert response.status_code == 200, model._meta.label


def test_staff_who_are_not_superusers_are_sent_to_the_login(client: Client, alice: Agent) -> None:
    client.force_login(alice.user)

    for url in (reverse("admin:index"), admin_url(Ticket, "changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_visitors_are_sent_to_the_login(client: Client) -> None:
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_ticket_events_cannot_be_added_changed_or_deleted(
    admin_client: Client, admin_user: User, rf: RequestFactory, carol: User, support: Department
) -> None:
    event = TicketEvent.objects.create(ticket=make_ticket("100002", carol, support), kind=TicketEvent.Kind.CREATED)
    request = rf.get("/")
    request.user = admin_user
    model_admin = admin.site._registry[TicketEvent]

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert admin_client.get(admin_url(TicketEvent, "add")).status_code == 403
    assert admin_client.post(admin_url(TicketEvent, "change", event.pk), {"kind": "closed"}).status_code == 403
    assert admin_client.post(admin_url(TicketEvent, "delete", event.pk), {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.kind == TicketEvent.Kind.CREATED


def test_tickets_cannot_be_added_in_the_admin(admin_client: Client) -> None:
    assert admin_client.get(admin_url(Ticket, "add")).status_code == 403


def test_ticket_changelist_makes_the_same_number_of_queries_for_many_tickets(
    admin_client: Client, alice: Agent, carol: User, support: Department
) -> None:
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(admin_url(Ticket, "changelist")).status_code == 200
        return len(queries)

    for number in range(3):
        make_ticket(f"2000{number:02d}", carol, support, assignee=alice)
    few = count_queries()
    for number in range(3, 30):
        make_ticket(f"2000{number:02d}", carol, support, assignee=alice)
    many = count_queries()

    assert many == few


def test_ticket_changelist_finds_a_ticket_by_number_and_requester_email(
    admin_client: Client, carol: User, dave: User, support: Department
) -> None:
    make_ticket("300001", carol, support)
    make_ticket("300002", dave, support)

    by_number = admin_client.get(admin_url(Ticket, "changelist"), {"q": "300001"})
    by_email = admin_client.get(admin_url(Ticket, "changelist"), {"q": "dave@stranger.test"})

    assert [t.number for t in by_number.context["cl"].result_list] == ["300001"]
    assert [t.number for t in by_email.context["cl"].result_list] == ["300002"]


def ticket_form(ticket: Ticket, **changes: Any) -> dict[str, Any]:
    """The ticket change form as the browser posts it, with no inline rows (the ticket has no entries)."""
    data: dict[str, Any] = {
        "subject": ticket.subject,
        "requester": ticket.requester_id,
        "department": ticket.department_id,
        "help_topic": "",
        "priority": ticket.priority,
        "type": ticket.type,
        "assignee": ticket.assignee_id or "",
        "team": "",
        "sla": "",
        "due_at_0": "",
        "due_at_1": "",
        "custom_fields": "{}",
    }
    for prefix in ("entries", "events"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": ""})
    return data | changes


def test_admin_changes_routing_fields_but_not_the_status(
    admin_client: Client, carol: User, support: Department
) -> None:
    ticket = make_ticket("400001", carol, support)
    closed = Status.default_for("closed")

    response = admin_client.post(
        admin_url(Ticket, "change", ticket.pk), ticket_form(ticket, priority=4, status=closed.pk)
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == 4
    assert ticket.status == Status.default_for("open")
    assert ticket.state == "open"
    assert ticket.closed_at is None


def test_admin_cannot_assign_an_agent_without_a_role_in_the_department(
    admin_client: Client, carol: User, support: Department, bob: Agent
) -> None:
    ticket = make_ticket("400002", carol, support)

    response = admin_client.post(admin_url(Ticket, "change", ticket.pk), ticket_form(ticket, assignee=bob.pk))

    assert response.status_code == 200
    assert "assignee" in response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_status_state_is_read_only_once_tickets_use_it(admin_client: Client, carol: User, support: Department) -> None:
    unused = Status.objects.get(name="In progress")
    used = Status.default_for("open")
    make_ticket("400003", carol, support)

    unused_form = admin_client.get(admin_url(Status, "change", unused.pk)).context["adminform"].form
    used_form = admin_client.get(admin_url(Status, "change", used.pk)).context["adminform"].form

    assert "state" in unused_form.fields
    assert "state" not in used_form.fields


def mailbox_form(mailbox: Mailbox, **changes: Any) -> dict[str, Any]:
    data = {
        "name": mailbox.name,
        "email": mailbox.email,
        "department": mailbox.department_id,
        "help_topic": "",
        "is_active": "on",
        "protocol": mailbox.protocol,
        "host": mailbox.host,
        "port": mailbox.port,
        "security": mailbox.security,
        "username": mailbox.username,
        "password": "",
        "folder": mailbox.folder,
        "after_import": mailbox.after_import,
        "move_to_folder": "",
    }
    return data | changes


def test_mailbox_keeps_its_password_when_the_field_is_left_empty(admin_client: Client, mailbox: Mailbox) -> None:
    response = admin_client.post(admin_url(Mailbox, "change", mailbox.pk), mailbox_form(mailbox, host="mail.test"))

    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.host == "mail.test"
    assert mailbox.password == "old-secret"


def test_mailbox_takes_a_new_password(admin_client: Client, mailbox: Mailbox) -> None:
    response = admin_client.post(admin_url(Mailbox, "change", mailbox.pk), mailbox_form(mailbox, password="new-one"))

    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.password == "new-one"


def test_mailbox_page_never_shows_the_password_and_shows_the_poll_state(admin_client: Client, mailbox: Mailbox) -> None:
    response = admin_client.get(admin_url(Mailbox, "change", mailbox.pk))

    form = response.context["adminform"].form
    assert 'type="password"' in str(form["password"])
    assert "old-secret" not in response.content.decode()
    assert {"last_polled_at", "last_error", "last_error_at"}.isdisjoint(form.fields)
    assert "last_error_at" in response.content.decode()


def test_mailbox_moving_messages_needs_a_folder(admin_client: Client, mailbox: Mailbox) -> None:
    response = admin_client.post(admin_url(Mailbox, "change", mailbox.pk), mailbox_form(mailbox, after_import="move"))

    assert response.status_code == 200
    assert "move_to_folder" in response.context["adminform"].form.errors


def test_admin_adds_a_user_by_email(admin_client: Client) -> None:
    response = admin_client.post(
        admin_url(User, "add"),
        {
            "email": "New.Person@Example.com",
            "name": "New Person",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.com")
    assert user.check_password(PASSWORD)
    assert not user.is_staff


def test_admin_cannot_add_a_second_user_with_the_same_email_in_other_case(admin_client: Client, carol: User) -> None:
    response = admin_client.post(
        admin_url(User, "add"),
        {"email": "CAROL@customer.test", "usable_password": "true", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="carol@customer.test").count() == 1


def test_user_change_page_links_to_a_working_password_change(admin_client: Client, carol: User) -> None:
    change = admin_client.get(admin_url(User, "change", carol.pk))
    assert 'href="../password/"' in change.content.decode()

    password_url = admin_url(User, "change", carol.pk).replace("/change/", "/password/")
    assert admin_client.get(password_url).status_code == 200
    response = admin_client.post(
        password_url, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"}
    )

    assert response.status_code == 302
    carol.refresh_from_db()
    assert carol.check_password("a-brand-new-passphrase")


def test_an_agent_profile_needs_a_staff_user(admin_client: Client, carol: User) -> None:
    response = admin_client.post(
        admin_url(Agent, "add"),
        {
            "user": carol.pk,
            "default_reply_type": "public",
            "page_size": 25,
            "access-TOTAL_FORMS": "0",
            "access-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not Agent.objects.filter(user=carol).exists()


def test_agent_page_shows_team_memberships(admin_client: Client, alice: Agent) -> None:
    Team.objects.create(name="Night shift").members.add(alice)

    response = admin_client.get(admin_url(Agent, "change", alice.pk))

    assert "Night shift" in response.content.decode()


def _save_through_admin(ticket: Ticket, admin_user: User, **changes: Any) -> Ticket:
    model_admin = admin.site._registry[Ticket]
    request = RequestFactory().post("/")
    request.user = admin_user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    form_class = model_admin.get_form(request, ticket)
    data = {**form_class(instance=ticket).initial, **changes}
    data = {key: value for key, value in data.items() if value is not None}
    form = form_class(data, instance=ticket)
    assert form.is_valid(), form.errors
    obj = form.save(commit=False)
    model_admin.save_model(request, obj, form, change=True)
    return obj


def test_routing_changes_in_the_admin_are_logged_like_any_other(ticket, admin_user, billing):
    _save_through_admin(ticket, admin_user, department=billing.pk, priority=4, subject="Renamed")

    kinds = set(ticket.events.values_list("kind", flat=True))
    assert {TicketEvent.Kind.TRANSFERRED, TicketEvent.Kind.PRIORITY, TicketEvent.Kind.TITLE} <= kinds


def test_a_plain_field_change_in_the_admin_writes_no_event(ticket, admin_user):
    sla = SLAPlan.objects.create(name="Gold", resolution_hours=8)

    _save_through_admin(ticket, admin_user, sla=sla.pk)

    ticket.refresh_from_db()
    assert ticket.sla == sla
    assert list(ticket.events.values_list("kind", flat=True)) == [TicketEvent.Kind.CREATED]
