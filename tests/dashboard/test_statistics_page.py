"""The statistics page: who may see it, what each sees, the period picker and the CSV exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboard.exports import safe_cell
from tests.conftest import signed_in
from tickets import services

from .conftest import at

URL = "/scp/dashboard/"
WEEK = {"period": "custom", "start": "2026-03-02", "end": "2026-03-08"}


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_customers_are_refused(client, carol):
    assert signed_in(client, carol).get(URL).status_code == 403


def test_anonymous_visitors_go_to_sign_in(client, db):
    assert client.get(URL).status_code == 302


def test_the_page_shows_the_figures_charts_and_breakdowns(client, history, admin_user):
    response = signed_in(client, admin_user).get(URL, WEEK)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<polyline") == 4  # opened, closed, backlog, first response
    assert 'data-breakdown="organization"' in body


def test_the_page_keeps_a_constant_number_of_queries(client, history, admin_user, carol, billing):
    signed_in(client, admin_user)
    with CaptureQueriesContext(connection) as before:
        client.get(URL, WEEK)
    for hour in range(9, 15):
        ticket = services.open_ticket(requester=carol, subject="More", body="x", department=billing, at=at(4, hour))
        services.post_reply(ticket=ticket, actor=admin_user, body="Done", at=at(4, hour, 30))
    with CaptureQueriesContext(connection) as after:
        client.get(URL, WEEK)
    assert len(after) == len(before)


def test_an_agent_sees_only_their_departments_in_the_breakdown(client, history, alice):
    rows = _csv(signed_in(client, alice).get(URL, {**WEEK, "export": "department"}))
    assert rows == [
        ["Department", "Opened", "Assigned", "Closed", "Reopened", "Overdue", "Responses"],
        ["Support", "2", "1", "1", "0", "1", "2"],
    ]


def test_the_admin_sees_every_department_most_opened_first(client, history, admin_user):
    rows = _csv(signed_in(client, admin_user).get(URL, {**WEEK, "export": "department"}))
    assert [row[0] for row in rows[1:]] == ["Support", "Billing"]


def test_the_chart_data_export_has_one_row_per_day(client, history, admin_user):
    rows = _csv(signed_in(client, admin_user).get(URL, {**WEEK, "export": "days"}))
    assert rows[0][0] == "Day"
    assert [row[0] for row in rows[1:]] == [f"2026-03-0{d}" for d in range(2, 9)]
    assert rows[2][1:4] == ["1", "0", "2"]  # 3 March: one opened, none assigned, two closed


def test_the_summary_export_compares_with_the_previous_period(client, history, admin_user):
    rows = _csv(signed_in(client, admin_user).get(URL, {**WEEK, "export": "summary"}))
    assert rows[1] == ["Opened", "3", "1"]


def test_an_unknown_export_is_not_found(client, history, admin_user):
    assert signed_in(client, admin_user).get(URL, {**WEEK, "export": "secrets"}).status_code == 404


def test_an_organization_named_like_a_formula_is_escaped_in_the_export(client, history, admin_user, carol):
    from helpdesk.accounts.models import Organization

    carol.organization = Organization.objects.create(name='=HYPERLINK("http://evil")')
    carol.save(update_fields=["organization"])
    rows = _csv(signed_in(client, admin_user).get(URL, {**WEEK, "export": "organization"}))
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_escaped(text):
    assert safe_cell(text) == "'" + text


def test_plain_text_and_numbers_are_left_alone():
    assert (safe_cell("Support"), safe_cell(-3), safe_cell(None)) == ("Support", -3, "")


def test_a_bad_period_falls_back_to_the_last_30_days(client, history, admin_user):
    response = signed_in(client, admin_user).get(URL, {"period": "forever"})
    assert response.status_code == 200
    assert len(response.context["stats"].days) == 30


def test_the_page_renders_in_italian(client, history, alice):
    alice.user.language = "it"
    alice.user.save(update_fields=["language"])
    response = signed_in(client, alice).get(URL, WEEK)
    assert (response.status_code, '<html lang="it"' in response.text) == (200, True)


# Session, user (with agent and devices), an agent's departments, the open tickets, the counts per day,
# the rolled-up days, the live days' counts and durations (2), four spreads (two kinds, two periods), the
# breakdowns, the names in them (departments and agents here; topics, teams and organizations when some
# ticket has one) and the daily first-response medians.
PAGE_QUERIES = 17


@pytest.mark.parametrize("who", ["admin_user", "alice"])
def test_the_page_runs_a_fixed_number_of_queries_rolled_up_or_live(client, history, who, request):
    from datetime import date, timedelta

    from dashboard import rollup

    signed_in(client, request.getfixturevalue(who))
    client.get(URL, WEEK)
    with CaptureQueriesContext(connection) as live:
        client.get(URL, WEEK)
    for n in range(16):
        rollup.roll_up(date(2026, 2, 23) + timedelta(days=n))
    with CaptureQueriesContext(connection) as rolled:
        client.get(URL, WEEK)
    assert len(rolled) == len(live) <= PAGE_QUERIES
