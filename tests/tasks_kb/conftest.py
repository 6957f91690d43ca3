"""Fixtures shared by the task and knowledge-base tests."""

from __future__ import annotations

import pytest

from helpdesk.accounts.models import Agent, Team
from tasks.models import Task
from tasks.services import create_task


@pytest.fixture
def printer_task(alice, ticket) -> Task:
    """An open task of carol's Support ticket, assigned to alice."""
    return create_task(actor=alice.user, ticket=ticket, title="Replace the fuser", assignee=alice)


@pytest.fixture
def field_team(bob) -> Team:
    team = Team.objects.create(name="Field")
    team.members.add(bob)
    return team


@pytest.fixture
def manager(support, alice) -> Agent:
    """Alice manages the Support department."""
    support.manager = alice
    support.save(update_fields=["manager"])
    return alice
