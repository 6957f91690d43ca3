"""Celery jobs of the dashboard (beat schedule in helpdesk/settings.py)."""

from __future__ import annotations

from celery import shared_task

from dashboard import rollup


@shared_task
def roll_up_days() -> int:
    """Store the figures of finished days so that the dashboard reads them instead of the event log."""
    return rollup.roll_up_recent()
