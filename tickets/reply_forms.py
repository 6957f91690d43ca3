"""The reply box of the staff ticket page: a public reply or an internal note, with files, CC and a status."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.models import Agent
from tickets.models import Status
from tickets.services import NewAttachment

ReplyType = Agent.ReplyType
_ADDRESS_SEPARATORS = re.compile(r"[,;\s]+")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files from one ``<input type="file" multiple>``."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        one = super().clean
        files = data if isinstance(data, list | tuple) else [data]
        return [one(item, initial) for item in files if item]


class IdListField(forms.Field):
    """Any number of whole numbers sent under one name (hidden inputs); anything else is dropped."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        return [int(each) for each in values if str(each).isdigit()][:50]


class ReplyForm(forms.Form):
    reply_type = forms.ChoiceField(
        label=_("Type"), choices=ReplyType.choices, initial=ReplyType.PUBLIC, widget=forms.RadioSelect
    )
    body = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 8, "data-reply-body": ""})
    )
    cc = forms.CharField(
        label=_("CC"),
        required=False,
        max_length=2000,
        help_text=_("E-mail addresses separated by commas. New addresses become customers."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "name@example.com"}),
    )
    status = forms.ModelChoiceField(
        label=_("Status on send"), queryset=Status.objects.all(), required=False, empty_label=_("— Unchanged —")
    )
    append_signature = forms.BooleanField(label=_("Append my signature"), required=False, initial=True)
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    # Files of the canned responses inserted in the body (static/js/ticket.js adds them).
    canned_attachment = IdListField(required=False)
    last_message_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:
            search = reverse("scp:people_search")
        except NoReverseMatch:
            return  # no people search in this install: the CC field is typed by hand
        # static/js/people.js suggests agents and users for the address being typed.
        self.fields["cc"].widget.attrs.update(
            {"data-people-search": search, "data-people-multiple": "", "data-people-agent-label": _("Agent")}
        )

    def clean_cc(self) -> list[str]:
        addresses: list[str] = []
        for address in _ADDRESS_SEPARATORS.split(self.cleaned_data["cc"]):
            if not address:
                continue
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(
                    _("%(address)s is not a valid e-mail address."), params={"address": address}, code="invalid"
                ) from None
            if address.lower() not in addresses:
                addresses.append(address.lower())
        return addresses

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["attachments"]
        limit = settings.ATTACHMENT_MAX_BYTES
        for upload in files:
            if (upload.size or 0) > limit:
                raise ValidationError(
                    _("%(name)s is larger than the %(limit)s MB allowed; nothing was sent."),
                    params={"name": upload.name, "limit": limit // (1024 * 1024)},
                    code="too_large",
                )
        return files

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("body", "").strip() and not cleaned.get("attachments") and not self.errors:
            raise ValidationError(_("Write a message or attach a file."), code="empty")
        return cleaned

    @property
    def is_note(self) -> bool:
        return self.cleaned_data["reply_type"] == ReplyType.INTERNAL

    def new_attachments(self) -> list[NewAttachment]:
        return [
            NewAttachment(
                name=upload.name or "attachment",
                content=upload.read(),
                content_type=upload.content_type or "application/octet-stream",
            )
            for upload in self.cleaned_data["attachments"]
        ]

    def draft(self) -> dict[str, Any]:
        """What the agent typed, to be offered again when the reply could not be sent (files cannot be)."""
        data = self.data
        return {
            "reply_type": data.get("reply_type", ReplyType.PUBLIC),
            "body": data.get("body", ""),
            "cc": data.get("cc", ""),
            "status": data.get("status", ""),
            "append_signature": bool(data.get("append_signature")),
        }
