"""Daily housekeeping: rows whose use has passed are deleted, so the database does not grow with them forever.

- expired sessions (what Django's ``clearsessions`` does);
- portal links that expired or were revoked more than ``PORTAL_LINK_DAYS`` ago (they open nothing);
- records of fetched mail older than ``MAIL_KEEP_DAYS`` that were imported, dropped or left on the server as
  too large. Failed and held mail keeps its raw bytes until an admin retries or deletes it: nothing a person
  still has to look at is removed;
- the sign-in log (addresses and browsers of successful and failed sign-ins) older than ``SIGN_IN_LOG_DAYS``.

``MAIL_KEEP_DAYS`` or ``SIGN_IN_LOG_DAYS`` set to 0 keeps those rows for good.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone

from helpdesk.mail.models import InboundMail
from tickets.models import AccessLink

DONE_WITH = (InboundMail.State.IMPORTED, InboundMail.State.DROPPED, InboundMail.State.TOO_LARGE)


def tidy_up(now: datetime | None = None) -> dict[str, int]:
    """Delete what has served its purpose; returns how many rows of each kind went."""
    now = now or timezone.now()
    return {
        "sessions": _expired_sessions(now),
        "links": _spent_links(now),
        "fetched mail": _old_fetched_mail(now),
        "sign-in log": _old_sign_ins(now),
    }


def _expired_sessions(now: datetime) -> int:
    # Sessions live in the database (with Redis in front when REDIS_URL is set, whose copies expire alone).
    deleted, _by_model = Session.objects.filter(expire_date__lt=now).delete()
    return deleted


def _spent_links(now: datetime) -> int:
    before = now - timedelta(days=settings.PORTAL_LINK_DAYS)
    deleted, _by_model = AccessLink.objects.filter(Q(expires_at__lt=before) | Q(revoked_at__lt=before)).delete()
    return deleted


def _old_fetched_mail(now: datetime) -> int:
    if not settings.MAIL_KEEP_DAYS:
        return 0
    before = now - timedelta(days=settings.MAIL_KEEP_DAYS)
    deleted, _by_model = InboundMail.objects.filter(state__in=DONE_WITH, received_at__lt=before).delete()
    return deleted


def _old_sign_ins(now: datetime) -> int:
    if not settings.SIGN_IN_LOG_DAYS:
        return 0
    before = now - timedelta(days=settings.SIGN_IN_LOG_DAYS)
    deleted = 0
    for log in (AccessLog, AccessFailureLog):
        count, _by_model = log.objects.filter(attempt_time__lt=before).delete()
        deleted += count
    return deleted
