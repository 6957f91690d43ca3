"""An agent's own JSON API tokens, from their profile: make one (shown once), revoke one.

Admins can also make and revoke tokens for anyone in the Django admin. AGENT_TOKENS_SELF_SERVICE=false
leaves it to them: the profile shows no tokens and these views answer 404.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from helpdesk.accounts.views import StaffRequest, staff_required
from helpdesk.api.models import AgentToken

MAX_ACTIVE_TOKENS = 20


class NewTokenForm(forms.Form):
    prefix = "token"  # the profile form on the same page has a "name" field (and its id) too

    name = forms.CharField(
        label=gettext_lazy("What is it for?"),
        max_length=100,
        help_text=gettext_lazy("For example: the CRM sync. The token acts with your permissions."),
    )


def my_tokens(request: StaffRequest) -> QuerySet[AgentToken]:
    """The signed-in agent's tokens, active first, newest first (the profile lists them when self-service is on)."""
    return AgentToken.objects.filter(user=request.user).order_by("-is_active", "-created_at")


def _self_service() -> None:
    if not settings.AGENT_TOKENS_SELF_SERVICE:
        raise Http404("Tokens are made by the admins.")


@never_cache  # the only response that ever holds the token
@require_POST
@staff_required
def create_token(request: StaffRequest) -> HttpResponse:
    _self_service()
    form = NewTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name (at most 100 characters)."))
        return redirect("scp:profile")
    if AgentToken.objects.filter(user=request.user, is_active=True).count() >= MAX_ACTIVE_TOKENS:
        messages.error(request, _("You have %(count)d active tokens: revoke one first.") % {"count": MAX_ACTIVE_TOKENS})
        return redirect("scp:profile")
    token = AgentToken(user=request.user, name=form.cleaned_data["name"].strip())
    secret = token.set_new_token()
    token.save()
    return render(request, "scp/tokens/created.html", {"token": token, "secret": secret})


@require_POST
@staff_required
def revoke_token(request: StaffRequest, pk: int) -> HttpResponse:
    _self_service()
    token = get_object_or_404(AgentToken, pk=pk, user=request.user)  # someone else's: 404, not 403
    if token.is_active:
        token.is_active = False
        token.save(update_fields=["is_active"])
        messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    return redirect("scp:profile")
