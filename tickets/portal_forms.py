"""Forms of the customer portal: opening a ticket, replying, checking a ticket's status."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.models import User
from tickets.models import HelpTopic
from tickets.new_ticket_forms import MultipleFileField
from tickets.services import NewAttachment

EXTRA_PREFIX = "extra_"


def public_topics() -> QuerySet[HelpTopic]:
    """Help topics a customer may pick."""
    return HelpTopic.objects.filter(is_public=True, is_active=True).select_related("parent")


class AttachmentsForm(forms.Form):
    """Files with a message: a limited number, each under the size limit and of an allowed kind."""

    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = ", ".join(settings.PORTAL_ATTACHMENT_EXTENSIONS)
        self.fields["attachments"].help_text = _("Up to %(count)s files of %(limit)s each: %(kinds)s.") % {
            "count": settings.PORTAL_ATTACHMENTS_PER_MESSAGE,
            "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            "kinds": kinds,
        }
        self.fields["attachments"].widget.attrs["accept"] = ",".join(
            f".{ext}" for ext in settings.PORTAL_ATTACHMENT_EXTENSIONS
        )

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["attachments"]
        if len(files) > settings.PORTAL_ATTACHMENTS_PER_MESSAGE:
            raise forms.ValidationError(
                _("Attach at most %(count)s files."), params={"count": settings.PORTAL_ATTACHMENTS_PER_MESSAGE}
            )
        for upload in files:
            _check_file(upload)
        return files

    def new_attachments(self) -> list[NewAttachment]:
        """The uploads as the services take them, typed by their extension, never by what the browser claims."""
        return [
            NewAttachment(name=_file_name(upload), content=upload.read(), content_type=_content_type(upload))
            for upload in self.cleaned_data.get("attachments", [])
        ]


def _file_name(upload: UploadedFile) -> str:
    return PurePath((upload.name or "attachment").replace("\\", "/")).name or "attachment"


def _content_type(upload: UploadedFile) -> str:
    return mimetypes.guess_type(_file_name(upload))[0] or "application/octet-stream"


def _check_file(upload: UploadedFile) -> None:
    name = _file_name(upload)
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in settings.PORTAL_ATTACHMENT_EXTENSIONS:
        raise forms.ValidationError(
            _("%(name)s: files of this kind cannot be attached. Allowed: %(kinds)s."),
            code="file_type",
            params={"name": name, "kinds": ", ".join(settings.PORTAL_ATTACHMENT_EXTENSIONS)},
        )
    if (upload.size or 0) > settings.ATTACHMENT_MAX_BYTES:
        raise forms.ValidationError(
            _("%(name)s is %(size)s; each file may be at most %(limit)s."),
            code="too_large",
            params={
                "name": name,
                "size": filesizeformat(upload.size or 0),
                "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            },
        )


class OpenTicketForm(AttachmentsForm):
    """A new ticket from the portal; the chosen help topic adds its own fields and routes the ticket."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    help_topic = forms.ModelChoiceField(label=_("Help topic"), queryset=HelpTopic.objects.none())
    subject = forms.CharField(label=_("Subject"), max_length=255)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 7}))
    # Hidden from people by CSS; robots filling every field give themselves away.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    field_order = ["name", "email", "help_topic", "subject", "body", "attachments", "website"]

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        topic_field = cast(forms.ModelChoiceField, self.fields["help_topic"])
        topic_field.queryset = public_topics()
        topic_field.widget.attrs["data-topic-fields"] = "1"
        self.fields["subject"].widget.attrs["autocomplete"] = "off"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        if user is not None:
            for name, value in (("name", user.name or user.email), ("email", user.email)):
                self.fields[name].initial = value
                self.fields[name].disabled = True
        self.topic = self._chosen_topic()
        extra = topic_fields(self.topic)
        self.fields.update(extra)
        self.extra_names = list(extra)

    def _chosen_topic(self) -> HelpTopic | None:
        raw = self.data.get("help_topic") if self.is_bound else self.initial.get("help_topic")
        if not raw or not str(raw).isdigit():
            return None
        return public_topics().filter(pk=raw).first()

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Your message could not be sent."), code="honeypot")
        return ""

    def extra_values(self) -> dict[str, str]:
        """The topic's own fields as the ticket keeps them: {name: value}."""
        return {
            name.removeprefix(EXTRA_PREFIX): str(value)
            for name, value in self.cleaned_data.items()
            if name.startswith(EXTRA_PREFIX) and value not in ("", None)
        }


def topic_fields(topic: HelpTopic | None) -> dict[str, forms.Field]:
    """Form fields for a topic's extra fields (HelpTopic.fields), keyed ``extra_<name>``."""
    fields: dict[str, forms.Field] = {}
    specs = topic.fields if topic is not None and isinstance(topic.fields, list) else []
    for spec in specs:
        if isinstance(spec, dict) and str(spec.get("name", "")).strip():
            name = str(spec["name"]).strip()
            fields[EXTRA_PREFIX + name] = _extra_field(spec, name)
    return fields


def _extra_field(spec: dict[str, Any], name: str) -> forms.Field:
    label = str(spec.get("label") or name)
    required = bool(spec.get("required"))
    choices = spec.get("choices")
    if isinstance(choices, list) and choices:
        options = [("", "---------"), *((str(c), str(c)) for c in choices)]
        return forms.ChoiceField(label=label, required=required, choices=options)
    if spec.get("type") == "textarea":
        return forms.CharField(label=label, required=required, max_length=2000, widget=forms.Textarea({"rows": 3}))
    return forms.CharField(label=label, required=required, max_length=255)


class ReplyForm(AttachmentsForm):
    """A customer's message in their ticket."""

    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}))
    field_order = ["body", "attachments"]


class StatusCheckForm(forms.Form):
    """E-mail and number: a link is mailed when they match, and the page says the same either way."""

    email = forms.EmailField(label=_("E-mail"), max_length=254)
    number = forms.RegexField(label=_("Ticket number"), regex=r"^#?\d{4,20}$", max_length=21)

    def clean_number(self) -> str:
        return str(self.cleaned_data["number"]).lstrip("#")
