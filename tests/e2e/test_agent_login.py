"""An agent signs in with a real browser and lands on their ticket list."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tickets.models import Status, Ticket

pytestmark = pytest.mark.browser


def test_agent_signs_in_sees_only_her_departments_tickets_and_signs_out(
    page, results_dir, alice, support, billing, carol
):
    open_status = Status.default_for("open")
    Ticket.objects.create(
        number="482913", subject="VPN drops every hour", requester=carol, department=support, status=open_status
    )
    Ticket.objects.create(
        number="559031", subject="Refund for invoice 2024-117", requester=carol, department=billing, status=open_status
    )

    page.goto("/scp/login")
    page.get_by_label("E-mail").fill("alice@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url("**/scp/home/")
    page.get_by_role("link", name="Tickets", exact=True).click()
    page.wait_for_url("**/scp/")
    page.screenshot(path=str(results_dir / "agent-login.png"), full_page=True)
    assert page.get_by_role("heading", name="Open tickets").is_visible()
    assert page.get_by_role("cell", name="VPN drops every hour").is_visible()
    assert page.get_by_text("Refund for invoice 2024-117").count() == 0
    assert page.get_by_role("link", name="Signed in as Alice Agent").is_visible()
    # Bootstrap's stylesheet applied (the CSP let it through): the navbar is a flex row, not a plain block.
    assert page.locator("nav.navbar").evaluate("element => getComputedStyle(element).display") == "flex"
    assert page.console_errors == []

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/scp/login")
    assert page.get_by_text("You have signed out.").is_visible()
