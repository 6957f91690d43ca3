"""Fixtures of the portal tests: a routed help topic, a knowledge base, and a way in through a mail link."""

from __future__ import annotations

import uuid

import pytest

from faq.models import Category, Faq
from helpdesk.accounts.models import Organization, User
from tests.conftest import PASSWORD
from tickets.links import create_link
from tickets.models import HelpTopic, Priority


@pytest.fixture(autouse=True)
def _own_cache_space(settings):
    # Rate-limit counters live in the cache (Redis when REDIS_URL is set, shared by parallel workers): each
    # test counts under its own key prefix, so it starts from zero and never clears anyone else's keys.
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


@pytest.fixture
def site(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def billing_topic(billing, bob) -> HelpTopic:
    """Routes to Billing, urgent, to bob, and asks for an order number."""
    return HelpTopic.objects.create(
        name="Invoices",
        department=billing,
        priority=Priority.URGENT,
        assignee=bob,
        fields=[
            {"name": "order", "label": "Order number", "required": True},
            {"name": "note", "label": "Anything else", "type": "textarea"},
        ],
    )


@pytest.fixture
def support_topic(support) -> HelpTopic:
    return HelpTopic.objects.create(name="Printers", department=support)


@pytest.fixture
def acme(db) -> Organization:
    return Organization.objects.create(name="Acme")


@pytest.fixture
def erin(acme) -> User:
    """carol's colleague at Acme who manages the organization's tickets."""
    return User.objects.create_user(
        "erin@customer.test", PASSWORD, name="Erin Manager", organization=acme, is_org_manager=True
    )


@pytest.fixture
def frank(acme) -> User:
    """carol's colleague at Acme without the manager flag."""
    return User.objects.create_user("frank@customer.test", PASSWORD, name="Frank Member", organization=acme)


@pytest.fixture
def kb(db) -> dict[str, Faq]:
    public = Category.objects.create(name="Printing")
    internal = Category.objects.create(name="Staff only", is_public=False)
    return {
        "public": Faq.objects.create(category=public, question="How to refill toner", answer="<p>Open the lid.</p>"),
        "internal": Faq.objects.create(
            category=public, question="Toner supplier contract", answer="<p>Secret.</p>", is_public=False
        ),
        "hidden_category": Faq.objects.create(
            category=internal, question="Toner discount codes", answer="<p>Secret too.</p>"
        ),
    }


def open_link(client, ticket, user):
    """The client follows a fresh signed link to ``ticket`` for ``user`` (a link session, not a sign-in)."""
    _link, token = create_link(ticket=ticket, user=user)
    client.get(f"/link/{token}/")
    return client
