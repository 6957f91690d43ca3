"""The embedded default's worker: with no broker server, jobs travel as files under var/ to a real worker."""

import time
from datetime import timedelta

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from helpdesk.celery import app
from tickets.models import Ticket
from tickets.services import open_ticket


@pytest.fixture
def file_broker(default_statuses, tmp_path):
    """A second Celery app on kombu's file transport, as `./sportello run` configures it, with a worker."""
    folder = str(tmp_path)
    embedded = Celery("embedded", set_as_current=False)
    embedded.config_from_object("django.conf:settings", namespace="CELERY")
    embedded.autodiscover_tasks(related_name="jobs", force=True)
    embedded.conf.update(
        broker_url="filesystem://",
        broker_transport_options={
            "data_folder_in": folder,
            "data_folder_out": folder,
            "control_folder": str(tmp_path / "control"),
        },
        task_always_eager=False,
    )
    try:
        with start_worker(embedded, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield embedded
    finally:
        app.set_current()  # the test worker made the embedded app the current one
        app.set_default()


def test_a_job_sent_through_the_file_broker_is_run_by_a_worker(file_broker, carol, support):
    ticket = open_ticket(requester=carol, subject="Late", body="x", department=support)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - timedelta(minutes=1))

    file_broker.send_task("tickets.jobs.mark_overdue_tickets")

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not Ticket.objects.get(pk=ticket.pk).is_overdue:
        time.sleep(0.2)
    assert Ticket.objects.get(pk=ticket.pk).is_overdue
