"""A manager reads the statistics in a real browser: the charts draw the week's data, the picker changes them."""

from __future__ import annotations

import re

import pytest

from helpdesk.accounts.models import Notification
from tests.dashboard.conftest import history  # noqa: F401 (the known week of tickets)
from tests.e2e.staff import sign_in
from tickets import services

pytestmark = pytest.mark.browser


def summary(page, label: str) -> str:
    return (
        page.locator("[data-summary] tr", has=page.get_by_role("rowheader", name=label, exact=True))
        .locator("td")
        .first.inner_text()
    )


def test_the_charts_draw_the_period_and_the_picker_changes_them(page, results_dir, history, admin_user, carol, support):  # noqa: F811
    services.open_ticket(requester=carol, subject="Opened this week", body="Hello", department=support)
    sign_in(page, admin_user.email)
    page.goto("/scp/dashboard/?period=custom&start=2026-03-02&end=2026-03-08")
    chart = page.locator("[data-chart=chart-opened-closed] svg")
    assert chart.get_attribute("role") == "img"
    opened_line = chart.locator("polyline.series-opened")
    week_points = opened_line.get_attribute("points")
    assert len(week_points.split()) == 7
    assert summary(page, "Opened") == "3"
    assert page.locator("[data-chart=chart-topics]").is_visible()
    page.screenshot(path=str(results_dir / "dashboard-week.png"), full_page=True)

    page.get_by_label("Period").select_option(label="Last 7 days")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"period=7d"))
    assert summary(page, "Opened") == "1"
    assert opened_line.get_attribute("points") != week_points
    assert page.console_errors == []


def test_the_bell_counts_new_notifications_without_a_reload(page, results_dir, alice, ticket):
    sign_in(page, alice.user.email)
    page.goto("/scp/home/")
    bell = page.locator("[data-notification-button]")
    assert bell.get_attribute("data-count") == "0"
    Notification.objects.create(recipient=alice.user, kind=Notification.Kind.ASSIGNED, ticket=ticket, text="Yours")
    page.evaluate("htmx.trigger(document.body, 'refresh-notifications')")
    page.wait_for_selector("[data-notification-count]")
    bell.click()
    page.screenshot(path=str(results_dir / "home-notifications.png"), full_page=True)
    page.get_by_role("button", name="Mark all read").click()
    page.wait_for_selector("[data-notification-count]", state="detached")
    assert not Notification.objects.filter(read_at__isnull=True).exists()
