"""No path closes a ticket while one of its tasks is open: services, the action panel, the reply box, bulk."""

from __future__ import annotations

import pytest

from helpdesk.accounts.models import Role
from tasks.services import complete_task
from tests.conftest import signed_in
from tickets import services
from tickets.models import State, Status


@pytest.fixture
def closed(db) -> Status:
    return Status.default_for(State.CLOSED)


def test_close_is_refused_naming_the_open_task(ticket, alice, printer_task):
    with pytest.raises(services.TicketError, match=f"#{printer_task.pk} Replace the fuser"):
        services.close(ticket=ticket, actor=alice.user)


def test_set_status_to_a_closed_status_is_refused(ticket, alice, printer_task, closed):
    with pytest.raises(services.TicketError, match="open tasks"):
        services.set_status(ticket=ticket, actor=alice.user, status=closed)


def test_reply_with_a_closed_status_is_refused_and_posts_nothing(ticket, alice, printer_task, closed):
    with pytest.raises(services.TicketError, match="open tasks"):
        services.post_reply(ticket=ticket, actor=alice.user, body="Done.", status=closed)

    assert not ticket.entries.filter(kind="response").exists()


def test_a_custom_closed_status_is_refused_too(ticket, alice, printer_task):
    archived = Status.objects.create(name="Archived", state=State.CLOSED)

    with pytest.raises(services.TicketError, match="open tasks"):
        services.set_status(ticket=ticket, actor=alice.user, status=archived)


def test_the_ticket_closes_once_the_task_is_completed(ticket, alice, printer_task):
    complete_task(task=printer_task, actor=alice.user)

    services.close(ticket=ticket, actor=alice.user)

    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED


def test_the_status_action_names_the_blocking_task(client, ticket, alice, printer_task, closed):
    signed_in(client, alice.user)

    response = client.post(f"/scp/tickets/{ticket.number}/status", {"status": closed.pk}, follow=True)

    assert f"#{printer_task.pk} Replace the fuser" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == State.OPEN


def test_the_reply_box_with_a_closed_status_is_refused(client, ticket, alice, printer_task, closed):
    signed_in(client, alice.user)

    response = client.post(
        f"/scp/tickets/{ticket.number}/reply",
        {"reply_type": "public", "body": "All done.", "status": closed.pk, "last_message_id": ticket.entries.last().pk},
        follow=True,
    )

    assert "cannot be closed while it has open tasks" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == State.OPEN


def test_an_internal_note_with_a_closed_status_is_refused_whole(client, ticket, alice, printer_task, closed):
    signed_in(client, alice.user)

    client.post(
        f"/scp/tickets/{ticket.number}/reply",
        {
            "reply_type": "internal",
            "body": "Closing.",
            "status": closed.pk,
            "last_message_id": ticket.entries.last().pk,
        },
    )

    ticket.refresh_from_db()
    assert ticket.state == State.OPEN
    assert not ticket.entries.filter(kind="note").exists()


@pytest.mark.parametrize("action", ["close", "status"])
def test_bulk_close_skips_the_ticket_and_says_why(client, ticket, alice, printer_task, closed, action):
    signed_in(client, alice.user)
    data = {"action": action, "numbers": [ticket.number], "next": "/scp/"}
    if action == "status":
        data["status"] = closed.pk

    response = client.post("/scp/bulk", data, follow=True)

    assert f"#{printer_task.pk} Replace the fuser" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == State.OPEN


def test_the_ticket_page_lists_the_blocking_task_with_its_state(client, ticket, alice, printer_task):
    signed_in(client, alice.user)

    page = client.get(f"/scp/tickets/{ticket.number}/").content.decode()

    assert f"/scp/tasks/{printer_task.pk}/" in page
    assert "cannot be closed while a task is open" in page


# --- the other channels: the customer portal and the JSON API ---------------------------------


def test_the_customer_cannot_close_it_from_the_portal(client, carol, ticket, printer_task):
    signed_in(client, carol)

    client.post(f"/tickets/{ticket.number}/close")

    ticket.refresh_from_db()
    assert ticket.state == State.OPEN


def test_close_by_customer_names_the_task(carol, ticket, printer_task):
    with pytest.raises(services.TicketError, match=f"#{printer_task.pk} Replace the fuser"):
        services.close_by_customer(ticket=ticket, customer=carol)


def _api(client, path: str, token: str, data: dict[str, object]):
    return client.post(path, data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_status_change_is_refused(client, alice, ticket, printer_task, closed):
    from tests.api.conftest import make_token

    response = _api(client, f"/api/v1/tickets/{ticket.number}/status", make_token(alice), {"status_id": closed.pk})

    assert response.status_code == 400
    assert "open tasks" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == State.OPEN


def test_the_api_reply_with_a_closed_status_is_refused(client, alice, ticket, printer_task, closed):
    from tests.api.conftest import make_token

    path = f"/api/v1/tickets/{ticket.number}/reply"
    response = _api(client, path, make_token(alice), {"body": "Done", "status_id": closed.pk})

    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.state == State.OPEN
    assert not ticket.entries.filter(kind="response").exists()


def test_auto_close_leaves_a_ticket_with_an_open_task(ticket, printer_task):
    with pytest.raises(services.TicketError, match="open tasks"):
        services.close_automatically(ticket=ticket, days=7)

    ticket.refresh_from_db()
    assert ticket.state == State.OPEN


def test_merging_open_tasks_into_a_closed_ticket_is_refused(carol, support, alice, ticket, printer_task):
    other = services.open_ticket(requester=carol, subject="Old printer", body="Gone.", department=support)
    services.close(ticket=other, actor=alice.user)
    Role.objects.filter(pk=alice.access.get().role_id).update(can_merge=True)

    with pytest.raises(services.TicketError, match=f"#{printer_task.pk} Replace the fuser"):
        services.merge(ticket=ticket, into=other, actor=alice.user)

    printer_task.refresh_from_db()
    assert printer_task.ticket_id == ticket.pk


def test_merging_open_tasks_into_an_open_ticket_moves_them(carol, support, admin_user, ticket, printer_task):
    other = services.open_ticket(requester=carol, subject="Same printer", body="Again.", department=support)

    services.merge(ticket=ticket, into=other, actor=admin_user)

    printer_task.refresh_from_db()
    assert (printer_task.ticket_id, printer_task.is_open) == (other.pk, True)
