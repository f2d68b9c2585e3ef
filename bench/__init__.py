"""Sirkel's benchmark: page cost against a framework floor on synthetic national data (`make bench`)."""
