"""Views for action plans."""
