"""The time panel on the staff ticket page: start/stop, log minutes, time per agent, and who may use it."""

import pytest
from django.urls import reverse

from helpdesk.timetracking.models import TimeEntry
from helpdesk.timetracking.services import log_time
from tests.conftest import make_agent, signed_in


def page(client, ticket):
    return client.get(reverse("scp:ticket", args=[ticket.number])).content.decode()


def post(client, ticket, action, data=None):
    return client.post(reverse(f"scp:{action}", args=[ticket.number]), data or {})


def test_an_agent_starts_and_stops_a_timer_from_the_ticket(client, ticket, alice):
    signed_in(client, alice)

    assert post(client, ticket, "ticket_time_start").status_code == 302
    assert "Stop timer" in page(client, ticket)
    assert post(client, ticket, "ticket_time_stop").status_code == 302

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

    response = client.post(reverse("scp:ticket_time_stop", args=[ticket.number]), follow=True)

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


@pytest.mark.parametrize("action", ["ticket_time_start", "ticket_time_stop", "ticket_time_log"])
def test_an_agent_who_cannot_see_the_ticket_gets_404(client, ticket, bob, action):
    signed_in(client, bob)

    assert post(client, ticket, action, {"minutes": "5"}).status_code == 404


@pytest.mark.parametrize("action", ["ticket_time_start", "ticket_time_stop", "ticket_time_log"])
def test_customers_get_403_and_anonymous_visitors_the_sign_in(client, ticket, carol, action):
    assert post(client, ticket, action).status_code == 302
    signed_in(client, carol)
    assert post(client, ticket, action).status_code == 403


@pytest.mark.parametrize("action", ["ticket_time_start", "ticket_time_stop", "ticket_time_log"])
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


# --- on a task ----------------------------------------------------------------------------------


@pytest.fixture
def task(support, bob):
    from tasks.models import Task

    return Task.objects.create(title="Order toner", department=support, assignee=bob)


def task_post(client, task, action, data=None):
    return client.post(reverse(f"scp:task_time_{action}", args=[task.pk]), data or {})


def test_the_tasks_worker_times_and_logs_work_from_the_task_page(client, task, bob):
    signed_in(client, bob)

    task_post(client, task, "start")
    assert "Stop timer" in client.get(reverse("scp:task", args=[task.pk])).content.decode()
    task_post(client, task, "stop")
    response = task_post(client, task, "log", {"minutes": "10", "billable": "on"})

    assert response["Location"] == reverse("scp:task", args=[task.pk]) + "#ticket-time"
    assert sorted(TimeEntry.objects.filter(task=task).values_list("minutes", flat=True)) == [1, 10]
    assert "11 minutes" in client.get(reverse("scp:task", args=[task.pk])).content.decode()


def test_an_agent_who_cannot_see_the_task_gets_404(client, task, dave, agent_role, billing):
    outsider = make_agent("otto@example.com", "Otto", billing, role=agent_role)
    signed_in(client, outsider)

    assert task_post(client, task, "log", {"minutes": "5"}).status_code == 404


def test_an_agent_who_may_read_but_not_work_on_the_task_is_refused(client, task, alice, agent_role):
    agent_role.can_manage_tasks = False
    agent_role.save()
    signed_in(client, alice)

    assert "Start timer" not in client.get(reverse("scp:task", args=[task.pk])).content.decode()
    task_post(client, task, "log", {"minutes": "5", "billable": "on"})
    assert not TimeEntry.objects.exists()
