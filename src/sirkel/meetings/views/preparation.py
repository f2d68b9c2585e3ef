"""Placeholder: filled in by the network meetings work (issue 4)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
