"""Celery jobs for tickets: thin wrappers that call a service."""

from __future__ import annotations

import smtplib

from celery import shared_task

from tickets import services


@shared_task
def tidy_up() -> dict[str, int]:
    """Run by beat once a day: see tickets/housekeeping.py."""
    from tickets import housekeeping

    return housekeeping.tidy_up()


@shared_task
def mark_overdue_tickets() -> int:
    """Run by beat every OVERDUE_CHECK_SECONDS."""
    return services.mark_overdue()


@shared_task(autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=True, retry_backoff_max=300, max_retries=8)
def mail_ticket_link(email: str, number: str) -> bool:
    """The portal's status check: mail a fresh link when the address and number belong together.

    The lookup runs here, off the request, so the page costs the same whether or not they match.
    """
    from helpdesk.accounts.models import User, same_email
    from tickets.access import customer_tickets
    from tickets.portal_mail import send_ticket_link

    user = User.objects.filter(same_email(email), is_active=True).first()
    ticket = customer_tickets(user).filter(number=number).first() if user is not None else None
    if user is None or ticket is None:
        return False
    send_ticket_link(ticket=ticket, user=user)
    return True
