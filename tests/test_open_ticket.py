from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.accounts.models import Team
from tests.conftest import make_agent
from tickets.models import Activity, HelpTopic, Priority, SLAPlan, Source, State, Status, ThreadEntry, TicketEvent
from tickets.services import NewAttachment, NotAllowed, TicketError, open_ticket


def test_open_ticket_creates_first_message_and_created_event(carol, support):
    ticket = open_ticket(requester=carol, subject="  Cannot log in ", body="Help <me>", department=support)

    assert ticket.subject == "Cannot log in"
    assert ticket.status == Status.default_for(State.OPEN)
    assert ticket.state == State.OPEN
    assert ticket.activity == Activity.UNREAD
    assert ticket.unread_count == 1
    assert ticket.last_message_at == ticket.created_at
    assert not ticket.is_answered
    entry = ticket.entries.get()
    assert entry.kind == ThreadEntry.Kind.MESSAGE
    assert entry.author == carol
    assert entry.body == "<p>Help &lt;me&gt;</p>"
    assert ticket.events.get().kind == TicketEvent.Kind.CREATED


def test_ticket_numbers_are_six_random_digits_and_unique(carol, support):
    numbers = {open_ticket(requester=carol, subject=f"T{i}", body="x", department=support).number for i in range(20)}

    assert len(numbers) == 20
    assert all(len(number) == 6 and number.isdigit() for number in numbers)


def test_help_topic_routes_department_priority_sla_team_and_agent(carol, support, alice):
    sla = SLAPlan.objects.create(name="Fast", resolution_hours=4)
    team = Team.objects.create(name="First line")
    topic = HelpTopic.objects.create(
        name="Outage", department=support, priority=Priority.URGENT, sla=sla, team=team, assignee=alice
    )

    ticket = open_ticket(requester=carol, subject="Down", body="All down", help_topic=topic)

    assert ticket.department == support
    assert ticket.priority == Priority.URGENT
    assert ticket.sla == sla
    assert ticket.due_at == ticket.created_at + timedelta(hours=4)
    assert (ticket.team, ticket.assignee) == (team, alice)
    assert ticket.events.filter(kind=TicketEvent.Kind.ASSIGNED).exists()


def test_topic_assignee_without_department_access_is_not_given_the_ticket(carol, support, bob):
    topic = HelpTopic.objects.create(name="Odd", department=support, assignee=bob)

    ticket = open_ticket(requester=carol, subject="Hi", body="x", help_topic=topic)

    assert ticket.assignee is None


def test_department_sla_applies_when_topic_has_none(carol, support):
    support.sla = SLAPlan.objects.create(name="Day", resolution_hours=24)
    support.save()

    ticket = open_ticket(requester=carol, subject="Hi", body="x", department=support)

    assert ticket.due_at == ticket.created_at + timedelta(hours=24)


def test_cc_people_become_collaborators_but_not_the_requester(carol, dave, support):
    ticket = open_ticket(requester=carol, subject="Hi", body="x", department=support, cc=[dave, carol])

    assert list(ticket.collaborators.all()) == [dave]


def test_open_ticket_refuses_an_empty_subject(carol, support):
    with pytest.raises(TicketError, match="subject"):
        open_ticket(requester=carol, subject="   ", body="x", department=support)


def test_open_ticket_refuses_an_empty_message(carol, support):
    with pytest.raises(TicketError, match="empty"):
        open_ticket(requester=carol, subject="Hi", body="  ", department=support)


def test_open_ticket_needs_a_department_or_topic(carol):
    with pytest.raises(TicketError, match="department"):
        open_ticket(requester=carol, subject="Hi", body="x")


def test_agent_cannot_open_a_ticket_in_a_department_they_cannot_access(carol, billing, alice):
    with pytest.raises(NotAllowed):
        open_ticket(requester=carol, subject="Hi", body="x", department=billing, actor=alice.user, source=Source.PHONE)


def test_agent_opening_for_a_customer_is_the_created_events_actor(carol, support, alice):
    ticket = open_ticket(requester=carol, subject="Call", body="x", department=support, actor=alice.user)

    assert ticket.events.get(kind=TicketEvent.Kind.CREATED).actor == alice.user
    assert ticket.requester == carol


def test_hostile_html_is_sanitised(carol, support):
    ticket = open_ticket(
        requester=carol,
        subject="Hi",
        body='<p onclick="steal()">Hello<script>alert(1)</script><a href="javascript:x()">x</a></p>',
        is_html=True,
        department=support,
    )

    body = ticket.entries.get().body
    assert "script" not in body
    assert "onclick" not in body
    assert "javascript" not in body
    assert "Hello" in body


def test_attachments_are_stored_under_generated_names(carol, support):
    ticket = open_ticket(
        requester=carol,
        subject="Hi",
        body="see file",
        department=support,
        attachments=[NewAttachment(name="../../evil.php", content=b"<?php ?>", content_type="text/x-php")],
    )

    attachment = ticket.entries.get().attachments.get()
    assert attachment.name == "../../evil.php"
    assert attachment.safe_name == "evil.php"
    assert "evil" not in attachment.file.name
    assert not attachment.file.name.endswith(".php")
    assert attachment.file.read() == b"<?php ?>"


def test_oversized_attachment_is_refused_and_nothing_is_created(carol, support, settings):
    settings.ATTACHMENT_MAX_BYTES = 10

    with pytest.raises(TicketError, match="larger"):
        open_ticket(
            requester=carol,
            subject="Hi",
            body="x",
            department=support,
            attachments=[NewAttachment(name="big.bin", content=b"x" * 11)],
        )

    assert not carol.tickets.exists()


def test_opening_with_a_past_timestamp_keeps_the_timeline(carol, support):
    earlier = timezone.now() - timedelta(days=3)

    ticket = open_ticket(requester=carol, subject="Old", body="x", department=support, at=earlier)

    assert ticket.created_at == earlier
    assert ticket.entries.get().created_at == earlier


def test_superuser_without_agent_profile_may_open_in_any_department(carol, billing, admin_user):
    ticket = open_ticket(requester=carol, subject="Hi", body="x", department=billing, actor=admin_user)

    assert ticket.department == billing


def test_agent_with_access_may_open_on_behalf(carol, billing, agent_role):
    bea = make_agent("bea@example.com", "Bea", billing, role=agent_role)

    ticket = open_ticket(requester=carol, subject="Hi", body="x", department=billing, actor=bea.user)

    assert ticket.source == Source.WEB
