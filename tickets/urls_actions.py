"""Filled in by its area."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
