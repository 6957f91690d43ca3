"""An agent works a queue in a real browser: filters it, previews a row, bulk-closes and reads the refusal."""

from __future__ import annotations

import re

import pytest

from tasks.services import create_task
from tests.e2e.staff import sign_in
from tickets import services
from tickets.models import Priority, Ticket

pytestmark = pytest.mark.browser


def test_agent_filters_a_queue_and_bulk_closes_with_a_refusal(page, results_dir, alice, carol, support, billing):
    def open_ticket(subject: str, priority: int, department=support) -> Ticket:
        return services.open_ticket(
            requester=carol, subject=subject, body=f"{subject}, please help.", department=department, priority=priority
        )

    blocked = open_ticket("Printer on fire", Priority.URGENT)
    free = open_ticket("Scanner jammed", Priority.URGENT)
    open_ticket("Mouse squeaks", Priority.NORMAL)
    open_ticket("Refund for invoice 2024-117", Priority.URGENT, department=billing)
    services.post_note(ticket=free, actor=alice.user, body="Asked facilities for a replacement roller.")
    task = create_task(actor=alice.user, title="Order a new fuser", ticket=blocked)

    sign_in(page, "alice@example.com")
    assert page.get_by_role("heading", name="Open tickets").is_visible()
    menu = page.get_by_role("navigation", name="Queues")
    assert menu.get_by_role("link", name=re.compile(r"Open\s+3")).is_visible()

    # Filter by priority.
    filters = page.get_by_role("search", name="Filter tickets")
    filters.get_by_label("Priority").select_option(label="Urgent")
    filters.get_by_role("button", name="Filter", exact=True).click()
    page.wait_for_url(re.compile(r"/scp/\?priority=4"))
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    assert page.get_by_role("cell", name="Mouse squeaks").count() == 0
    assert page.get_by_text("Refund for invoice 2024-117").count() == 0

    # Hovering a row previews its priority and latest entry.
    page.get_by_role("row", name=re.compile("Scanner jammed")).hover()
    preview = page.locator(".popover.queue-preview")
    preview.wait_for()
    assert "Priority: Urgent" in preview.inner_text()
    assert "Internal note · Alice Agent: Asked facilities" in preview.inner_text()
    page.screenshot(path=str(results_dir / "queue-preview.png"))
    page.mouse.move(5, 5)
    preview.wait_for(state="detached")
    page.screenshot(path=str(results_dir / "queue-filtered.png"), full_page=True)

    # Bulk-close both: the one with an open task is refused, and the message says why.
    apply = page.get_by_role("button", name="Apply")
    assert apply.is_disabled()
    page.get_by_label("Select all tickets on this page").check()
    assert page.get_by_text("2 selected").is_visible()
    page.get_by_label("Action").select_option("close")
    assert not page.get_by_label("Assign to").is_visible()
    apply.click()

    page.wait_for_url(re.compile(r"/scp/\?priority=4"))
    alert = page.get_by_role("alert")
    expected = (
        f"1 ticket updated, 1 refused: #{blocked.number} (The ticket cannot be closed while it has open tasks: "
        f"#{task.pk} Order a new fuser. Complete them first.)"
    )
    assert expected in alert.inner_text()
    assert page.get_by_role("cell", name="Printer on fire").is_visible()
    assert page.get_by_role("cell", name="Scanner jammed").count() == 0
    assert menu.get_by_role("link", name=re.compile(r"Closed\s+1")).is_visible()
    page.screenshot(path=str(results_dir / "queue-bulk-refusal.png"), full_page=True)

    free.refresh_from_db()
    blocked.refresh_from_db()
    assert free.is_closed
    assert not blocked.is_closed
    assert page.console_errors == []


def test_agent_saves_a_search_and_opens_it_from_the_menu(page, alice, carol, support):
    services.open_ticket(
        requester=carol, subject="Server down", body="Nothing loads.", department=support, priority=Priority.URGENT
    )
    services.open_ticket(requester=carol, subject="Mouse squeaks", body="Eek.", department=support)

    sign_in(page, "alice@example.com")
    page.goto("/scp/queues/unassigned/?priority=4")
    page.get_by_role("button", name="Save this search").click()
    page.get_by_label("Name").fill("Urgent, unassigned")
    page.get_by_label("Share with all agents").check()
    page.get_by_role("button", name="Save", exact=True).click()

    page.wait_for_url(re.compile(r"/scp/searches/\d+/"))
    assert page.get_by_role("heading", name="Urgent, unassigned").is_visible()
    assert page.get_by_role("cell", name="Server down").is_visible()
    assert page.get_by_role("cell", name="Mouse squeaks").count() == 0

    page.get_by_role("navigation", name="Queues").get_by_role("link", name="Open").first.click()
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="Urgent, unassigned").click()
    assert page.get_by_role("cell", name="Server down").is_visible()
    assert page.console_errors == []
