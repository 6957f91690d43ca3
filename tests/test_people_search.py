"""The people search behind e-mail pickers: agents and the customers the agent may see, nothing else."""

from __future__ import annotations

from helpdesk.accounts.models import User
from tests.conftest import make_agent, signed_in
from tickets.services import add_collaborator, open_ticket

URL = "/scp/people/search"


def search(client, text: str) -> list[dict]:
    response = client.get(URL, {"q": text})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def emails(found: list[dict]) -> list[str]:
    return [person["email"] for person in found]


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(URL, {"q": "carol"})

    assert response.status_code == 302
    assert response["Location"].startswith("/scp/login?next=")


def test_customers_cannot_use_it(client, carol, ticket):
    assert signed_in(client, carol).get(URL, {"q": "carol"}).status_code == 403


def test_it_answers_get_only(client, alice):
    assert signed_in(client, alice.user).post(URL, {"q": "carol"}).status_code == 405


def test_an_agent_finds_the_requester_of_a_ticket_she_may_see(client, alice, carol, ticket):
    found = search(signed_in(client, alice.user), "carol")

    assert found == [{"id": carol.pk, "email": "carol@customer.test", "name": "Carol Customer", "is_agent": False}]


def test_only_id_email_name_and_is_agent_are_returned(client, admin_user, carol):
    carol.phone = "555-0100"
    carol.save()

    found = search(signed_in(client, admin_user), "carol")

    assert set(found[0]) == {"id", "email", "name", "is_agent"}
    assert "555-0100" not in str(found)


def test_an_agent_of_billing_cannot_discover_support_only_customers(client, bob, carol, ticket):
    assert search(signed_in(client, bob.user), "carol") == []
    assert search(signed_in(client, bob.user), "customer.test") == []


def test_customers_in_cc_on_a_visible_ticket_are_found(client, alice, bob, dave, ticket):
    add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    assert emails(search(signed_in(client, alice.user), "dave")) == ["dave@stranger.test"]
    assert search(signed_in(client, bob.user), "dave") == []


def test_superusers_find_every_customer(client, admin_user, carol, dave):
    assert emails(search(signed_in(client, admin_user), "test")) == ["carol@customer.test", "dave@stranger.test"]


def test_active_agents_are_found_by_every_agent_first(client, alice, bob, support, agent_role):
    bobby = User.objects.create_user("bobby@customer.test", name="Bobby Tables")
    open_ticket(requester=bobby, subject="Hi", body="Hi", department=support)
    gone = make_agent("bo@example.com", "Bo Gone", support, role=agent_role)
    gone.user.is_active = False
    gone.user.save()

    found = search(signed_in(client, alice.user), "bob")

    assert found == [
        {"id": bob.user.pk, "email": "bob@example.com", "name": "Bob Billing", "is_agent": True},
        {"id": bobby.pk, "email": "bobby@customer.test", "name": "Bobby Tables", "is_agent": False},
    ]


def test_fewer_than_two_characters_find_nobody(client, admin_user, carol):
    signed_in(client, admin_user)

    assert search(client, "c") == []
    assert search(client, " c ") == []
    assert client.get(URL).json() == []


def test_at_most_twenty_people_are_returned(client, admin_user):
    for n in range(25):
        User.objects.create_user(f"many{n:02}@crowd.test", name=f"Many {n:02}")

    found = search(signed_in(client, admin_user), "crowd")

    assert len(found) == 20
    assert found[0]["email"] == "many00@crowd.test"


def test_the_answer_is_not_cached(client, alice):
    response = signed_in(client, alice.user).get(URL, {"q": "al"})

    assert "no-cache" in response["Cache-Control"]
