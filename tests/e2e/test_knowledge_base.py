"""The knowledge base in a real browser: the canned responses' live preview, their files in a reply, FAQ links."""

from __future__ import annotations

import pytest
from django.conf import settings

from faq.models import Category, Faq
from faq.services import save_canned
from tests.e2e.staff import sign_in
from tickets.models import ThreadEntry
from tickets.services import NewAttachment, open_ticket

pytestmark = pytest.mark.browser


def test_the_live_preview_fills_the_variables_as_one_types(page, results_dir, alice, support):
    support.manager = alice
    support.save()
    sign_in(page, "alice@example.com")
    page.goto("/scp/kb/canned/new")

    page.get_by_label("Body").fill("Dear {{ requester.name }}, about #{{ ticket.number }}")

    page.locator("#canned-preview").get_by_text("Dear Maria Rossi, about #123456").wait_for()
    page.screenshot(path=str(results_dir / "canned-response-preview.png"), full_page=True)
    assert page.console_errors == []


def test_a_canned_response_brings_its_file_and_a_faq_link_goes_in_the_reply(page, alice, admin_user, carol, support):
    ticket = open_ticket(requester=carol, subject="Printer on fire", body="It smokes.", department=support)
    save_canned(
        actor=admin_user,
        title="Send the form",
        body="Dear {{ requester.name }}, please fill in the form.",
        department=support,
        add_files=[NewAttachment(name="form.pdf", content=b"%PDF-1.4", content_type="application/pdf")],
    )
    faq = Faq.objects.create(
        category=Category.objects.create(name="Printers"), question="Toner change", answer="<p>Open the lid.</p>"
    )
    sign_in(page, "alice@example.com")
    page.goto(f"/scp/tickets/{ticket.number}/")

    page.locator("[data-canned-picker]").select_option(label="Send the form")
    page.locator("[data-canned-files]").get_by_text("form.pdf").wait_for()
    page.get_by_role("button", name="Link a FAQ").click()
    page.get_by_label("Search the public FAQs").fill("toner")
    page.get_by_role("button", name="Insert link").click()
    body = page.locator("[data-reply-body]").input_value()
    assert body.startswith("Dear Carol Customer, please fill in the form.")
    assert f"Toner change: {settings.SITE_URL.rstrip('/')}/kb/faq/{faq.pk}/" in body
    page.get_by_role("button", name="Post reply").click()
    page.get_by_text("Reply sent.").wait_for()

    reply = ThreadEntry.objects.get(ticket=ticket, kind="response")
    assert [item.name for item in reply.attachments.all()] == ["form.pdf"]
    assert f"/kb/faq/{faq.pk}/" in reply.body_text
    assert page.console_errors == []
