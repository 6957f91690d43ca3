"""The time panel on the staff ticket page: start/stop, log minutes, time per agent, and who may use it."""

import pytest
from django.urls import reverse

from helpdesk.timetracking.models import TimeEntry
from helpdesk.timetracking.services import log_time
from tests.conftest import signed_in


def page(client, ticket):
    return client.get(reverse("scp:ticket", args=[ticket.number])).content.decode()


def post(client, ticket, action, data=None):
    return client.post(reverse(f"scp:{action}", args=[ticket.number]), data or {})


def test_an_agent_starts_and_stops_a_timer_from_the_ticket(client, ticket, alice):
    signed_in(client, alice)

    assert post(client, ticket, "ticket_timer_start").status_code == 302
    assert "Stop timer" in page(client, ticket)
    assert post(client, ticket, "ticket_timer_stop").status_code == 302

    entry = TimeEntry.objects.get()
    assert (entry.ticket, entry.agent, entry.is_running, entry.minutes) == (ticket, alice, False, 1)
    assert "Start timer" in page(client, ticket)


def test_an_agent_logs_minutes_with_a_note_and_billable_flag(client, ticket, alice):
    signed_in(client, alice)

    response = post(client, ticket, "ticket_time_log", {"minutes": "25", "note": "Remote session"})

    assert response.status_code == 302 and response["Location"].endswith("#ticket-time")
    entry = TimeEntry.objects.get()
    assert (entry.minutes, entry.note, entry.billable) == (25, "Remote session", False)


def test_a_bad_number_of_minutes_logs_nothing(client, ticket, alice):
    signed_in(client, alice)

    post(client, ticket, "ticket_time_log", {"minutes": "0", "billable": "on"})

    assert not TimeEntry.objects.exists()


def test_stopping_without_a_timer_says_so(client, ticket, alice):
    signed_in(client, alice)

    response = client.post(reverse("scp:ticket_timer_stop", args=[ticket.number]), follow=True)

    assert "You have no timer running." in response.content.decode()


def test_the_panel_shows_the_time_per_agent(client, ticket, alice, admin_user):
    from helpdesk.accounts.models import Agent

    Agent.objects.create(user=admin_user)
    log_time(actor=alice.user, ticket=ticket, minutes=30)
    log_time(actor=alice.user, ticket=ticket, minutes=15, billable=False)
    log_time(actor=admin_user, ticket=ticket, minutes=1)
    signed_in(client, alice)

    html = page(client, ticket)

    assert "45 minutes" in html and "30 billable" in html
    assert "1 minute" in html


@pytest.mark.parametrize("action", ["ticket_timer_start", "ticket_timer_stop", "ticket_time_log"])
def test_an_agent_who_cannot_see_the_ticket_gets_404(client, ticket, bob, action):
    signed_in(client, bob)

    assert post(client, ticket, action, {"minutes": "5"}).status_code == 404


@pytest.mark.parametrize("action", ["ticket_timer_start", "ticket_timer_stop", "ticket_time_log"])
def test_customers_get_403_and_anonymous_visitors_the_sign_in(client, ticket, carol, action):
    assert post(client, ticket, action).status_code == 302
    signed_in(client, carol)
    assert post(client, ticket, action).status_code == 403


@pytest.mark.parametrize("action", ["ticket_timer_start", "ticket_timer_stop", "ticket_time_log"])
def test_get_is_refused(client, ticket, alice, action):
    signed_in(client, alice)

    assert client.get(reverse(f"scp:{action}", args=[ticket.number])).status_code == 405


def test_an_agent_without_reply_permission_sees_no_timer_and_is_refused(client, ticket, alice, agent_role):
    agent_role.can_reply = False
    agent_role.save()
    signed_in(client, alice)

    assert "Start timer" not in page(client, ticket)
    post(client, ticket, "ticket_time_log", {"minutes": "5", "billable": "on"})
    assert not TimeEntry.objects.exists()


def test_the_ticket_page_stays_within_its_query_budget(client, ticket, alice, django_assert_max_num_queries):
    log_time(actor=alice.user, ticket=ticket, minutes=30)
    signed_in(client, alice)
    page(client, ticket)

    with django_assert_max_num_queries(35):
        page(client, ticket)
