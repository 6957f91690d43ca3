"""The knowledge base in the staff panel: /scp/kb/..."""

from django.urls import URLPattern, path

from faq import views

urlpatterns: list[URLPattern] = [
    path("kb/", views.kb, name="kb"),
    path("kb/categories/new", views.kb_category_edit, name="kb_category_new"),
    path("kb/categories/<int:pk>/edit", views.kb_category_edit, name="kb_category_edit"),
    path("kb/categories/<int:pk>/delete", views.kb_category_delete, name="kb_category_delete"),
    path("kb/faqs/new", views.kb_faq_edit, name="kb_faq_new"),
    path("kb/faqs/links", views.kb_faq_links, name="kb_faq_links"),
    path("kb/faqs/<int:pk>/", views.kb_faq, name="kb_faq"),
    path("kb/faqs/<int:pk>/edit", views.kb_faq_edit, name="kb_faq_edit"),
    path("kb/faqs/<int:pk>/delete", views.kb_faq_delete, name="kb_faq_delete"),
    path("kb/faqs/<int:pk>/files/<int:attachment>", views.kb_faq_attachment, name="kb_faq_attachment"),
    path("kb/canned/", views.kb_canned_list, name="kb_canned"),
    path("kb/canned/new", views.kb_canned_edit, name="kb_canned_new"),
    path("kb/canned/preview", views.kb_canned_preview, name="kb_canned_preview"),
    path("kb/canned/<int:pk>/edit", views.kb_canned_edit, name="kb_canned_edit"),
    path("kb/canned/<int:pk>/toggle", views.kb_canned_toggle, name="kb_canned_toggle"),
    path("kb/canned/<int:pk>/files/<int:attachment>", views.kb_canned_attachment, name="kb_canned_attachment"),
]
