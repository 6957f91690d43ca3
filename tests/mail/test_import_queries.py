"""Importing one mail runs a fixed, small number of queries, however many agents it alerts.

Reference data (own addresses, ticket filters, statuses) is read once per import, and
once per poll when a poll imports several: ``tickets.reference.batch``.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.accounts.models import Agent
from helpdesk.mail.importing import receive
from helpdesk.mail.models import Mailbox
from tests.conftest import make_agent
from tests.mail.letters import letter
from tickets import reference
from tickets.models import Ticket

# The test's transaction turns each atomic block into a savepoint and its release (4 pairs here);
# in production the outermost one is BEGIN/COMMIT, which are not counted as queries.
# New ticket: the duplicate check, the record's claim, the rate limit, own addresses, the sender, the
# ticket filters, the default status, a free number, the ticket, its entry, its event and the record's
# outcome. The agents to alert are found by the job that mails them, on the worker.
NEW_TICKET_QUERIES = 18
# A reply: the duplicate check, the claim, the rate limit, own addresses, the sender, the entry it
# answers, the ticket locked, the entry, the ticket's update, its event and the record's outcome.
REPLY_QUERIES = 15
# In a poll, the second mail on reads no own addresses, filters or status again.
NEW_TICKET_IN_A_POLL_QUERIES = NEW_TICKET_QUERIES - 3


@pytest.fixture
def mailbox(support) -> Mailbox:
    return Mailbox.objects.create(
        name="Support inbox", email="help@example.com", host="imap.example.com", username="help", department=support
    )


def agents_alerted(count: int, support, agent_role) -> list[Agent]:
    return [
        make_agent(f"agent{index}@example.com", f"Agent {index}", support, role=agent_role) for index in range(count)
    ]


def queries(raw: bytes, mailbox: Mailbox) -> int:
    with CaptureQueriesContext(connection) as captured:
        record = receive(raw, mailbox=mailbox)
    assert record.state == record.State.IMPORTED, record.reason
    return len(captured)


def test_a_new_ticket_mail_runs_a_fixed_number_of_queries(mailbox, alice, carol, support, agent_role):
    receive(letter(subject="First"), mailbox=mailbox)  # warm: content types, lazy settings
    assert queries(letter(subject="Printer"), mailbox) == NEW_TICKET_QUERIES

    agents_alerted(5, support, agent_role)
    assert queries(letter(subject="Scanner"), mailbox) == NEW_TICKET_QUERIES


def test_a_reply_runs_a_fixed_number_of_queries(mailbox, alice, carol):
    receive(letter(subject="Printer"), mailbox=mailbox)
    first_id = Ticket.objects.get().entries.get().message_id

    reply = letter(subject="Re: Printer", body="> It smokes\n\nStill smoking.", In_Reply_To=first_id)
    assert queries(reply, mailbox) == REPLY_QUERIES
    assert Ticket.objects.get().entries.count() == 2


def test_a_poll_reads_the_reference_data_once(mailbox, alice, carol):
    with reference.batch():
        receive(letter(subject="First"), mailbox=mailbox)
        assert queries(letter(subject="Second"), mailbox) == NEW_TICKET_IN_A_POLL_QUERIES


def test_reference_data_is_read_again_after_its_time(monkeypatch):
    reads = []
    clock = iter([0.0, 1.0, reference.MAX_AGE_SECONDS + 1])
    monkeypatch.setattr(reference.time, "monotonic", lambda: next(clock))
    with reference.batch():
        for _round in range(3):
            reference.remembered("key", lambda: reads.append(1))
    assert len(reads) == 2


def test_reference_data_is_read_every_time_outside_a_batch():
    reads = []
    for _round in range(2):
        reference.remembered("key", lambda: reads.append(1))
    assert len(reads) == 2


def test_a_reply_with_a_long_references_chain_looks_the_ids_up_at_once(mailbox, alice, carol):
    receive(letter(subject="Printer"), mailbox=mailbox)
    first_id = Ticket.objects.get().entries.get().message_id
    others = " ".join(f"<unknown{number}@client.test>" for number in range(10))

    reply = letter(subject="Re: Printer", body="Still smoking.", References=f"{first_id} {others}")
    assert queries(reply, mailbox) == REPLY_QUERIES
    assert Ticket.objects.get().entries.count() == 2
