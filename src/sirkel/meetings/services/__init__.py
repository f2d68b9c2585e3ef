"""Writes for network measures, split by stage: series (start, screening, consent), preparation, meeting."""
