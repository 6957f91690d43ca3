"""The staff directory: users and organizations an agent may see, their tickets, and who may edit what."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.accounts.models import Department, Organization, User
from tests.conftest import signed_in
from tickets.models import Ticket
from tickets.services import add_collaborator, close, open_ticket


def customer(email: str, name: str = "", **fields) -> User:
    return User.objects.create_user(email, name=name, **fields)


def ticket_for(requester: User, department: Department, subject: str = "Help") -> Ticket:
    return open_ticket(requester=requester, subject=subject, body="Please help.", department=department)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.fixture
def acme(db) -> Organization:
    return Organization.objects.create(name="Acme", domains="acme.test\nacme.example", notes="Key account.")


# --- the permission matrix --------------------------------------------------------------------


@pytest.fixture
def pages(carol, acme) -> list[str]:
    return [
        "/scp/users/",
        f"/scp/users/{carol.pk}/",
        "/scp/organizations/",
        f"/scp/organizations/{acme.pk}/",
    ]


@pytest.fixture
def posts(carol, acme) -> list[str]:
    return [f"/scp/users/{carol.pk}/edit", "/scp/organizations/new", f"/scp/organizations/{acme.pk}/edit"]


def test_anonymous_is_sent_to_sign_in_everywhere(client, pages, posts):
    for url in pages + posts:
        method = client.get if url in pages else client.post
        response = method(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/scp/login?next="), url


def test_customers_are_refused_everywhere(client, carol, pages, posts):
    signed_in(client, carol)

    for url in pages:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url).status_code == 403, url


def test_an_agent_of_the_customers_department_may_open_every_page(client, alice, ticket, pages):
    signed_in(client, alice.user)

    for url in pages:
        assert client.get(url).status_code == 200, url


def test_an_agent_of_another_department_gets_404_on_that_customers_page(client, bob, carol, ticket):
    response = signed_in(client, bob.user).get(f"/scp/users/{carol.pk}/")

    assert response.status_code == 404


def test_an_agent_of_another_department_cannot_edit_that_customer(client, bob, carol, ticket):
    response = signed_in(client, bob.user).post(f"/scp/users/{carol.pk}/edit", {"name": "X", "email": carol.email})

    assert response.status_code == 404
    carol.refresh_from_db()
    assert carol.name == "Carol Customer"


def test_staff_have_no_directory_page(client, admin_user, alice):
    assert signed_in(client, admin_user).get(f"/scp/users/{alice.user.pk}/").status_code == 404


def test_edits_are_post_only(client, alice, carol, ticket, acme):
    signed_in(client, alice.user)

    assert client.get(f"/scp/users/{carol.pk}/edit").status_code == 405
    assert client.get(f"/scp/organizations/{acme.pk}/edit").status_code == 405


# --- users list -------------------------------------------------------------------------------


def test_agents_see_only_customers_of_tickets_they_may_see(client, alice, bob, carol, dave, support, billing):
    ticket_for(carol, support)
    ticket_for(dave, billing)

    alice_sees = signed_in(client, alice.user).get("/scp/users/").context["page"].object_list
    bob_sees = signed_in(client, bob.user).get("/scp/users/").context["page"].object_list

    assert list(alice_sees) == [carol]
    assert list(bob_sees) == [dave]


def test_a_customer_in_cc_on_a_visible_ticket_is_listed(client, alice, carol, dave, ticket):
    add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    listed = signed_in(client, alice.user).get("/scp/users/").context["page"].object_list

    assert set(listed) == {carol, dave}


def test_superusers_see_every_customer_and_no_staff(client, admin_user, alice, carol, dave):
    listed = signed_in(client, admin_user).get("/scp/users/").context["page"].object_list

    assert list(listed) == [carol, dave]


def test_the_list_shows_organization_and_counts_of_visible_tickets(client, alice, carol, support, billing, acme):
    carol.organization = acme
    carol.save()
    ticket_for(carol, support)
    close(ticket=ticket_for(carol, support), actor=alice.user)
    ticket_for(carol, billing)  # not alice's

    response = signed_in(client, alice.user).get("/scp/users/")

    row = response.context["page"].object_list[0]
    assert (row.open_tickets, row.total_tickets) == (1, 2)
    assert "Acme" in response.text


@pytest.mark.parametrize(
    ("query", "found"),
    [("nina", ["nina@x.test"]), ("ZED.TEST", ["zoe@zed.test"]), ("acme", ["nina@x.test"]), ("nobody", [])],
)
def test_the_list_searches_names_emails_and_organizations(client, admin_user, acme, query, found):
    customer("nina@x.test", "Nina Rossi", organization=acme)
    customer("zoe@zed.test", "Zoe")

    page = signed_in(client, admin_user).get("/scp/users/", {"q": query}).context["page"]

    assert [person.email for person in page.object_list] == found


def test_the_list_filters_by_organization(client, admin_user, acme, carol):
    customer("nina@x.test", "Nina", organization=acme)

    page = signed_in(client, admin_user).get("/scp/users/", {"organization": acme.pk}).context["page"]

    assert [person.email for person in page.object_list] == ["nina@x.test"]


def test_the_list_uses_the_agents_page_size(client, alice, support):
    alice.page_size = 5
    alice.save()
    for n in range(7):
        ticket_for(customer(f"c{n}@x.test", f"Customer {n}"), support)

    response = signed_in(client, alice.user).get("/scp/users/", {"page": 2})

    assert len(response.context["page"].object_list) == 2


def test_the_users_list_costs_the_same_queries_for_3_or_30_customers(client, alice, support, acme):
    signed_in(client, alice.user)
    alice.page_size = 50
    alice.save()
    for n in range(3):
        ticket_for(customer(f"a{n}@x.test", f"A {n}", organization=acme), support)
    few = queries(client, "/scp/users/")
    for n in range(27):
        ticket_for(customer(f"b{n}@x.test", f"B {n}", organization=acme), support)

    assert queries(client, "/scp/users/") == few


# --- one user ---------------------------------------------------------------------------------


def test_the_user_page_lists_only_tickets_the_agent_may_see(client, alice, carol, support, billing):
    ticket_for(carol, support, "Printer on fire")
    ticket_for(carol, billing, "Invoice twice")

    response = signed_in(client, alice.user).get(f"/scp/users/{carol.pk}/")

    assert "Printer on fire" in response.text
    assert "Invoice twice" not in response.text
    assert carol.email in response.text


def test_the_user_page_lists_tickets_where_they_are_in_cc(client, alice, carol, dave, support):
    ticket = ticket_for(carol, support, "Printer on fire")
    add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    response = signed_in(client, alice.user).get(f"/scp/users/{dave.pk}/")

    assert list(response.context["tickets"].object_list) == [ticket]


def test_the_user_page_costs_the_same_queries_for_3_or_30_tickets(client, alice, carol, support):
    signed_in(client, alice.user)
    alice.page_size = 50
    alice.save()
    for _n in range(3):
        ticket_for(carol, support)
    few = queries(client, f"/scp/users/{carol.pk}/")
    for _n in range(27):
        ticket_for(carol, support)

    assert queries(client, f"/scp/users/{carol.pk}/") == few


def test_an_agent_edits_a_customers_contact_data(client, alice, carol, ticket, acme):
    response = signed_in(client, alice.user).post(
        f"/scp/users/{carol.pk}/edit", {"name": "Carol Rossi", "phone": "555-1234", "organization": acme.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/scp/users/{carol.pk}/"
    carol.refresh_from_db()
    assert (carol.name, carol.phone, carol.organization) == ("Carol Rossi", "555-1234", acme)


def test_an_agent_cannot_change_the_login_email_of_a_customer_who_signs_in(client, alice, carol, ticket):
    signed_in(client, alice.user).post(f"/scp/users/{carol.pk}/edit", {"name": "Carol", "email": "evil@agent.test"})

    carol.refresh_from_db()
    assert carol.email == "carol@customer.test"


def test_an_agent_corrects_the_email_of_a_customer_without_a_login(client, alice, support):
    walk_in = User.objects.create_user("walk.in@customer.test", name="Walk In")
    ticket_for(walk_in, support)

    signed_in(client, alice.user).post(
        f"/scp/users/{walk_in.pk}/edit", {"name": "Walk In", "email": "Walk.In@Example.TEST"}
    )

    walk_in.refresh_from_db()
    assert walk_in.email == "walk.in@example.test"


def test_an_email_already_taken_is_refused(client, alice, dave, support):
    walk_in = User.objects.create_user("walk.in@customer.test", name="Walk In")
    ticket_for(walk_in, support)

    response = signed_in(client, alice.user).post(
        f"/scp/users/{walk_in.pk}/edit", {"name": "Walk In", "email": "DAVE@stranger.test"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Another user already has this e-mail address."]
    walk_in.refresh_from_db()
    assert walk_in.email == "walk.in@customer.test"
    # The refused address is not shown as if it were saved.
    assert response.context["customer"].email == "walk.in@customer.test"


def test_an_agent_cannot_make_a_customer_organization_manager(client, alice, carol, ticket, acme):
    signed_in(client, alice.user).post(
        f"/scp/users/{carol.pk}/edit",
        {"name": "Carol", "email": carol.email, "organization": acme.pk, "is_org_manager": "on"},
    )

    carol.refresh_from_db()
    assert carol.organization == acme
    assert not carol.is_org_manager


def test_a_superuser_can_make_a_customer_organization_manager(client, admin_user, carol, acme):
    signed_in(client, admin_user).post(
        f"/scp/users/{carol.pk}/edit",
        {"name": "Carol", "email": carol.email, "organization": acme.pk, "is_org_manager": "on"},
    )

    carol.refresh_from_db()
    assert carol.is_org_manager


def test_the_org_manager_box_is_shown_to_superusers_only(client, admin_user, alice, carol, ticket):
    assert "is_org_manager" not in signed_in(client, alice.user).get(f"/scp/users/{carol.pk}/").text
    assert "is_org_manager" in signed_in(client, admin_user).get(f"/scp/users/{carol.pk}/").text


# --- organizations ----------------------------------------------------------------------------


def test_organizations_list_counts_only_visible_members_and_tickets(
    client, alice, bob, carol, dave, support, billing, acme
):
    for person in (carol, dave):
        person.organization = acme
        person.save()
    ticket_for(carol, support)
    ticket_for(dave, billing)
    close(ticket=ticket_for(carol, support), actor=alice.user)

    alice_row = signed_in(client, alice.user).get("/scp/organizations/").context["page"].object_list[0]
    bob_row = signed_in(client, bob.user).get("/scp/organizations/").context["page"].object_list[0]

    assert (alice_row.member_count, alice_row.open_tickets, alice_row.total_tickets) == (1, 1, 2)
    assert (bob_row.member_count, bob_row.open_tickets, bob_row.total_tickets) == (1, 1, 1)


def test_organizations_can_be_searched_by_name_or_domain(client, alice, acme):
    Organization.objects.create(name="Globex", domains="globex.test")
    signed_in(client, alice.user)

    by_name = client.get("/scp/organizations/", {"q": "glob"}).context["page"].object_list
    by_domain = client.get("/scp/organizations/", {"q": "acme.example"}).context["page"].object_list

    assert [org.name for org in by_name] == ["Globex"]
    assert [org.name for org in by_domain] == ["Acme"]


def test_the_organizations_list_costs_the_same_queries_for_3_or_30(client, alice, support):
    signed_in(client, alice.user)
    alice.page_size = 50
    alice.save()

    def add(prefix: str, count: int) -> None:
        for n in range(count):
            org = Organization.objects.create(name=f"{prefix} {n}")
            ticket_for(customer(f"{prefix}{n}@x.test", organization=org), support)

    add("A", 3)
    few = queries(client, "/scp/organizations/")
    add("B", 27)

    assert queries(client, "/scp/organizations/") == few


def test_the_organization_page_shows_visible_members_and_tickets(client, bob, carol, dave, support, billing, acme):
    for person in (carol, dave):
        person.organization = acme
        person.save()
    ticket_for(carol, support, "Printer on fire")
    ticket_for(dave, billing, "Invoice twice")

    response = signed_in(client, bob.user).get(f"/scp/organizations/{acme.pk}/")

    assert list(response.context["members"]) == [dave]
    assert [t.subject for t in response.context["tickets"].object_list] == ["Invoice twice"]
    assert "Printer on fire" not in response.text
    assert "carol@customer.test" not in response.text
    assert "acme.example" in response.text
    assert "Key account." in response.text


def test_the_organization_page_costs_the_same_queries_for_3_or_30_members(client, alice, support, acme):
    signed_in(client, alice.user)
    alice.page_size = 50
    alice.save()
    for n in range(3):
        ticket_for(customer(f"a{n}@x.test", organization=acme), support)
    few = queries(client, f"/scp/organizations/{acme.pk}/")
    for n in range(27):
        ticket_for(customer(f"b{n}@x.test", organization=acme), support)

    assert queries(client, f"/scp/organizations/{acme.pk}/") == few


def test_agents_cannot_edit_or_add_organizations(client, alice, acme):
    signed_in(client, alice.user)

    assert client.post(f"/scp/organizations/{acme.pk}/edit", {"name": "Evil"}).status_code == 403
    assert client.post("/scp/organizations/new", {"name": "Evil"}).status_code == 403
    assert "edit-organization" not in client.get(f"/scp/organizations/{acme.pk}/").text
    acme.refresh_from_db()
    assert acme.name == "Acme"
    assert not Organization.objects.filter(name="Evil").exists()


def test_a_superuser_edits_an_organization(client, admin_user, acme):
    response = signed_in(client, admin_user).post(
        f"/scp/organizations/{acme.pk}/edit",
        {"name": "Acme Corp", "domains": "@ACME.test\n\nacme.example\nacme.test", "notes": "VIP"},
    )

    assert response.status_code == 302
    acme.refresh_from_db()
    assert (acme.name, acme.domains, acme.notes) == ("Acme Corp", "acme.test\nacme.example", "VIP")


def test_a_wrong_domain_is_refused(client, admin_user, acme):
    response = signed_in(client, admin_user).post(
        f"/scp/organizations/{acme.pk}/edit", {"name": "Acme", "domains": "acme.test\nnot a domain"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["domains"] == [
        "Not a domain name: not a domain. Write one domain per line, like example.com."
    ]


def test_a_superuser_adds_an_organization(client, admin_user, acme):
    response = signed_in(client, admin_user).post("/scp/organizations/new", {"name": "Initech", "domains": ""})

    initech = Organization.objects.get(name="Initech")
    assert response["Location"] == f"/scp/organizations/{initech.pk}/"
    duplicate = signed_in(client, admin_user).post("/scp/organizations/new", {"name": "Acme"})
    assert duplicate.status_code == 200
    assert "name" in duplicate.context["form"].errors


def test_the_next_page_link_keeps_the_search(client, alice, support):
    alice.page_size = 5
    alice.save()
    for n in range(7):
        ticket_for(customer(f"rossi{n}@x.test", f"Rossi {n}"), support)

    response = signed_in(client, alice.user).get("/scp/users/", {"q": "rossi"})

    assert 'href="?q=rossi&amp;page=2"' in response.text
