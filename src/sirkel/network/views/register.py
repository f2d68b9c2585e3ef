"""Filled in by the network work (issue 3)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
