"""Saved searches: an agent names a filtered queue, opens it from the menu, shares it, deletes their own."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.http import QueryDict

from helpdesk.accounts.models import Agent, Department, User
from tests.conftest import make_agent, signed_in
from tickets import services
from tickets.models import Priority, SavedSearch, Ticket

CREATE = "/scp/searches/new"


def make_ticket(requester: User, department: Department, subject: str, priority: int = Priority.NORMAL) -> Ticket:
    return services.open_ticket(
        requester=requester, subject=subject, body=f"About {subject}.", department=department, priority=priority
    )


def notes(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def subjects(response) -> set[str]:
    return {ticket.subject for ticket in response.context["page"].object_list}


def save(owner: Agent, name: str, query: str, *, shared: bool = False) -> SavedSearch:
    return SavedSearch.objects.create(owner=owner, name=name, query=query, is_shared=shared)


@pytest.fixture
def tickets(carol, support, billing):
    return {
        "urgent support": make_ticket(carol, support, "Server down", Priority.URGENT),
        "normal support": make_ticket(carol, support, "Mouse squeaks"),
        "urgent billing": make_ticket(carol, billing, "Double charge", Priority.URGENT),
    }


# --- permission matrix ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, alice):
    search = save(alice, "Urgent", "priority=4", shared=True)

    for response in [
        client.get(f"/scp/searches/{search.pk}/"),
        client.post(CREATE, {"name": "x", "query": ""}),
        client.post(f"/scp/searches/{search.pk}/delete"),
    ]:
        assert response.status_code == 302
        assert response.url.startswith("/scp/login")
    assert SavedSearch.objects.filter(pk=search.pk).exists()


def test_customers_are_refused(client, carol, alice):
    search = save(alice, "Urgent", "priority=4", shared=True)
    signed_in(client, carol)

    assert client.get(f"/scp/searches/{search.pk}/").status_code == 403
    assert client.post(CREATE, {"name": "x", "query": ""}).status_code == 403
    assert client.post(f"/scp/searches/{search.pk}/delete").status_code == 403


def test_another_agents_private_search_is_404(client, alice, bob):
    search = save(alice, "Mine only", "priority=4")
    signed_in(client, bob)

    assert client.get(f"/scp/searches/{search.pk}/").status_code == 404


def test_another_agents_search_cannot_be_deleted_even_when_shared(client, alice, bob):
    search = save(alice, "Urgent", "priority=4", shared=True)
    signed_in(client, bob)

    assert client.post(f"/scp/searches/{search.pk}/delete").status_code == 404
    assert SavedSearch.objects.filter(pk=search.pk).exists()


def test_opening_and_deleting_are_get_and_post_only(client, alice):
    search = save(alice, "Urgent", "priority=4")
    signed_in(client, alice)

    assert client.post(f"/scp/searches/{search.pk}/").status_code == 405
    assert client.get(f"/scp/searches/{search.pk}/delete").status_code == 405
    assert client.get(CREATE).status_code == 405


# --- saving ------------------------------------------------------------------------------------------


def test_a_filtered_queue_offers_to_save_the_search(client, alice, tickets):
    signed_in(client, alice)

    text = client.get("/scp/queues/unassigned/?priority=4&page=1").text

    assert "Save this search" in text
    assert 'name="query" value="priority=4&amp;queue=unassigned"' in text


def test_an_unfiltered_queue_does_not_offer_it(client, alice, tickets):
    signed_in(client, alice)

    assert "Save this search" not in client.get("/scp/?sort=number").text


def test_saving_stores_only_the_allow_listed_filters_and_the_queue(client, alice, tickets):
    signed_in(client, alice)

    response = client.post(
        CREATE,
        {"name": "Urgent ones", "query": "priority=4&queue=unassigned&page=3&ordering=requester__password&q="},
    )

    search = SavedSearch.objects.get(owner=alice)
    assert (search.name, search.is_shared) == ("Urgent ones", False)
    assert QueryDict(search.query) == QueryDict("priority=4&queue=unassigned")
    assert response.status_code == 302
    assert response.url == f"/scp/searches/{search.pk}/"
    assert notes(response) == ["Saved the search “Urgent ones”."]


def test_an_unknown_queue_is_dropped_from_a_saved_query(client, alice):
    signed_in(client, alice)

    client.post(CREATE, {"name": "Odd", "query": "queue=everything&priority=4"})

    assert SavedSearch.objects.get(owner=alice).query == "priority=4"


def test_saving_a_shared_search(client, alice):
    signed_in(client, alice)

    client.post(CREATE, {"name": "Team view", "query": "priority=4", "is_shared": "on"})

    assert SavedSearch.objects.get(owner=alice).is_shared


def test_a_name_is_required_and_unique_per_agent(client, alice, bob):
    save(alice, "Urgent", "priority=4")
    save(bob, "Mine", "priority=4")
    signed_in(client, alice)

    blank = client.post(CREATE, {"name": "", "query": "priority=4", "next": "/scp/?priority=4"})
    twice = client.post(CREATE, {"name": "urgent", "query": "priority=3"})
    other = client.post(CREATE, {"name": "Mine", "query": "priority=3"})

    assert blank.url == "/scp/?priority=4"
    assert notes(blank)[0].startswith("The search was not saved: ")
    assert notes(twice)[-1] == "The search was not saved: You already have a saved search with this name."
    assert other.status_code == 302
    assert SavedSearch.objects.filter(owner=alice).count() == 2


def test_a_superuser_without_an_agent_profile_cannot_save(client, admin_user):
    signed_in(client, admin_user)

    response = client.post(CREATE, {"name": "Mine", "query": "priority=4"})

    assert notes(response) == ["Only agents can save searches."]
    assert not SavedSearch.objects.exists()


# --- the menu and opening one ------------------------------------------------------------------------


def test_the_menu_lists_my_searches_and_shared_ones_but_not_others_private_ones(client, alice, bob, support):
    save(alice, "My urgent", "priority=4")
    save(bob, "Bob shares", "priority=3", shared=True)
    save(bob, "Bob keeps", "priority=2")
    signed_in(client, alice)

    text = client.get("/scp/").text

    assert "My urgent" in text
    assert "Bob shares" in text
    assert "Shared by Bob Billing" in text
    assert "Bob keeps" not in text


def test_opening_a_search_applies_its_filters(client, alice, tickets):
    search = save(alice, "Urgent", "priority=4")
    signed_in(client, alice)

    response = client.get(f"/scp/searches/{search.pk}/")

    assert response.status_code == 200
    assert subjects(response) == {"Server down"}
    assert response.context["heading"] == "Urgent"
    assert 'aria-current="page"' in response.text


def test_opening_a_search_applies_its_queue(client, alice, admin_user, tickets):
    services.close(ticket=tickets["urgent support"], actor=admin_user)
    closed = save(alice, "Closed urgent", "priority=4&queue=closed")
    open_ = save(alice, "Open urgent", "priority=4&queue=open")
    signed_in(client, alice)

    assert subjects(client.get(f"/scp/searches/{closed.pk}/")) == {"Server down"}
    assert subjects(client.get(f"/scp/searches/{open_.pk}/")) == set()


def test_the_pages_own_parameters_refine_a_saved_search(client, alice, tickets):
    search = save(alice, "Support", "q=o")
    signed_in(client, alice)

    assert subjects(client.get(f"/scp/searches/{search.pk}/")) == {"Server down", "Mouse squeaks"}
    assert subjects(client.get(f"/scp/searches/{search.pk}/?priority=4")) == {"Server down"}


def test_a_shared_search_shows_each_agent_only_the_tickets_they_may_see(client, alice, bob, tickets):
    search = save(alice, "All urgent", "priority=4", shared=True)

    signed_in(client, alice)
    assert subjects(client.get(f"/scp/searches/{search.pk}/")) == {"Server down"}
    signed_in(client, bob)
    response = client.get(f"/scp/searches/{search.pk}/")
    assert subjects(response) == {"Double charge"}
    assert "Shared by Alice Agent" in response.text
    assert "Delete search" not in response.text


def test_a_superuser_without_an_agent_profile_sees_shared_searches(client, admin_user, alice, tickets):
    search = save(alice, "All urgent", "priority=4", shared=True)
    signed_in(client, admin_user)

    response = client.get(f"/scp/searches/{search.pk}/")

    assert subjects(response) == {"Server down", "Double charge"}


def test_a_stored_query_that_went_bad_is_ignored_with_a_warning(client, alice, tickets):
    search = save(alice, "Old", "priority=9")
    signed_in(client, alice)

    response = client.get(f"/scp/searches/{search.pk}/")

    assert subjects(response) == {"Server down", "Mouse squeaks"}
    assert "Ignored an invalid value for “Priority”." in notes(response)


def test_a_search_in_the_managers_queue_shows_nothing_to_a_non_manager(client, alice, support, agent_role, tickets):
    carl = make_agent("carl@example.com", "Carl", support, role=agent_role)
    services.assign(ticket=tickets["urgent support"], actor=carl.user, agent=carl)
    support.manager = alice
    support.save(update_fields=["manager"])
    search = save(alice, "Others", "queue=others", shared=True)
    bea = make_agent("bea@example.com", "Bea", support, role=agent_role)

    signed_in(client, alice)
    assert subjects(client.get(f"/scp/searches/{search.pk}/")) == {"Server down"}
    signed_in(client, bea)
    assert subjects(client.get(f"/scp/searches/{search.pk}/")) == set()


# --- deleting ------------------------------------------------------------------------------------------


def test_an_agent_deletes_their_own_search(client, alice):
    search = save(alice, "Urgent", "priority=4")
    signed_in(client, alice)

    page = client.get(f"/scp/searches/{search.pk}/")
    response = client.post(f"/scp/searches/{search.pk}/delete")

    assert "Delete search" in page.text
    assert response.status_code == 302
    assert response.url == "/scp/"
    assert not SavedSearch.objects.filter(pk=search.pk).exists()
    assert notes(response) == ["Deleted the saved search “Urgent”."]
