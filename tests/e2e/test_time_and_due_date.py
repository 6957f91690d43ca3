"""In a real browser: an agent times work on a ticket, logs minutes, overrides the due date, reads the report."""

from __future__ import annotations

import pytest

from tests.e2e.staff import sign_in
from tickets.services import open_ticket

pytestmark = pytest.mark.browser


def test_an_agent_times_logs_and_re_dates_a_ticket_then_reads_the_report(page, results_dir, alice, carol, support):
    ticket = open_ticket(requester=carol, subject="Printer on fire", body="It smokes.", department=support)
    sign_in(page, "alice@example.com")
    page.goto(f"/scp/tickets/{ticket.number}/")

    page.get_by_role("button", name="Start timer").click()
    page.get_by_role("button", name="Stop timer").click()
    page.get_by_placeholder("Minutes").fill("25")
    page.get_by_placeholder("Note").fill("Remote session")
    page.get_by_role("button", name="Log time").click()
    panel = page.locator("[data-ticket-time]")
    panel.get_by_text("26 minutes").wait_for()

    page.get_by_role("button", name="Due date").click()
    page.locator("#ta-due-at").fill("2031-05-04T17:30")
    page.get_by_role("button", name="Save due date").click()
    page.get_by_text("Due date saved.").wait_for()
    page.screenshot(path=str(results_dir / "automation-ticket.png"), full_page=True)

    page.get_by_role("link", name="Time").click()
    page.locator("[data-time-table=agents]").get_by_text("Alice Agent").wait_for()
    assert "26 minutes, 26 of them billable" in page.content()
    page.screenshot(path=str(results_dir / "automation-time-report.png"), full_page=True)
    assert page.console_errors == []
