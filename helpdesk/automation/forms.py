"""Forms of the automation pages: the due-date override and the admin's filter test."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.mail.models import Mailbox
from tickets.models import HelpTopic, Source

LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


class DueDateForm(forms.Form):
    """A new due date, or "use the SLA's" to drop the override."""

    due_at = forms.DateTimeField(label=_("Due"), required=False, input_formats=[LOCAL_INPUT])
    use_sla = forms.BooleanField(label=_("Use the SLA plan's due date"), required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("use_sla") and data.get("due_at") is None:
            raise forms.ValidationError(_("Enter a due date, or choose the SLA plan's."))
        return data


class FilterSampleForm(forms.Form):
    """A made-up new ticket to run the filters on, in the admin."""

    email = forms.EmailField(label=_("From (e-mail address)"))
    subject = forms.CharField(label=_("Subject"), max_length=255)
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    help_topic = forms.ModelChoiceField(label=_("Help topic"), queryset=HelpTopic.objects.all(), required=False)
    mailbox = forms.ModelChoiceField(label=_("Mailbox"), queryset=Mailbox.objects.all(), required=False)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.EMAIL)
