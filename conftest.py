"""Registers Sirkel's shared fixtures for every test directory."""

pytest_plugins = ["sirkel.testing.fixtures"]
