"""The customer portal in Chromium: opening a ticket from a phone, following a mail link, signing up, the FAQ."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from faq.models import Category, Faq
from helpdesk.accounts.models import User
from tests.e2e.staff import sign_in
from tickets.links import customer_link
from tickets.models import HelpTopic, Source, Ticket
from tickets.services import open_ticket

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server, default_statuses):
    """A phone-sized browser context."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=PHONE, is_mobile=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    yield page
    context.close()


@pytest.fixture
def live_site(settings, live_server):
    settings.SITE_URL = live_server.url


def test_an_anonymous_customer_opens_a_ticket_on_a_phone_and_it_reaches_billing(
    phone, browser, live_server, results_dir, billing, bob
):
    HelpTopic.objects.create(
        name="Invoices", department=billing, fields=[{"name": "order", "label": "Order number", "required": True}]
    )
    phone.goto("/")
    phone.get_by_role("link", name="Open a new ticket").click()
    phone.get_by_label("Your name").fill("Gina Guest")
    phone.get_by_label("E-mail").fill("gina@guest.test")
    phone.get_by_label("Help topic").select_option(label="Invoices")
    order = phone.get_by_label("Order number")
    order.wait_for()  # swapped in by htmx for this topic
    order.fill("A-1001")
    phone.get_by_label("Subject").fill("Charged twice")
    phone.get_by_label("Message").fill("My card was charged twice for March.")
    phone.screenshot(path=str(results_dir / "portal-new-ticket-phone.png"), full_page=True)
    phone.get_by_role("button", name="Send").click()

    phone.wait_for_url("**/tickets/new/done/")
    ticket = Ticket.objects.get(subject="Charged twice")
    assert phone.get_by_text(f"#{ticket.number}").is_visible()
    assert phone.console_errors == []

    staff = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in(staff, "bob@example.com")
    assert staff.get_by_text("Charged twice").first.is_visible()
    staff.goto(f"/scp/tickets/{ticket.number}/")
    assert staff.get_by_text("Billing").first.is_visible()
    assert ticket.department == billing
    assert ticket.custom_fields == {"order": "A-1001"}
    staff.context.close()


def test_a_customer_follows_the_signed_link_and_replies(page, live_site, results_dir, carol, support):
    ticket = open_ticket(requester=carol, subject="Printer on fire", body="It smokes.", department=support)

    page.goto(customer_link(ticket=ticket, user=carol))

    page.wait_for_url(f"**/tickets/{ticket.number}/")
    assert page.get_by_role("heading", name="Printer on fire").is_visible()
    page.get_by_label("Your reply").fill("Now it is out, thanks.")
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_url(re.compile(rf"/tickets/{ticket.number}/#entry-\d+$"))
    assert page.get_by_text("Now it is out, thanks.").is_visible()
    page.screenshot(path=str(results_dir / "portal-reply.png"), full_page=True)
    last = ticket.entries.last()
    assert last is not None and last.author == carol


def test_signing_up_shows_the_earlier_mail_ticket(phone, live_site, results_dir, support):
    hugo = User.objects.create_user("hugo@mail.test", None, name="Hugo Mail")
    open_ticket(requester=hugo, subject="Sent by mail", body="Hello", department=support, source=Source.EMAIL)

    phone.goto("/account/register/")
    phone.get_by_label("Your name").fill("Hugo")
    phone.get_by_label("E-mail").fill("hugo@mail.test")
    phone.get_by_role("button", name="Register").click()
    phone.get_by_role("heading", name="Check your mail").wait_for()

    bodies = "\n".join(str(message.body) for message in mail.outbox)
    found = re.search(r"https?://\S+/account/register/\S+/", bodies)
    assert found is not None
    link = found.group(0)
    phone.goto(link)
    phone.locator("#id_password1").fill("a-long-and-unusual-passphrase-42")
    phone.locator("#id_password2").fill("a-long-and-unusual-passphrase-42")
    phone.get_by_role("button", name="Create my account").click()

    phone.wait_for_url("**/account/tickets/")
    assert phone.get_by_text("Sent by mail").is_visible()
    phone.screenshot(path=str(results_dir / "portal-my-tickets-phone.png"), full_page=True)
    assert User.objects.filter(email__iexact="hugo@mail.test").count() == 1


def test_search_finds_a_public_faq_and_not_an_internal_one(page, results_dir):
    category = Category.objects.create(name="Printing")
    Faq.objects.create(category=category, question="How to refill toner", answer="<p>Open the lid.</p>")
    Faq.objects.create(category=category, question="Toner supplier contract", answer="<p>x</p>", is_public=False)

    page.goto("/")
    page.get_by_role("searchbox").fill("toner")
    page.get_by_role("button", name="Search").click()

    page.wait_for_url("**/kb/?q=toner")
    assert page.get_by_role("link", name="How to refill toner").is_visible()
    assert page.get_by_text("Toner supplier contract").count() == 0
    page.get_by_role("link", name="How to refill toner").click()
    page.get_by_role("button", name="Yes").click()
    assert page.get_by_text("Thank you for your feedback.").first.is_visible()
    page.screenshot(path=str(results_dir / "portal-faq.png"), full_page=True)
