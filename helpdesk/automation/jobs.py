"""Celery jobs for automation: thin wrappers that call a service."""

from celery import shared_task

from helpdesk.automation.autoclose import auto_close


@shared_task
def auto_close_tickets() -> int:
    """Run by beat every hour: close tickets left waiting AUTO_CLOSE_DAYS days."""
    return auto_close()
