"""Forms of the knowledge base in the staff panel: categories, FAQs and canned responses."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from faq import access
from faq.models import CannedResponse, Category, Faq
from helpdesk.accounts.models import Department, User
from tasks.forms import LimitedFilesField, uploads_to_attachments
from tickets.models import Attachment, HelpTopic
from tickets.services import NewAttachment


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ("name", "description", "is_public")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class FileChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.safe_name)


class FilesMixin(forms.Form):
    """New files to upload and current ones to remove, for an object with ``attachments``."""

    add_files = LimitedFilesField(label=_("Add files"), required=False)
    remove_files = FileChoiceField(
        label=_("Remove files"),
        queryset=Attachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def _current_files(self, files: QuerySet[Attachment]) -> None:
        field = cast(forms.ModelMultipleChoiceField, self.fields["remove_files"])
        field.queryset = files
        if not files.exists():
            del self.fields["remove_files"]

    def new_files(self) -> list[NewAttachment]:
        return uploads_to_attachments(self.cleaned_data.get("add_files") or [])


class FaqForm(FilesMixin, forms.ModelForm):
    answer = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Formatting in HTML is kept (paragraphs, lists, links, bold …); scripts and styles are removed."),
    )

    class Meta:
        model = Faq
        fields = ("category", "question", "answer", "keywords", "is_public", "help_topics")
        widgets = {"help_topics": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        topics = cast(forms.ModelMultipleChoiceField, self.fields["help_topics"])
        topics.queryset = HelpTopic.objects.select_related("parent").order_by("name")
        self._current_files(self.instance.attachments.all() if self.instance.pk else Attachment.objects.none())


class CannedForm(FilesMixin, forms.ModelForm):
    class Meta:
        model = CannedResponse
        fields = ("title", "department", "body", "is_active")
        widgets = {"body": forms.Textarea(attrs={"rows": 10, "data-canned-body": ""})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = cast(forms.ModelChoiceField, self.fields["department"])
        managed = access.managed_department_ids(user)
        departments = Department.objects.filter(is_active=True)
        department.queryset = departments if managed is None else departments.filter(pk__in=managed)
        department.required = managed is not None  # only superusers write global responses
        department.empty_label = _("Every department") if managed is None else None
        if managed is not None:
            department.help_text = _("Responses for every department are written by administrators.")
        # The live preview: htmx posts the body as it is typed and shows it filled with example values.
        self.fields["body"].widget.attrs.update(
            {
                "hx-post": reverse("scp:kb_canned_preview"),
                "hx-trigger": "input changed delay:400ms",
                "hx-target": "#canned-preview",
            }
        )
        self._current_files(self.instance.attachments.all() if self.instance.pk else Attachment.objects.none())


class PreviewForm(forms.Form):
    body = forms.CharField(required=False, max_length=20000)
