"""Sirkel: software for mobilising a child's network in Norwegian child welfare services."""
