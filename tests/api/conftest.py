"""The API's cast: a key for a web form on 192.0.2.0/24 routing to Support, tokens for alice and bob."""

from __future__ import annotations

import pytest

from helpdesk.api.models import AgentToken, ApiKey
from tickets.models import HelpTopic

CLIENT_IP = "192.0.2.10"
CONTENT_TYPES = {"xml": "application/xml", "email": "message/rfc822"}


@pytest.fixture
def topic(support) -> HelpTopic:
    return HelpTopic.objects.create(name="General inquiry", department=support)


def make_key(*, allowed_ips: str = "192.0.2.0/24", **fields) -> tuple[ApiKey, str]:
    key = ApiKey(name=fields.pop("name", "Web form"), allowed_ips=allowed_ips, **fields)
    secret = key.set_new_key()
    key.save()
    return key, secret


@pytest.fixture
def api_key(topic) -> str:
    """The secret of an active key that may create tickets, with Support's topic as its default."""
    return make_key(help_topic=topic)[1]


def make_token(person) -> str:
    token = AgentToken(user=getattr(person, "user", person), name="Integration")
    secret = token.set_new_token()
    token.save()
    return secret


def osticket_post(client, path: str, body: bytes | str, *, key: str | None, ip: str = CLIENT_IP, **extra):
    """POST a raw body the way an osTicket client does."""
    content_type = CONTENT_TYPES.get(path.rsplit(".", 1)[-1], "application/json")
    headers = {"HTTP_X_API_KEY": key} if key is not None else {}
    return client.post(path, body, content_type=content_type, REMOTE_ADDR=ip, **headers, **extra)
