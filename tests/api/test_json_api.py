"""The JSON API: an agent's bearer token, with exactly the staff panel's permissions."""

import pytest

from helpdesk.accounts.backends import BACKEND
from helpdesk.accounts.models import Role
from helpdesk.api.models import AgentToken
from tests.api.conftest import make_token
from tests.conftest import make_agent
from tickets.models import Source, State, Status, ThreadEntry
from tickets.services import NewAttachment, open_ticket, post_note


def call(client, method, path, token, data=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method == "get":
        return client.get(path, data or {}, **headers)
    return client.post(path, data or {}, content_type="application/json", **headers)


# --- authentication ---------------------------------------------------------------------------


def test_no_token_gets_401(client, ticket):
    assert call(client, "get", "/api/v1/tickets", None).status_code == 401


def test_an_unknown_token_gets_401(client, alice):
    make_token(alice)

    assert call(client, "get", "/api/v1/tickets", "spt_NOTATOKEN").status_code == 401


def test_a_revoked_token_gets_401(client, alice):
    token = make_token(alice)
    AgentToken.objects.update(is_active=False)

    assert call(client, "get", "/api/v1/tickets", token).status_code == 401


def test_the_token_of_a_deactivated_agent_gets_401(client, alice):
    token = make_token(alice)
    alice.user.is_active = False
    alice.user.save(update_fields=["is_active"])

    assert call(client, "get", "/api/v1/tickets", token).status_code == 401


def test_the_token_of_a_customer_gets_401(client, carol):
    assert call(client, "get", "/api/v1/tickets", make_token(carol)).status_code == 401


def test_a_session_cookie_does_not_authenticate(client, alice, ticket):
    client.force_login(alice.user, backend=BACKEND)

    assert call(client, "get", f"/api/v1/tickets/{ticket.number}", None).status_code == 401


def test_a_token_past_the_rate_limit_gets_429(client, alice, settings):
    settings.API_RATE_LIMIT = 1
    token = make_token(alice)
    call(client, "get", "/api/v1/tickets", token)

    response = call(client, "get", "/api/v1/tickets", token)
    assert response.status_code == 429
    assert response["Retry-After"]


# --- reading ----------------------------------------------------------------------------------


def test_the_list_holds_only_tickets_the_agent_may_see(client, alice, ticket, billing_ticket):
    response = call(client, "get", "/api/v1/tickets", make_token(alice))

    assert response.status_code == 200
    assert [t["number"] for t in response.json()["results"]] == [ticket.number]
    assert response.json()["count"] == 1


def test_an_admin_lists_every_ticket(client, admin_user, ticket, billing_ticket):
    response = call(client, "get", "/api/v1/tickets", make_token(admin_user))

    assert {t["number"] for t in response.json()["results"]} == {ticket.number, billing_ticket.number}


def test_the_list_filters_by_state_and_text(client, alice, carol, support, ticket):
    other = open_ticket(requester=carol, subject="Toner empty", body="x", department=support)
    token = make_token(alice)

    found = call(client, "get", "/api/v1/tickets", token, {"q": "toner", "state": State.OPEN}).json()["results"]
    assert [t["number"] for t in found] == [other.number]
    assert call(client, "get", "/api/v1/tickets", token, {"state": State.CLOSED}).json()["count"] == 0


def test_the_list_is_paged(client, alice, carol, support):
    for n in range(3):
        open_ticket(requester=carol, subject=f"T{n}", body="x", department=support)
    page = call(client, "get", "/api/v1/tickets", make_token(alice), {"page": 2, "page_size": 2}).json()

    assert (page["count"], page["page"], page["page_size"], len(page["results"])) == (3, 2, 2, 1)


def test_the_list_takes_the_same_queries_for_many_tickets(client, alice, carol, support, django_assert_max_num_queries):
    token = make_token(alice)
    for n in range(10):
        open_ticket(requester=carol, subject=f"T{n}", body="x", department=support)

    with django_assert_max_num_queries(6):
        assert len(call(client, "get", "/api/v1/tickets", token).json()["results"]) == 10


def test_a_ticket_is_read_with_its_public_thread(client, alice, ticket):
    post_note(ticket=ticket, actor=alice.user, body="Internal only")
    data = call(client, "get", f"/api/v1/tickets/{ticket.number}", make_token(alice)).json()

    assert data["subject"] == "Printer on fire"
    assert data["requester"] == {"email": "carol@customer.test", "name": "Carol Customer"}
    assert [e["body_text"] for e in data["thread"]] == ["It smokes."]


def test_internal_notes_are_included_when_asked(client, alice, ticket):
    post_note(ticket=ticket, actor=alice.user, body="Internal only")
    data = call(client, "get", f"/api/v1/tickets/{ticket.number}?notes=true", make_token(alice)).json()

    assert [e["kind"] for e in data["thread"]] == ["message", "note"]


def test_an_agent_of_another_department_gets_404_for_the_ticket(client, bob, ticket):
    assert call(client, "get", f"/api/v1/tickets/{ticket.number}", make_token(bob)).status_code == 404


def test_statuses_are_listed_for_their_ids(client, alice):
    names = [s["name"] for s in call(client, "get", "/api/v1/statuses", make_token(alice)).json()]

    assert set(names) == set(Status.objects.values_list("name", flat=True))


# --- changing ---------------------------------------------------------------------------------


def test_an_agent_replies_through_the_api(client, alice, ticket):
    response = call(client, "post", f"/api/v1/tickets/{ticket.number}/reply", make_token(alice), {"body": "On it"})

    assert response.status_code == 201
    entry = ThreadEntry.objects.get(pk=response.json()["id"])
    assert (entry.kind, entry.author, entry.source, entry.body_text) == ("response", alice.user, Source.API, "On it")


def test_a_reply_may_set_a_status_in_the_same_step(client, alice, ticket):
    resolved = Status.objects.get(name="Resolved")
    call(
        client,
        "post",
        f"/api/v1/tickets/{ticket.number}/reply",
        make_token(alice),
        {"body": "Done", "status_id": resolved.pk},
    )

    ticket.refresh_from_db()
    assert ticket.status == resolved


def test_an_agent_adds_an_internal_note(client, alice, ticket):
    response = call(client, "post", f"/api/v1/tickets/{ticket.number}/notes", make_token(alice), {"body": "Hmm"})

    assert response.status_code == 201
    assert ticket.entries.get(pk=response.json()["id"]).kind == ThreadEntry.Kind.NOTE


def test_an_agent_changes_the_status(client, alice, ticket):
    closed = Status.objects.get(name="Closed")
    response = call(
        client, "post", f"/api/v1/tickets/{ticket.number}/status", make_token(alice), {"status_id": closed.pk}
    )

    assert response.status_code == 200
    assert response.json()["state"] == State.CLOSED


def test_an_agent_whose_role_may_not_close_gets_403(client, support, ticket):
    viewer = make_agent(
        "vic@example.com", "Vic Viewer", support, role=Role.objects.create(name="Viewer", can_close=False)
    )
    closed = Status.objects.get(name="Closed")
    response = call(
        client, "post", f"/api/v1/tickets/{ticket.number}/status", make_token(viewer), {"status_id": closed.pk}
    )

    assert response.status_code == 403
    assert "may not close" in response.json()["detail"]


def test_an_unknown_status_gets_400(client, alice, ticket):
    response = call(client, "post", f"/api/v1/tickets/{ticket.number}/status", make_token(alice), {"status_id": 999})

    assert response.status_code == 400


def test_an_agent_assigns_the_ticket(client, alice, ticket):
    response = call(
        client, "post", f"/api/v1/tickets/{ticket.number}/assign", make_token(alice), {"agent_id": alice.pk}
    )

    assert response.json()["assignee_id"] == alice.pk
    ticket.refresh_from_db()
    assert ticket.assignee == alice


def test_an_agent_without_access_cannot_be_given_the_ticket(client, alice, bob, ticket):
    response = call(client, "post", f"/api/v1/tickets/{ticket.number}/assign", make_token(alice), {"agent_id": bob.pk})

    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.assignee is None


@pytest.mark.parametrize(
    ("method", "suffix", "data"),
    [
        ("post", "/reply", {"body": "x"}),
        ("post", "/notes", {"body": "x"}),
        ("post", "/status", {"status_id": 1}),
        ("post", "/assign", {"agent_id": None}),
    ],
)
def test_an_agent_of_another_department_cannot_change_the_ticket(client, bob, ticket, method, suffix, data):
    response = call(client, method, f"/api/v1/tickets/{ticket.number}{suffix}", make_token(bob), data)

    assert response.status_code == 404
    assert ticket.entries.count() == 1
    assert ticket.events.count() == 1


def test_reading_a_ticket_takes_the_same_queries_for_a_long_thread(
    client, alice, ticket, django_assert_max_num_queries
):
    token = make_token(alice)
    for n in range(8):
        post_note(ticket=ticket, actor=alice.user, body=f"Note {n}", attachments=[NewAttachment(f"{n}.txt", b"x")])

    with django_assert_max_num_queries(10):
        data = call(client, "get", f"/api/v1/tickets/{ticket.number}?notes=true", token).json()
    assert len(data["thread"]) == 9
    assert data["thread"][-1]["attachments"] == [
        {"name": "7.txt", "size": 1, "content_type": "application/octet-stream"}
    ]
