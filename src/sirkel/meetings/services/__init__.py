"""Writes for network measures, one module per responsibility: series, screening, consent, leaders,
preparation, checklist, participants, balance, invitations, meeting; shared rules in guards."""
