"""Each filter action on a new ticket, the order of filters, stop processing, and who is filtered at all."""

import pytest

from faq.models import CannedResponse
from helpdesk.accounts.models import Team, User
from helpdesk.automation.models import FilterAction, FilterCondition
from tests.automation.conftest import make_filter
from tickets.models import Priority, SLAPlan, ThreadEntry, Ticket, TicketEvent, TicketType
from tickets.services import Rejected, open_ticket

Act = FilterAction.Kind
SUBJECT_HAS = (FilterCondition.Field.SUBJECT, FilterCondition.Operator.CONTAINS, "invoice")


def open_from(carol, support, subject="Invoice wrong", **kwargs):
    return open_ticket(requester=carol, subject=subject, body="The total is wrong.", department=support, **kwargs)


def test_set_department_routes_the_ticket_and_takes_that_departments_sla(carol, support, billing):
    billing.sla = SLAPlan.objects.create(name="Billing SLA", resolution_hours=8)
    billing.save()
    make_filter("To billing", [SUBJECT_HAS], [{"kind": Act.DEPARTMENT, "department": billing}])

    ticket = open_from(carol, support)

    assert ticket.department == billing
    assert ticket.sla == billing.sla
    assert ticket.due_at == billing.sla.due_after(ticket.created_at)


def test_set_priority_and_type(carol, support):
    make_filter(
        "Urgent problems",
        [SUBJECT_HAS],
        [{"kind": Act.PRIORITY, "priority": Priority.URGENT}, {"kind": Act.TYPE, "ticket_type": TicketType.PROBLEM}],
    )

    ticket = Ticket.objects.get(pk=open_from(carol, support).pk)

    assert (ticket.priority, ticket.type) == (Priority.URGENT, TicketType.PROBLEM)


def test_assign_to_team_and_agent(carol, support, alice):
    team = Team.objects.create(name="Invoices")
    make_filter("Assign", [SUBJECT_HAS], [{"kind": Act.TEAM, "team": team}, {"kind": Act.AGENT, "agent": alice}])

    ticket = Ticket.objects.get(pk=open_from(carol, support).pk)

    assert (ticket.team, ticket.assignee) == (team, alice)
    assigned = ticket.events.get(kind=TicketEvent.Kind.ASSIGNED)
    assert assigned.data["by_topic"] is False


def test_an_agent_without_access_to_the_department_is_not_assigned(carol, support, bob):
    make_filter("Assign bob", [SUBJECT_HAS], [{"kind": Act.AGENT, "agent": bob}])

    ticket = Ticket.objects.get(pk=open_from(carol, support).pk)

    assert ticket.assignee is None


def test_canned_reply_is_posted_filled_in_and_leaves_the_ticket_unanswered(carol, support):
    canned = CannedResponse.objects.create(title="Got it", body="Dear {{ requester.name }}, #{{ ticket.number }}.")
    make_filter("Ack", [SUBJECT_HAS], [{"kind": Act.CANNED_REPLY, "canned_response": canned}])

    ticket = Ticket.objects.get(pk=open_from(carol, support).pk)

    reply = ticket.entries.get(kind=ThreadEntry.Kind.RESPONSE)
    assert reply.body_text == f"Dear Carol Customer, #{ticket.number}."
    assert reply.author is None and reply.author_name == "Support"
    assert ticket.events.get(kind=TicketEvent.Kind.RESPONSE).data["automatic"] is True
    assert not ticket.is_answered


def test_add_collaborators_puts_known_and_new_people_in_cc(carol, support, dave):
    make_filter("CC", [SUBJECT_HAS], [{"kind": Act.COLLABORATORS, "emails": "Dave@stranger.test\nnew@acme.example"}])

    ticket = open_from(carol, support)

    new = User.objects.get(email="new@acme.example")
    assert set(ticket.collaborators.all()) == {dave, new}
    assert not new.has_usable_password()
    created = ticket.events.get(kind=TicketEvent.Kind.CREATED)
    assert sorted(created.data["cc"]) == ["dave@stranger.test", "new@acme.example"]


def test_reject_raises_and_saves_nothing(carol, support):
    make_filter("Spam", [SUBJECT_HAS], [{"kind": Act.REJECT}])

    with pytest.raises(Rejected) as refused:
        open_from(carol, support)

    assert refused.value.by_filter == "Spam"
    assert Ticket.objects.count() == 0


def test_matching_filters_are_named_in_the_created_event(carol, support):
    make_filter("Tag", [SUBJECT_HAS], [{"kind": Act.PRIORITY, "priority": Priority.HIGH}])

    ticket = open_from(carol, support)

    assert ticket.events.get(kind=TicketEvent.Kind.CREATED).data["filters"] == ["Tag"]


def test_filters_run_in_order_and_a_later_one_overrides(carol, support):
    make_filter("Second", [SUBJECT_HAS], [{"kind": Act.PRIORITY, "priority": Priority.LOW}], order=20)
    make_filter("First", [SUBJECT_HAS], [{"kind": Act.PRIORITY, "priority": Priority.URGENT}], order=10)

    ticket = open_from(carol, support)

    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.LOW
    assert ticket.events.get(kind=TicketEvent.Kind.CREATED).data["filters"] == ["First", "Second"]


def test_stop_processing_ends_the_run(carol, support):
    make_filter("First", [SUBJECT_HAS], [{"kind": Act.PRIORITY, "priority": Priority.URGENT}], stop_processing=True)
    make_filter("Reject later", [SUBJECT_HAS], [{"kind": Act.REJECT}], order=20)

    ticket = open_from(carol, support)

    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.URGENT


def test_a_stop_action_ends_the_run_after_its_own_filters_actions(carol, support):
    make_filter("Stop", [SUBJECT_HAS], [{"kind": Act.STOP}, {"kind": Act.PRIORITY, "priority": Priority.URGENT}])
    make_filter("Reject later", [SUBJECT_HAS], [{"kind": Act.REJECT}], order=20)

    ticket = open_from(carol, support)

    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.URGENT


def test_an_inactive_filter_does_nothing(carol, support):
    make_filter("Off", [SUBJECT_HAS], [{"kind": Act.REJECT}], is_active=False)

    assert open_from(carol, support).pk


def test_a_ticket_staff_open_for_a_customer_is_not_filtered(carol, support, alice):
    make_filter("Spam", [SUBJECT_HAS], [{"kind": Act.REJECT}])

    ticket = open_from(carol, support, actor=alice.user)

    assert ticket.pk


def test_the_mailbox_is_matched_when_the_channel_names_it(carol, support):
    from helpdesk.mail.models import Mailbox

    mailbox = Mailbox.objects.create(
        name="Sales", email="sales@helpdesk.example", host="imap.example", username="u", department=support
    )
    make_filter("Sales box", [("mailbox", "equals", "sales@helpdesk.example")], [{"kind": Act.REJECT}])

    assert open_from(carol, support, subject="Hello").pk
    with pytest.raises(Rejected):
        open_from(carol, support, subject="Hello", mailbox=mailbox)


def test_an_inactive_department_is_not_used(carol, support, billing):
    billing.is_active = False
    billing.save()
    make_filter("To billing", [SUBJECT_HAS], [{"kind": Act.DEPARTMENT, "department": billing}])

    assert open_from(carol, support).department == support


def test_the_activity_log_names_the_filters_applied(carol, support):
    from tickets.activity import activity_lines

    make_filter("Tag", [SUBJECT_HAS], [{"kind": Act.PRIORITY, "priority": Priority.HIGH}])

    ticket = open_from(carol, support)

    line = activity_lines(ticket.events.filter(kind=TicketEvent.Kind.CREATED))[0]
    assert line.text.endswith("; ticket filters applied: Tag")
