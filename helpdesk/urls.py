from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("scp/", include("tickets.scp_urls")),
    path("api/", include("helpdesk.api.urls")),
    path("", include("tickets.portal_urls")),  # the customer portal, last: it owns the root
]
