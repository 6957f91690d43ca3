"""Forms of the agent's own profile page: who they are and how the staff panel works for them."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.models import Agent, User

PAGE_SIZE_MIN = 5
PAGE_SIZE_MAX = 500  # the same bounds as the agent_page_size_range constraint
# Which notifications an agent gets: on the profile page and in the admin.
NOTIFICATION_FIELDS = (
    "notify_on_assignment",
    "notify_on_message",
    "notify_on_mention",
    "notify_by_email",
    "notify_on_new_ticket",
    "notify_on_overdue",
)


class ProfileForm(forms.ModelForm):
    """The agent's name and language; the e-mail address (their login) is changed by an administrator."""

    class Meta:
        model = User
        fields = ["name", "language"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        language = cast(forms.ChoiceField, self.fields["language"])
        language.choices = [("", _("As my browser asks")), *settings.LANGUAGES]


class PreferencesForm(forms.ModelForm):
    """Signature, reply default, page size and which notifications the agent wants."""

    page_size = forms.IntegerField(label=_("Tickets per page"), min_value=PAGE_SIZE_MIN, max_value=PAGE_SIZE_MAX)

    class Meta:
        model = Agent
        fields = [
            "signature",
            "default_reply_type",
            "page_size",
            *NOTIFICATION_FIELDS,
        ]
        widgets = {"signature": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"signature": _("Added below your public replies.")}
