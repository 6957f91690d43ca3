from helpdesk.accounts.models import Notification
from tests.conftest import make_agent
from tickets.services import assign, post_message, post_note


def test_assignment_notifies_the_new_assignee(ticket, admin_user, alice):
    assign(ticket=ticket, actor=admin_user, agent=alice)

    notification = Notification.objects.get(recipient=alice.user)
    assert notification.kind == Notification.Kind.ASSIGNED
    assert ticket.number in notification.text


def test_claiming_a_ticket_notifies_no_one(ticket, alice):
    assign(ticket=ticket, actor=alice.user, agent=alice)

    assert not Notification.objects.exists()


def test_agent_who_turned_assignment_notices_off_gets_none(ticket, admin_user, alice):
    alice.notify_on_assignment = False
    alice.save()

    assign(ticket=ticket, actor=admin_user, agent=alice)

    assert not Notification.objects.exists()


def test_customer_message_notifies_the_assignee(ticket, alice, carol):
    assign(ticket=ticket, actor=alice.user, agent=alice)

    post_message(ticket=ticket, author=carol, body="Any news?")

    assert Notification.objects.get(recipient=alice.user).kind == Notification.Kind.MESSAGE


def test_mention_in_a_note_notifies_that_agent(ticket, support, agent_role, alice):
    cleo = make_agent("cleo@example.com", "Cleo", support, role=agent_role)

    post_note(ticket=ticket, actor=alice.user, body="@cleo can you look? cc @nobody")

    notification = Notification.objects.get(recipient=cleo.user)
    assert notification.text == f"Alice Agent mentioned you in #{ticket.number}"


def test_mention_of_an_agent_who_cannot_see_the_ticket_is_ignored(ticket, alice, bob):
    post_note(ticket=ticket, actor=alice.user, body="@bob look")

    assert not Notification.objects.filter(recipient=bob.user).exists()


def test_an_email_address_is_not_a_mention(ticket, support, agent_role, alice):
    make_agent("cleo@example.com", "Cleo", support, role=agent_role)

    post_note(ticket=ticket, actor=alice.user, body="write to me@cleo.example")

    assert not Notification.objects.exists()
