"""The staff directory (users, organizations), my profile and the people search: /scp/..."""

from django.urls import URLPattern, path

from helpdesk.accounts import directory_views, profile_views
from helpdesk.api import token_views

urlpatterns: list[URLPattern] = [
    path("users/", directory_views.users, name="users"),
    path("users/<int:pk>/", directory_views.user_detail, name="user"),
    path("users/<int:pk>/edit", directory_views.user_edit, name="user_edit"),
    path("organizations/", directory_views.organizations, name="organizations"),
    path("organizations/new", directory_views.organization_create, name="organization_create"),
    path("organizations/<int:pk>/", directory_views.organization_detail, name="organization"),
    path("organizations/<int:pk>/edit", directory_views.organization_edit, name="organization_edit"),
    path("people/search", directory_views.people_search, name="people_search"),
    path("profile/", profile_views.profile, name="profile"),
    path("profile/password", profile_views.profile_password, name="profile_password"),
    path("profile/tokens", token_views.create_token, name="profile_token_create"),
    path("profile/tokens/<int:pk>/revoke", token_views.revoke_token, name="profile_token_revoke"),
]
