"""The staff panel, mounted at /scp/ in the "scp" namespace. Each area keeps its own URL module."""

from django.urls import include, path

app_name = "scp"

urlpatterns = [
    path("", include("helpdesk.accounts.urls")),  # sign-in, two-factor
    path("", include("helpdesk.accounts.urls_directory")),  # users, organizations, my profile
    path("", include("tickets.urls_new")),  # + New ticket
    path("", include("tickets.urls_queues")),  # queues, saved searches, bulk actions
    path("", include("tickets.urls_ticket")),  # the ticket page, replies, notes, presence
    path("", include("tickets.urls_actions")),  # actions on one ticket, activity, print
    path("", include("tasks.urls")),  # the Tasks section
    path("", include("faq.urls")),  # the knowledge base and canned responses
    path("", include("dashboard.urls")),  # home, statistics, notification counter
    path("", include("helpdesk.automation.urls")),  # due-date override
    path("", include("helpdesk.timetracking.urls")),  # timers and time logged on tickets, the time report
]
