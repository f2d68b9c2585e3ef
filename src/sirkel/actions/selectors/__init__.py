"""Reads of actions, one module per question: due (the one definition of overdue and due soon, used by every
page and `sirkel remind`), plan, review, progress and overviews.

Callers pass a series or a user they already checked (`get_series_for_user`, `get_case_for_user`);
the overview selectors scope themselves to what the user may see.
"""
