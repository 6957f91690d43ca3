"""Tasks in a real browser: a task made from a ticket blocks closing it until the task is completed."""

from __future__ import annotations

import pytest

from tasks.models import Task
from tests.e2e.staff import sign_in
from tickets.models import State
from tickets.services import open_ticket

pytestmark = pytest.mark.browser


def close_from_the_action_panel(page) -> None:
    page.locator("#ta-status").select_option(label="Closed")
    page.get_by_role("button", name="Set status").click()


def test_a_task_blocks_closing_its_ticket_until_it_is_completed(page, results_dir, alice, carol, support):
    ticket = open_ticket(requester=carol, subject="Printer on fire", body="It smokes.", department=support)
    sign_in(page, "alice@example.com")
    page.goto(f"/scp/tickets/{ticket.number}/")

    page.locator("[data-ticket-tasks]").get_by_role("link", name="New task").click()
    page.get_by_label("Title").fill("Replace the fuser")
    page.get_by_role("button", name="Create task").click()
    page.get_by_text("created.").wait_for()
    task = Task.objects.get()
    assert task.ticket_id == ticket.pk

    page.locator("[data-task-ticket]").get_by_role("link", name=f"#{ticket.number}").click()
    page.locator("[data-ticket-tasks]").get_by_text("Replace the fuser").wait_for()
    close_from_the_action_panel(page)
    refusal = page.get_by_role("alert").filter(has_text="cannot be closed while it has open tasks")
    refusal.wait_for()
    assert f"#{task.pk} Replace the fuser" in refusal.inner_text()
    page.screenshot(path=str(results_dir / "ticket-close-refused-by-task.png"))

    page.locator("[data-ticket-tasks]").get_by_role("link", name=f"#{task.pk} Replace the fuser").click()
    page.get_by_role("button", name="Complete task").click()
    page.get_by_text("The task is completed.").wait_for()
    page.screenshot(path=str(results_dir / "task-page-completed.png"), full_page=True)

    page.locator("[data-task-ticket]").get_by_role("link", name=f"#{ticket.number}").click()
    close_from_the_action_panel(page)
    page.get_by_role("status").filter(has_text="Closed").first.wait_for()
    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED
    assert page.console_errors == []
