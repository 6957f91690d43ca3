"""Celery jobs for tickets: thin wrappers that call a service."""

from celery import shared_task

from tickets import services


@shared_task
def mark_overdue_tickets() -> int:
    """Run by beat every OVERDUE_CHECK_SECONDS."""
    return services.mark_overdue()
