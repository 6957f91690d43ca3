"""Knowledge-base services refuse whoever may not make the change, whatever the channel."""

from __future__ import annotations

import pytest

from faq.models import CannedResponse, Category
from faq.services import save_canned, save_category, save_faq, set_canned_active
from tickets.services import NotAllowed


def test_a_plain_agent_may_not_write_a_category(alice):
    with pytest.raises(NotAllowed):
        save_category(actor=alice.user, name="x", description="", is_public=True)


def test_a_plain_agent_may_not_write_a_faq(alice):
    category = Category.objects.create(name="Printers")

    with pytest.raises(NotAllowed):
        save_faq(actor=alice.user, category=category, question="q", answer="a")


def test_a_customer_may_not_write_a_faq(carol):
    category = Category.objects.create(name="Printers")

    with pytest.raises(NotAllowed):
        save_faq(actor=carol, category=category, question="q", answer="a")


def test_a_manager_may_not_write_for_another_department(manager, billing):
    with pytest.raises(NotAllowed):
        save_canned(actor=manager.user, title="t", body="b", department=billing)


def test_a_manager_may_not_disable_a_global_response(manager):
    canned = CannedResponse.objects.create(title="Thanks", body="Thanks.")

    with pytest.raises(NotAllowed):
        set_canned_active(actor=manager.user, canned=canned, active=False)


def test_a_manager_writes_for_their_department(manager, support):
    canned = save_canned(actor=manager.user, title="t", body="b", department=support)

    assert canned.department == support
