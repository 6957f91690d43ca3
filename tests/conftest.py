"""The fixed cast of every test: departments Support and Billing, their agents, customers and an admin.

- admin: superuser, sees everything
- alice: agent with the "Agent" role in Support
- bob: agent with the "Agent" role in Billing
- carol: customer who opens tickets; dave: another customer, a stranger to carol's tickets
"""

from __future__ import annotations

import importlib
import uuid

import pytest
from django.utils import translation

from helpdesk.accounts.backends import BACKEND
from helpdesk.accounts.models import Agent, Department, DepartmentAccess, Role, User

PASSWORD = "correct-horse-battery-staple"


def signed_in(client, person):
    """The test client signed in as a User, or as an Agent's user."""
    # Our backend, not axes' throttle backend (which needs a request): signing in without the form.
    client.force_login(getattr(person, "user", person), backend=BACKEND)
    return client


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # A fast hasher: the tests create many users, and PBKDF2's cost is Django's to test, not ours.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "uploads"
    # A request in an earlier test may have left another language active in this thread.
    translation.activate("en")
    # The manifest storage needs collectstatic; tests serve assets straight from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    # A cached value (the menu's counts, a session) must not outlive the test whose database rows it describes.
    # Each test gets keys of its own instead of a flush: with Redis, a flush would also empty the cache under
    # the test another pytest worker is running at that moment, and the same user ids exist in both databases.
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"} for alias, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def _eager_jobs():
    # Jobs run in the test's own transaction; tests/test_celery_broker.py sends them through the real broker.
    from helpdesk.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = True


@pytest.fixture
def default_statuses(transactional_db) -> None:
    """For transactional tests (live server, real worker): their flush also empties data migrations' rows."""
    from tickets.models import Status

    defaults = importlib.import_module("tickets.migrations.0002_default_statuses").DEFAULTS
    for name, state, is_default, order in defaults:
        Status.objects.get_or_create(
            name=name, defaults={"state": state, "is_default": is_default, "sort_order": order}
        )


@pytest.fixture
def support(db) -> Department:
    return Department.objects.create(name="Support", email="support@example.com")


@pytest.fixture
def billing(db) -> Department:
    return Department.objects.create(name="Billing", email="billing@example.com")


@pytest.fixture
def agent_role(db) -> Role:
    return Role.objects.create(name="Agent")


def make_agent(email: str, name: str, *departments: Department, role: Role) -> Agent:
    user = User.objects.create_user(email, PASSWORD, name=name, is_staff=True)
    agent = Agent.objects.create(user=user)
    for department in departments:
        DepartmentAccess.objects.create(agent=agent, department=department, role=role)
    return agent


@pytest.fixture
def alice(support, agent_role) -> Agent:
    return make_agent("alice@example.com", "Alice Agent", support, role=agent_role)


@pytest.fixture
def bob(billing, agent_role) -> Agent:
    return make_agent("bob@example.com", "Bob Billing", billing, role=agent_role)


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser("admin@example.com", PASSWORD, name="Ada Admin")


@pytest.fixture
def admin_client(client, admin_user):
    """The test client signed in as the superuser (replaces pytest-django's, which has its own admin)."""
    return signed_in(client, admin_user)


@pytest.fixture
def carol(db) -> User:
    return User.objects.create_user("carol@customer.test", PASSWORD, name="Carol Customer")


@pytest.fixture
def dave(db) -> User:
    return User.objects.create_user("dave@stranger.test", PASSWORD, name="Dave Stranger")


@pytest.fixture
def ticket(carol, support):
    """An open Support ticket from carol."""
    from tickets.services import open_ticket

    return open_ticket(requester=carol, subject="Printer on fire", body="It smokes.", department=support)


@pytest.fixture
def billing_ticket(carol, billing):
    """An open Billing ticket from carol."""
    from tickets.services import open_ticket

    return open_ticket(requester=carol, subject="Invoice twice", body="Charged twice.", department=billing)


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback that captures what Sportello sends; mail goes there through SMTP."""
    from tests.mail.smtp_capture import smtp_server

    with smtp_server() as (capture, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield capture
