"""The landing point of the signed links in customer mail: check the token, remember it, show the ticket."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tickets.links import link_for_token
from tickets.models import AccessLink
from tickets.portal_session import grant_link


@require_GET
@never_cache
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """Follow a signed link: 404 when tampered with, unknown, expired or revoked; else open its ticket."""
    link = link_for_token(token)
    if link is None:
        raise Http404("No such link.")
    AccessLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    if request.user != link.user:
        grant_link(request, link)
    return redirect("portal:ticket", number=link.ticket.number)
