"""Views for network measures, split by stage."""
