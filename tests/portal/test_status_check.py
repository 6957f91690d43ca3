"""Checking a ticket's status: a signed link by mail, and the same answer whether or not the pair exists."""

from __future__ import annotations

import re
from unittest.mock import call, patch

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helpdesk.accounts.models import User
from tickets.jobs import mail_ticket_link

URL = reverse("portal:status")


def check(client, email, number, **extra):
    return client.post(URL, {"email": email, "number": number}, **extra)


def visible_text(response) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode())


def test_the_form_opens_for_anyone(client, db):
    assert client.get(URL).status_code == 200


def test_a_matching_pair_gets_a_link_by_mail(client, site, ticket, carol):
    check(client, "Carol@Customer.test", ticket.number)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [carol.email]
    assert f"#{ticket.number}" in mail.outbox[0].subject


def test_the_mailed_link_opens_the_ticket(client, site, ticket, carol):
    check(client, carol.email, ticket.number)
    found = re.search(r"http://testserver(/link/\S+/)", str(mail.outbox[0].body))
    assert found is not None
    link = found.group(1)

    response = client.get(link, follow=True)

    assert response.status_code == 200
    assert b"Printer on fire" in response.content


def test_a_number_with_a_hash_is_understood(client, site, ticket, carol):
    check(client, carol.email, f"#{ticket.number}")

    assert len(mail.outbox) == 1


def test_a_wrong_pair_sends_nothing_and_says_the_same(client, site, ticket, carol, dave):
    right = check(client, carol.email, ticket.number)
    wrong_owner = check(client, dave.email, ticket.number)
    unknown = check(client, "nobody@nowhere.test", ticket.number)

    assert len(mail.outbox) == 1
    texts = {
        visible_text(r).replace(e, "E")
        for r, e in [(right, carol.email), (wrong_owner, dave.email), (unknown, "nobody@nowhere.test")]
    }
    assert len(texts) == 1
    assert right.status_code == wrong_owner.status_code == unknown.status_code == 200


def test_a_cc_gets_a_link_too(client, site, ticket, dave, alice):
    from tickets import services

    services.add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    check(client, dave.email, ticket.number)

    assert mail.outbox[0].to == [dave.email]


def test_an_inactive_user_gets_nothing(client, site, ticket, carol):
    User.objects.filter(pk=carol.pk).update(is_active=False)

    check(client, carol.email, ticket.number)

    assert mail.outbox == []


def test_status_checks_are_rate_limited_per_address(client, site, ticket, carol, settings):
    settings.PORTAL_LOOKUPS_PER_HOUR = 2
    for n in range(2):
        check(client, f"x{n}@nowhere.test", ticket.number)

    response = check(client, carol.email, ticket.number)

    assert response.status_code == 429
    assert mail.outbox == []


def test_status_checks_are_rate_limited_per_email(client, site, ticket, carol, settings):
    settings.PORTAL_LOOKUPS_PER_HOUR = 2
    for n in range(2):
        check(client, carol.email, "123456", REMOTE_ADDR=f"10.0.0.{n}")

    response = check(client, carol.email, ticket.number, REMOTE_ADDR="10.0.0.9")

    assert response.status_code == 429
    assert mail.outbox == []


def test_a_malformed_number_is_refused(client, db):
    assert check(client, "a@b.test", "abc").status_code == 400


def test_the_page_hands_the_lookup_to_a_job_so_a_match_costs_no_more_than_a_miss(client, site, ticket, carol, dave):
    # The job is held back (not run inline, as tests otherwise do) to measure the page's own work.
    with patch.object(mail_ticket_link, "delay") as queued:
        with CaptureQueriesContext(connection) as matched:
            check(client, carol.email, ticket.number)
        with CaptureQueriesContext(connection) as missed:
            check(client, dave.email, ticket.number)

    assert queued.call_args_list == [call(carol.email, ticket.number), call(dave.email, ticket.number)]
    assert len(matched.captured_queries) == len(missed.captured_queries)
    assert mail.outbox == []


def test_the_job_mails_nothing_for_a_number_that_is_not_theirs(ticket, dave):
    assert mail_ticket_link(dave.email, ticket.number) is False
    assert mail.outbox == []
