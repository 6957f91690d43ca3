"""The customer portal, mounted at / in the "portal" namespace."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path, re_path
from django.utils.translation import gettext_lazy

from tickets import (
    portal_accounts,
    portal_kb,
    portal_link_views,
    portal_reports,
    portal_ticket_views,
    portal_views,
)

app_name = "portal"

RESET_SENT = gettext_lazy("If an account uses that address, a link to choose a new password is on its way.")

TICKET = r"^tickets/(?P<number>\d+)/"

urlpatterns: list[URLPattern] = [
    path("", portal_views.home, name="home"),
    path("brand.css", portal_views.brand_css, name="brand_css"),
    # Opening a ticket and checking one
    path("tickets/new/", portal_views.ticket_new, name="ticket_new"),
    path("tickets/new/done/", portal_views.ticket_done, name="ticket_done"),
    path("tickets/new/fields", portal_views.topic_fields_partial, name="topic_fields"),
    path("tickets/new/suggest", portal_views.faq_suggestions, name="faq_suggestions"),
    path("status/", portal_views.status_check, name="status"),
    path("link/<str:token>/", portal_link_views.open_link, name="link"),
    # One ticket
    re_path(TICKET + r"$", portal_ticket_views.ticket_page, name="ticket"),
    re_path(TICKET + r"reply$", portal_ticket_views.ticket_reply, name="ticket_reply"),
    re_path(TICKET + r"close$", portal_ticket_views.ticket_close, name="ticket_close"),
    re_path(TICKET + r"reopen$", portal_ticket_views.ticket_reopen, name="ticket_reopen"),
    re_path(TICKET + r"files/(?P<pk>\d+)$", portal_ticket_views.attachment, name="attachment"),
    # Accounts
    path("account/register/", portal_accounts.register, name="register"),
    path("account/register/<str:token>/", portal_accounts.register_confirm, name="register_confirm"),
    path("account/login/", portal_accounts.CustomerLoginView.as_view(), name="login"),
    path("account/logout/", portal_accounts.sign_out, name="logout"),
    path("account/password/", portal_accounts.CustomerPasswordResetView.as_view(), name="password_reset"),
    path(
        "account/password/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="portal/check_mail.html",
            extra_context={"message": RESET_SENT},
        ),
        name="password_reset_done",
    ),
    path(
        "account/password/<uidb64>/<token>/",
        portal_accounts.CustomerPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="portal/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("account/tickets/", portal_accounts.my_tickets, name="my_tickets"),
    path("account/profile/", portal_accounts.profile, name="profile"),
    # Knowledge base and public reports
    path("kb/", portal_kb.kb_index, name="kb"),
    path("kb/category/<int:pk>/", portal_kb.kb_category, name="kb_category"),
    path("kb/faq/<int:pk>/", portal_kb.faq_page, name="faq"),
    path("kb/faq/<int:pk>/vote", portal_kb.faq_vote, name="faq_vote"),
    path("kb/faq/<int:pk>/files/<int:file_pk>", portal_kb.faq_attachment, name="faq_attachment"),
    path("reports/", portal_reports.reports, name="reports"),
]
