"""Daily housekeeping: what has served its purpose goes; what a person may still need stays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessLog
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from helpdesk.mail.models import InboundMail
from tickets.housekeeping import tidy_up
from tickets.links import create_link
from tickets.models import AccessLink

NOW = timezone.now()
State = InboundMail.State


def _days_ago(days: float):
    return NOW - timedelta(days=days)


def _mail(state: str, days: float, number: int = 0) -> InboundMail:
    return InboundMail.objects.create(
        message_id=f"<{state}-{days}-{number}@example.com>", state=state, received_at=_days_ago(days), raw=b"x"
    )


def _session(expires_in: timedelta) -> str:
    store = SessionStore()
    store["user"] = 1
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=NOW + expires_in)
    return str(store.session_key)


def _link(ticket, person, *, expired_days: float = 0, revoked_days: float | None = None) -> AccessLink:
    link, _token = create_link(ticket=ticket, user=person)
    link.expires_at = _days_ago(expired_days) if expired_days else NOW + timedelta(days=1)
    link.revoked_at = None if revoked_days is None else _days_ago(revoked_days)
    link.save()
    return link


def test_expired_sessions_go_and_live_ones_stay(db):
    live = _session(timedelta(hours=1))
    _session(-timedelta(minutes=1))

    assert tidy_up(NOW)["sessions"] == 1
    assert list(Session.objects.values_list("pk", flat=True)) == [live]


def test_links_go_once_expired_or_revoked_for_longer_than_a_link_lives(ticket, carol):
    days = settings.PORTAL_LINK_DAYS
    kept = [
        _link(ticket, carol),
        _link(ticket, carol, expired_days=days - 1),
        _link(ticket, carol, revoked_days=days - 1),
    ]
    _link(ticket, carol, expired_days=days + 1)
    _link(ticket, carol, revoked_days=days + 1)

    assert tidy_up(NOW)["links"] == 2
    assert set(AccessLink.objects.all()) == set(kept)


@pytest.mark.parametrize("state", [State.IMPORTED, State.DROPPED, State.TOO_LARGE])
def test_old_records_of_mail_dealt_with_go(db, state):
    recent = _mail(state, settings.MAIL_KEEP_DAYS - 1)
    _mail(state, settings.MAIL_KEEP_DAYS + 1)

    assert tidy_up(NOW)["fetched mail"] == 1
    assert list(InboundMail.objects.all()) == [recent]


@pytest.mark.parametrize("state", [State.FAILED, State.HELD])
def test_failed_and_held_mail_stays_however_old_until_an_admin_acts(db, state):
    waiting = _mail(state, 10 * 365)

    assert tidy_up(NOW)["fetched mail"] == 0
    assert bytes(InboundMail.objects.get().raw) == bytes(waiting.raw)  # PostgreSQL gives a memoryview


def test_mail_keep_days_zero_keeps_every_record(db, settings):
    settings.MAIL_KEEP_DAYS = 0
    _mail(State.IMPORTED, 10 * 365)

    assert tidy_up(NOW)["fetched mail"] == 0
    assert InboundMail.objects.count() == 1


def test_the_sign_in_log_goes_after_its_days(db, settings):
    settings.SIGN_IN_LOG_DAYS = 30
    for days in (29, 31):
        entry = AccessLog.objects.create(username="alice@example.com", ip_address="192.0.2.1", user_agent="x")
        AccessLog.objects.filter(pk=entry.pk).update(attempt_time=_days_ago(days))

    assert tidy_up(NOW)["sign-in log"] == 1
    assert AccessLog.objects.get().attempt_time == _days_ago(29)


def test_sign_in_log_days_zero_keeps_the_log(db, settings):
    settings.SIGN_IN_LOG_DAYS = 0
    entry = AccessLog.objects.create(username="alice@example.com", ip_address="192.0.2.1", user_agent="x")
    AccessLog.objects.filter(pk=entry.pk).update(attempt_time=_days_ago(10 * 365))

    assert tidy_up(NOW)["sign-in log"] == 0


def test_beat_runs_housekeeping_once_a_day():
    entry = settings.CELERY_BEAT_SCHEDULE["housekeeping"]

    assert entry == {"task": "tickets.jobs.tidy_up", "schedule": 86400.0}


def test_the_command_reports_what_it_deleted(db, capsys):
    _mail(State.IMPORTED, settings.MAIL_KEEP_DAYS + 1)

    call_command("tidy_up")

    out = capsys.readouterr().out
    assert "fetched mail: 1 deleted" in out and "sessions: 0 deleted" in out
