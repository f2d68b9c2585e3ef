"""Fixtures and factories for every app's tests (a pytest plugin, registered in the root conftest.py).

It may import every app; no product code imports it."""
