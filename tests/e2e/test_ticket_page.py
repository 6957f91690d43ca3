"""An agent works a ticket in a real browser: canned response, public reply, internal note, and who else is there."""

from __future__ import annotations

import re

import pytest

from faq.models import CannedResponse
from tests.conftest import make_agent
from tests.e2e.staff import sign_in
from tickets import services

pytestmark = pytest.mark.browser


def leave(page) -> None:
    """Close the ticket page once no presence report is in flight, so none reaches a database being flushed."""
    page.wait_for_load_state("networkidle")
    page.close()


def test_agent_replies_with_a_canned_response_and_posts_an_internal_note(page, results_dir, alice, carol, support):
    alice.signature = "Alice Agent\nSupport desk"
    alice.save()
    ticket = services.open_ticket(
        requester=carol, subject="VPN drops every hour", body="Since Monday the VPN drops.", department=support
    )
    services.post_reply(ticket=ticket, actor=alice.user, body="Which client version do you use?")
    services.post_message(ticket=ticket, author=carol, body="Version 5.2 on Windows 11.")
    CannedResponse.objects.create(
        title="Ask for logs",
        body="Hello {{ requester.name }},\nplease send the logs for ticket #{{ ticket.number }}.",
    )

    sign_in(page, "alice@example.com")
    page.goto(f"/scp/tickets/{ticket.number}/")
    assert page.get_by_role("heading", name=re.compile("VPN drops every hour")).is_visible()

    page.get_by_label("Insert a canned response").select_option(label="Ask for logs")
    message = page.get_by_label("Message")
    expected = f"Hello Carol Customer,\nplease send the logs for ticket #{ticket.number}."
    page.wait_for_function("(text) => document.querySelector('[data-reply-body]').value.includes(text)", arg=expected)
    page.get_by_role("button", name="Post reply").click()

    page.wait_for_url(re.compile(r"#entry-\d+$"))
    response = page.locator("article.thread-response").last
    assert "please send the logs for ticket" in response.inner_text()
    assert "Support desk" in response.inner_text()  # signature appended
    assert page.get_by_text("Reply sent.").is_visible()

    textarea_colour = "element => getComputedStyle(element).backgroundColor"
    assert message.evaluate(textarea_colour) == "rgb(255, 255, 255)"
    page.get_by_role("radiogroup", name="Reply type").get_by_text("Internal note").click()
    assert page.get_by_text("Only agents see internal notes.", exact=False).is_visible()
    assert message.evaluate(textarea_colour) == "rgb(255, 251, 234)"  # the note box turns yellow
    assert page.get_by_label("Append my signature").is_hidden()
    message.fill("Logs requested; @alice check the VPN gateway tonight.")
    page.get_by_role("button", name="Post internal note").click()

    page.wait_for_url(re.compile(r"#entry-\d+$"))
    note = page.locator("article.thread-note").last
    assert "check the VPN gateway tonight" in note.inner_text()
    assert note.locator(".thread-note-label").inner_text().strip().lower() == "internal note"
    background = note.evaluate("element => getComputedStyle(element).backgroundColor")
    assert background == "rgb(255, 248, 214)"  # yellow, unlike the white customer and agent entries
    assert (
        page.locator("article.thread-response").last.evaluate("element => getComputedStyle(element).backgroundColor")
        == "rgb(255, 255, 255)"
    )
    assert "Support desk" not in note.inner_text()  # no signature on notes

    page.locator("#thread").scroll_into_view_if_needed()
    page.screenshot(path=str(results_dir / "ticket-page.png"), full_page=True)
    assert page.console_errors == []
    leave(page)


def test_an_agent_sees_a_colleague_viewing_and_then_typing(page, browser, live_server, results_dir, alice, support):
    from helpdesk.accounts.models import Role

    bea = make_agent("bea@example.com", "Bea Second", support, role=Role.objects.get(name="Agent"))
    ticket = services.open_ticket(requester=alice.user, subject="Shared desk", body="Who takes it?", department=support)
    colleague = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1366, "height": 800})
    try:
        other = colleague.new_page()
        sign_in(other, bea.user.email)
        other.goto(f"/scp/tickets/{ticket.number}/")

        sign_in(page, "alice@example.com")
        page.goto(f"/scp/tickets/{ticket.number}/")
        banner = page.locator("[data-presence]")
        assert banner.is_visible()
        assert "Bea Second is viewing" in banner.inner_text()

        other.get_by_label("Message").press_sequentially("I can take this one")
        page.wait_for_function(
            "() => document.querySelector('[data-presence]').innerText.includes('Bea Second is typing a reply')",
            timeout=15_000,
        )
        page.screenshot(path=str(results_dir / "ticket-presence.png"))
        leave(other)
        leave(page)
    finally:
        colleague.close()
    assert page.console_errors == []


def test_the_cc_field_suggests_people_and_survives_a_missing_search(page, alice, carol, support):
    ticket = services.open_ticket(requester=carol, subject="Toner", body="Out of toner.", department=support)
    people = '[{"id": 7, "email": "dave@stranger.test", "name": "Dave Stranger", "is_agent": false}]'
    page.route("**/scp/people/search?q=da*", lambda route: route.fulfill(body=people, content_type="application/json"))
    page.route("**/scp/people/search?q=zz*", lambda route: route.fulfill(status=404, body="Not found"))
    sign_in(page, "alice@example.com")
    page.goto(f"/scp/tickets/{ticket.number}/")
    cc = page.get_by_label("CC", exact=True)

    cc.press_sequentially("boss@example.com, da")
    page.get_by_role("option", name=re.compile("Dave Stranger")).click()

    assert cc.input_value() == "boss@example.com, dave@stranger.test, "
    cc.press_sequentially("zz")
    page.wait_for_timeout(400)
    assert page.locator("#id_cc ~ .people-search-menu").is_hidden()
    leave(page)
