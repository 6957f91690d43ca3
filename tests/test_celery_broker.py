"""The production path: jobs travel through the real broker (Redis in CI) to a real Celery worker."""

import os
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from helpdesk.celery import app
from tickets.jobs import mark_overdue_tickets
from tickets.models import Ticket
from tickets.services import open_ticket

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="CELERY_BROKER_URL is not set"),
]


@pytest.fixture
def worker(default_statuses):
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def test_overdue_job_sent_through_the_broker_is_run_by_a_worker(worker, carol, support):
    ticket = open_ticket(requester=carol, subject="Late", body="x", department=support)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - timedelta(minutes=1))

    mark_overdue_tickets.delay()

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not Ticket.objects.get(pk=ticket.pk).is_overdue:
        time.sleep(0.2)
    assert Ticket.objects.get(pk=ticket.pk).is_overdue
