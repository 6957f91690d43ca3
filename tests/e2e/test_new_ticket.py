"""An agent opens a ticket for a caller from "+ New ticket", and browses the users directory."""

from __future__ import annotations

import re

import pytest

from helpdesk.accounts.models import User
from tests.e2e.staff import sign_in
from tickets.models import Ticket
from tickets.services import open_ticket

pytestmark = pytest.mark.browser


def test_alice_opens_a_ticket_for_a_new_customer(page, results_dir, alice, support, carol):
    open_ticket(requester=carol, subject="VPN drops every hour", body="Since Monday.", department=support)
    sign_in(page, "alice@example.com")

    page.get_by_role("link", name="New ticket").click()
    page.wait_for_url("**/scp/tickets/new/")
    email = page.get_by_label("E-mail")
    # The people picker suggests a customer Alice may see.
    email.press_sequentially("caro", delay=30)
    suggestion = page.get_by_role("option", name=re.compile("Carol Customer"))
    suggestion.wait_for()
    page.screenshot(path=str(results_dir / "new-ticket-autocomplete.png"), full_page=True)
    suggestion.click()
    assert email.input_value() == "carol@customer.test"
    assert page.locator("#requester-note").inner_text() == "Carol Customer <carol@customer.test>"

    email.fill("nina.new@example.org")
    page.get_by_label("Name", exact=True).fill("Nina New")
    page.get_by_label("Phone").fill("+39 06 555 0101")
    page.get_by_label("Department").select_option(label="Support")
    page.get_by_label("Assign to").select_option(label="Alice Agent (Support)")
    page.get_by_label("Subject").fill("Cannot print invoices")
    page.get_by_label("Message").fill("Nina called: the printer says PC LOAD LETTER.")
    page.screenshot(path=str(results_dir / "new-ticket-form.png"), full_page=True)
    assert page.console_errors == []
    page.get_by_role("button", name="Open ticket").click()

    page.wait_for_url(re.compile(r"/scp/tickets/\d+/$"))
    ticket = Ticket.objects.select_related("requester").get(subject="Cannot print invoices")
    assert page.url.endswith(f"/scp/tickets/{ticket.number}/")
    page.screenshot(path=str(results_dir / "new-ticket-landed.png"), full_page=True)
    assert page.get_by_text(f"Ticket #{ticket.number} was opened.").is_visible()
    assert ticket.requester.email == "nina.new@example.org"
    assert ticket.requester.name == "Nina New"
    assert ticket.department == support
    assert ticket.assignee == alice
    assert ticket.source == "phone"


def test_alice_browses_the_users_she_may_see(page, results_dir, alice, support, billing, carol, dave):
    from helpdesk.accounts.models import Organization

    acme = Organization.objects.create(name="Acme S.p.A.", domains="acme.test")
    for n, name in enumerate(["Giulia Bianchi", "Marco Rossi", "Sara Verdi", "Luca Neri"]):
        person = User.objects.create_user(f"{name.split()[0].lower()}@acme.test", name=name, organization=acme)
        for _i in range(n + 1):
            open_ticket(requester=person, subject=f"Request {_i}", body="Hello", department=support)
    open_ticket(requester=carol, subject="VPN drops every hour", body="Since Monday.", department=support)
    open_ticket(requester=dave, subject="Refund", body="Please.", department=billing)
    sign_in(page, "alice@example.com")

    page.get_by_role("link", name="Users").click()
    page.wait_for_url("**/scp/users/")
    page.screenshot(path=str(results_dir / "users-list.png"), full_page=True)
    assert page.get_by_role("link", name="Marco Rossi").is_visible()
    assert page.get_by_text("dave@stranger.test").count() == 0

    page.get_by_placeholder("Name, e-mail or organization").fill("acme")
    page.get_by_role("button", name="Search").click()
    assert page.locator("tbody tr").count() == 4

    page.get_by_role("link", name="Luca Neri").click()
    page.wait_for_url("**/scp/users/*/")
    page.screenshot(path=str(results_dir / "user-page.png"), full_page=True)
    assert page.get_by_role("heading", name="Luca Neri").is_visible()
    assert page.console_errors == []
