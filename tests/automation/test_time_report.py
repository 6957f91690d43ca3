"""The time report: exact totals by agent, organization and period, the CSV export and who sees what."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from helpdesk.accounts.models import Organization
from helpdesk.timetracking import reports
from helpdesk.timetracking.services import log_time
from tasks.models import Task
from tests.conftest import make_agent, signed_in
from tickets.services import open_ticket

URL = reverse("scp:time_report")
MARCH_4 = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def logged(carol, dave, support, alice, agent_role):
    """Acme (carol) and no organization (dave), two Support agents, over two days and two months."""
    carol.organization = Organization.objects.create(name="Acme")
    carol.save()
    ann = make_agent("ann@example.com", "Ann Agent", support, role=agent_role)
    acme = open_ticket(requester=carol, subject="Acme", body="x", department=support)
    other = open_ticket(requester=dave, subject="Dave", body="x", department=support)
    log_time(actor=alice.user, ticket=acme, minutes=30, at=MARCH_4)
    log_time(actor=alice.user, ticket=acme, minutes=15, billable=False, at=MARCH_4 + timedelta(days=1))
    log_time(actor=ann.user, ticket=other, minutes=20, at=MARCH_4)
    log_time(actor=ann.user, ticket=acme, minutes=100, at=MARCH_4 + timedelta(days=30))  # April 3rd
    return acme


def march(user):
    return reports.in_period(reports.visible_entries(user), date(2030, 3, 1), date(2030, 3, 31))


def test_totals_by_agent_are_exact(logged, alice):
    rows = [
        (r["agent__user__name"], r["worked"], r["billed"], r["entries"]) for r in reports.by_agent(march(alice.user))
    ]

    assert rows == [("Alice Agent", 45, 30, 2), ("Ann Agent", 20, 20, 1)]


def test_totals_by_organization_are_exact(logged, alice):
    rows = [(r["organization"], r["worked"], r["billed"]) for r in reports.by_organization(march(alice.user))]

    assert rows == [("", 20, 20), ("Acme", 45, 30)]


def test_totals_by_day_and_month_are_exact(logged, alice):
    entries = reports.in_period(reports.visible_entries(alice.user), date(2030, 3, 1), date(2030, 4, 30))

    days = [(r["period"].date(), r["worked"]) for r in reports.by_period(entries, "day")]
    months = [(r["period"].month, r["worked"], r["billed"]) for r in reports.by_period(entries, "month")]

    assert days == [(date(2030, 3, 4), 50), (date(2030, 3, 5), 15), (date(2030, 4, 3), 100)]
    assert months == [(3, 65, 50), (4, 100, 100)]


def test_the_period_follows_local_days(settings, logged, alice):
    settings.TIME_ZONE = "Pacific/Auckland"  # 10:00 UTC on March 4th is 23:00 there, 11:00 on the 5th in UTC ones
    entries = reports.in_period(reports.visible_entries(alice.user), date(2030, 3, 4), date(2030, 3, 4))

    assert reports.totals(reports.by_agent(entries))["worked"] == 50


def test_a_running_timer_is_not_counted(logged, alice):
    from helpdesk.timetracking.services import start_timer

    start_timer(actor=alice.user, ticket=logged, at=MARCH_4)

    assert reports.totals(reports.by_agent(march(alice.user)))["worked"] == 65


def test_an_agent_sees_only_time_on_tickets_and_tasks_they_may_open(logged, bob, billing):
    task = Task.objects.create(title="Billing run", department=billing, assignee=bob)
    log_time(actor=bob.user, task=task, minutes=7, at=MARCH_4)

    assert reports.totals(reports.by_agent(march(bob.user)))["worked"] == 7


def test_the_report_page_shows_the_totals(client, logged, alice):
    signed_in(client, alice)

    response = client.get(URL, {"start": "2030-03-01", "end": "2030-03-31", "unit": "month"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "65 minutes, 50 of them billable" in page
    assert "Acme" in page and "No organization" in page


def _table(page: str, name: str) -> list[list[str]]:
    """The body rows of one of the report's tables, as cell texts."""
    body = re.search(rf'data-time-table="{name}">.*?<tbody>(.*?)</tbody>', page, re.DOTALL)
    assert body is not None, name
    rows = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.DOTALL)
    return [[cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)] for row in rows]


@pytest.mark.parametrize(("unit", "periods"), [("month", ["March 2030"]), ("day", ["03/04/2030", "03/05/2030"])])
def test_the_report_page_lists_each_table_row_by_row(client, logged, alice, unit, periods):
    signed_in(client, alice)

    page = client.get(URL, {"start": "2030-03-01", "end": "2030-03-31", "unit": unit}).content.decode()

    assert _table(page, "agents") == [["Alice Agent", "45", "30"], ["Ann Agent", "20", "20"]]
    assert _table(page, "organizations") == [["No organization", "20", "20"], ["Acme", "45", "30"]]
    assert [row[0] for row in _table(page, "periods")] == periods


def test_an_empty_period_says_so_in_every_table(client, alice, db):
    signed_in(client, alice)

    page = client.get(URL, {"start": "2030-03-01", "end": "2030-03-31"}).content.decode()

    for name in ("agents", "organizations", "periods"):
        assert _table(page, name) == [["No time logged in this period."]]


def test_the_csv_export_lists_the_entries(client, logged, alice):
    signed_in(client, alice)

    response = client.get(URL, {"start": "2030-03-01", "end": "2030-03-31", "export": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="time-20300301-20300331.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Date", "Agent", "Ticket", "Task", "Organization", "Minutes", "Billable", "Note"]
    assert [row[1] for row in rows[1:]] == ["Alice Agent", "Ann Agent", "Alice Agent"]
    assert rows[1][2:8] == [logged.number, "", "Acme", "30", "yes", ""]


@pytest.mark.parametrize("note", ['=HYPERLINK("http://evil.example")', "+1+1", "-2", "@SUM(A1)"])
def test_the_csv_export_escapes_cells_a_spreadsheet_would_run(client, ticket, alice, note):
    log_time(actor=alice.user, ticket=ticket, minutes=5, note=note)
    signed_in(client, alice)

    response = client.get(URL, {"export": "csv"})

    row = list(csv.reader(io.StringIO(response.content.decode())))[1]
    assert row[7] == "'" + note


def test_csv_safe_leaves_ordinary_text_and_numbers_alone():
    assert reports.csv_safe("Phone call") == "Phone call"
    assert reports.csv_safe(-5) == -5
    assert reports.csv_safe("=1") == "'=1"
    assert reports.csv_safe("\tx") == "'\tx"


def test_the_report_needs_staff(client, carol):
    assert client.get(URL).status_code == 302
    signed_in(client, carol)
    assert client.get(URL).status_code == 403


def test_the_report_page_runs_a_fixed_number_of_queries(client, logged, alice, django_assert_max_num_queries):
    signed_in(client, alice)
    client.get(URL)

    with django_assert_max_num_queries(13):
        client.get(URL, {"start": "2030-03-01", "end": "2030-04-30"})
