"""Deleting a ticket: administrators only, after a confirmation page, with its thread and files."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.urls import reverse

from helpdesk.accounts.models import Notification, Role
from tasks.models import Task
from tasks.services import create_task
from tests.conftest import make_agent, signed_in
from tickets.models import Attachment, ThreadEntry, Ticket, TicketEvent
from tickets.services import NewAttachment, NotAllowed, delete_ticket, merge, open_ticket, post_note


def delete_url(ticket: Ticket | str) -> str:
    return reverse("scp:ticket_delete", args=[ticket if isinstance(ticket, str) else ticket.number])


@pytest.fixture
def as_admin(client, admin_user):
    signed_in(client, admin_user)
    return client


def test_anonymous_is_sent_to_sign_in(client, ticket):
    assert client.get(delete_url(ticket))["Location"].startswith(reverse("scp:login"))
    assert client.post(delete_url(ticket))["Location"].startswith(reverse("scp:login"))


def test_customer_is_forbidden(client, ticket, carol):
    signed_in(client, carol)

    assert client.get(delete_url(ticket)).status_code == 403
    assert client.post(delete_url(ticket)).status_code == 403


def test_agent_of_another_department_gets_404(client, ticket, bob):
    signed_in(client, bob.user)

    assert client.post(delete_url(ticket)).status_code == 404


def test_agent_who_sees_the_ticket_is_still_forbidden(client, ticket, alice):
    signed_in(client, alice.user)

    assert client.get(delete_url(ticket)).status_code == 403
    assert client.post(delete_url(ticket)).status_code == 403
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_a_manager_with_every_permission_is_forbidden_too(client, ticket, support):
    boss = make_agent("boss@example.com", "Boss", support, role=Role.objects.create(name="All", can_merge=True))
    signed_in(client, boss.user)

    assert client.post(delete_url(ticket)).status_code == 403


def test_a_forged_number_gets_404(as_admin, ticket):
    assert as_admin.get(delete_url("999999999")).status_code == 404


def test_other_methods_are_refused(as_admin, ticket):
    assert as_admin.put(delete_url(ticket)).status_code == 405


def test_admin_sees_a_confirmation_page_first(as_admin, ticket):
    response = as_admin.get(delete_url(ticket))

    assert response.status_code == 200
    assert f"Delete ticket #{ticket.number}?" in response.text
    assert "Printer on fire" in response.text
    assert "This cannot be undone." in response.text
    assert 'method="post"' in response.text
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_admin_deletes_the_ticket_with_its_thread_events_tasks_and_notifications(as_admin, ticket, alice, admin_user):
    create_task(actor=alice.user, ticket=ticket, title="Replace the fuser")
    post_note(ticket=ticket, actor=admin_user, body="@alice look")
    assert Notification.objects.filter(ticket=ticket).exists()

    response = as_admin.post(delete_url(ticket))

    assert response.status_code == 302
    assert response["Location"] == reverse("scp:tickets")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"Ticket #{ticket.number} was deleted."]
    assert not Ticket.objects.filter(pk=ticket.pk).exists()
    assert not ThreadEntry.objects.filter(ticket_id=ticket.pk).exists()
    assert not TicketEvent.objects.filter(ticket_id=ticket.pk).exists()
    assert not Task.objects.exists()
    assert not Notification.objects.exists()


def test_attachment_files_go_once_the_deletion_commits(as_admin, carol, support, django_capture_on_commit_callbacks):
    ticket = open_ticket(
        requester=carol,
        subject="Screenshot",
        body="See attached",
        department=support,
        attachments=[NewAttachment(name="screen.png", content=b"png bytes", content_type="image/png")],
    )
    stored = Attachment.objects.get().file.name
    assert default_storage.exists(stored)

    with django_capture_on_commit_callbacks() as callbacks:
        as_admin.post(delete_url(ticket))
    assert not Attachment.objects.exists()
    assert default_storage.exists(stored)  # the rows are gone, the file waits for the commit

    for callback in callbacks:
        callback()
    assert not default_storage.exists(stored)


def test_a_ticket_others_were_merged_into_is_not_deleted(as_admin, ticket, dave, support, admin_user):
    duplicate = open_ticket(requester=dave, subject="Printer smoke", body="Same", department=support)
    merge(ticket=duplicate, into=ticket, actor=admin_user)

    response = as_admin.post(delete_url(ticket))

    assert response["Location"] == f"/scp/tickets/{ticket.number}/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Tickets #{duplicate.number} were merged into this one; delete them first."
    ]
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_the_service_refuses_anyone_but_a_superuser(ticket, alice):
    with pytest.raises(NotAllowed, match="Only administrators"):
        delete_ticket(ticket=ticket, actor=alice.user)

    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_the_confirmation_page_names_tickets_merged_into_this_one(as_admin, ticket, dave, support, admin_user):
    duplicate = open_ticket(requester=dave, subject="Printer smoke", body="Same", department=support)
    merge(ticket=duplicate, into=ticket, actor=admin_user)

    response = as_admin.get(delete_url(ticket))

    assert f"#{duplicate.number}" in response.text
    assert "delete them first" in response.text
    assert 'class="btn btn-danger" disabled' in response.text
