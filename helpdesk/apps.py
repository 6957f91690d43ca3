from django.contrib.admin.apps import AdminConfig


class SportelloAdminConfig(AdminConfig):
    default_site = "helpdesk.admin_site.SportelloAdminSite"
