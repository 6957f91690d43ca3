"""Alerts to agents by mail, through a real SMTP server, each sent only to those who want it."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from helpdesk.accounts.models import Team
from helpdesk.mail.signing import SignedId, read_message_id
from tests.conftest import make_agent
from tickets.models import Source, Ticket
from tickets.services import NewAttachment, assign, mark_overdue, open_ticket, post_message, post_note


@pytest.fixture
def cleo(support, agent_role):
    return make_agent("cleo@example.com", "Cleo Colleague", support, role=agent_role)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs what the block queues on commit (the mail jobs), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def make_overdue(ticket, assignee):
    """Give the ticket to ``assignee`` (who claims it: no alert), then let the overdue sweep find it late."""
    assign(ticket=ticket, actor=assignee.user, agent=assignee)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - timedelta(hours=1))
    mark_overdue()


def test_assignment_alert_reaches_the_assigned_agent(smtp, ticket, admin_user, alice, committed):
    with committed():
        assign(ticket=ticket, actor=admin_user, agent=alice)

    [mail] = smtp.to("alice@example.com")
    assert mail["Subject"] == f"[#{ticket.number}] Assigned to you: Printer on fire"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert read_message_id(mail["Message-ID"]) == SignedId(ticket.pk, alice.user.pk)
    assert f"/scp/tickets/{ticket.number}/" in mail.get_body(("plain",)).get_content()


def test_agent_who_claims_a_ticket_gets_no_alert(smtp, ticket, alice, committed):
    with committed():
        assign(ticket=ticket, actor=alice.user, agent=alice)

    assert smtp.to("alice@example.com") == []


def test_agent_without_mail_notifications_gets_no_assignment_mail(smtp, ticket, admin_user, alice, committed):
    alice.notify_by_email = False
    alice.save()

    with committed():
        assign(ticket=ticket, actor=admin_user, agent=alice)

    assert smtp.to("alice@example.com") == []


def test_team_assignment_alerts_its_members(smtp, ticket, admin_user, alice, cleo, committed):
    team = Team.objects.create(name="Printers")
    team.members.add(alice, cleo)

    with committed():
        assign(ticket=ticket, actor=admin_user, agent=alice, team=team)

    [to_alice] = smtp.to("alice@example.com")
    [to_cleo] = smtp.to("cleo@example.com")
    assert "assigned to you." in to_alice.get_body(("plain",)).get_content()
    assert "assigned to your team Printers." in to_cleo.get_body(("plain",)).get_content()


def test_new_ticket_alerts_the_department_agents_who_want_it(smtp, carol, support, alice, cleo, bob, committed):
    cleo.notify_on_new_ticket = False
    cleo.save()

    with committed():
        ticket = open_ticket(requester=carol, subject="Broken", body="It broke.", department=support)

    [mail] = smtp.to("alice@example.com")
    assert mail["Subject"] == f"[#{ticket.number}] New ticket in Support: Broken"
    assert smtp.to("cleo@example.com") == smtp.to("bob@example.com") == []


def test_customer_message_alerts_the_assignee_threaded_under_it(smtp, ticket, alice, carol, committed):
    assign(ticket=ticket, actor=alice.user, agent=alice)

    with committed():
        post_message(ticket=ticket, author=carol, body="Any news?", source=Source.EMAIL, message_id="<news@c.test>")

    [mail] = smtp.to("alice@example.com")
    assert mail["In-Reply-To"] == "<news@c.test>"
    assert "Any news?" in mail.get_body(("plain",)).get_content()


def test_mention_in_a_note_mails_that_agent_the_note(smtp, ticket, alice, cleo, committed):
    with committed():
        post_note(ticket=ticket, actor=alice.user, body="@cleo the toner is in the back.")

    [mail] = smtp.to("cleo@example.com")
    assert "Alice Agent mentioned you" in mail["Subject"]
    assert "the toner is in the back" in mail.get_body(("plain",)).get_content()


def test_agent_who_turned_mention_mail_off_gets_none(smtp, ticket, alice, cleo, committed):
    cleo.notify_on_mention = False
    cleo.save()

    with committed():
        post_note(ticket=ticket, actor=alice.user, body="@cleo look")

    assert smtp.to("cleo@example.com") == []


def test_overdue_ticket_alerts_its_assignee_and_the_department_manager(smtp, ticket, alice, cleo, support, committed):
    support.manager = cleo
    support.save()

    with committed():
        make_overdue(ticket, alice)

    assert [mail["Subject"] for mail in smtp.to("alice@example.com")] == [
        f"[#{ticket.number}] Overdue: Printer on fire"
    ]
    assert len(smtp.to("cleo@example.com")) == 1


def test_agent_who_turned_overdue_alerts_off_gets_none(smtp, ticket, alice, committed):
    alice.notify_on_overdue = False
    alice.save()

    with committed():
        make_overdue(ticket, alice)

    assert smtp.delivered == []


def test_a_rolled_back_change_sends_nothing(smtp, ticket, admin_user, alice, committed):
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        assign(ticket=ticket, actor=admin_user, agent=alice)
        raise RuntimeError("the request failed after the assignment")

    assert smtp.delivered == []


def test_message_alert_carries_the_inline_images_its_html_shows(smtp, ticket, alice, carol, committed):
    assign(ticket=ticket, actor=alice.user, agent=alice)
    photo = NewAttachment(name="smoke.png", content=b"\x89PNG fake", content_type="image/png", content_id="<smoke@c>")
    report = NewAttachment(name="log.txt", content=b"log", content_type="text/plain")

    body = '<p>See <img src="cid:smoke@c"></p>'

    with committed():
        post_message(ticket=ticket, author=carol, body=body, is_html=True, attachments=[photo, report])

    [mail] = smtp.to("alice@example.com")
    [inline] = list(mail.iter_attachments())
    assert (inline["Content-ID"], inline.get_content()) == ("<smoke@c>", b"\x89PNG fake")
    assert 'src="cid:smoke@c"' in mail.get_body(("html",)).get_content()


def test_new_ticket_queues_one_job_however_many_agents_it_alerts(carol, support, alice, cleo, committed, monkeypatch):
    from helpdesk.mail import jobs

    queued = []
    monkeypatch.setattr(jobs.ticket_opened, "delay", lambda *args: queued.append(args))

    with committed():
        ticket = open_ticket(requester=carol, subject="Broken", body="It broke.", department=support)

    assert queued == [(ticket.pk, carol.pk, True, True)]


def test_one_recipient_failing_to_queue_does_not_cost_the_others_their_alert(ticket, alice, cleo, monkeypatch):
    from helpdesk.mail import jobs

    sent = []

    def send(key, recipient_id, object_id):
        if recipient_id == alice.user.pk:
            raise ConnectionError("broker away")
        sent.append((key, recipient_id, object_id))

    monkeypatch.setattr(jobs.send_notification, "delay", send)

    jobs.ticket_opened(ticket.pk, ticket.requester_id, auto_response=False, alert=True)

    assert sent == [("new_ticket_alert", cleo.user.pk, ticket.pk)]
