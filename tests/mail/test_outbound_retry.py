"""A mail server that refuses for a while: the send job retries, and the change it follows always stands."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker

from helpdesk.celery import app
from tickets.models import ThreadEntry
from tickets.services import open_ticket, post_reply


@pytest.fixture
def eager_retries():
    # Eager jobs that propagate their errors stop at the first Retry; these run the retries in place instead.
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


def test_a_temporary_smtp_refusal_is_retried_and_the_mail_delivered(
    smtp, ticket, alice, eager_retries, django_capture_on_commit_callbacks
):
    smtp.refuse_next = 2

    with django_capture_on_commit_callbacks(execute=True):
        post_reply(ticket=ticket, actor=alice.user, body="Fixed.")

    assert smtp.refused == 2
    assert len(smtp.to("carol@customer.test")) == 1


def test_a_mail_server_that_refuses_does_not_undo_the_reply(smtp, ticket, alice, django_capture_on_commit_callbacks):
    smtp.refuse_next = 1000

    with django_capture_on_commit_callbacks(execute=True):
        entry = post_reply(ticket=ticket, actor=alice.user, body="Fixed.")

    assert smtp.delivered == []
    assert smtp.refused >= 1
    assert ThreadEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="CELERY_BROKER_URL is not set")
def test_through_the_broker_a_worker_retries_a_refused_mail_until_it_is_delivered(
    smtp, default_statuses, carol, support, alice
):
    ticket = open_ticket(requester=carol, subject="Printer on fire", body="x", department=support, autorespond=False)
    smtp.refuse_next = 1
    app.conf.task_always_eager = False

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        post_reply(ticket=ticket, actor=alice.user, body="Fixed.")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not smtp.to("carol@customer.test"):
            time.sleep(0.2)

    assert smtp.refused == 1
    assert len(smtp.to("carol@customer.test")) == 1
