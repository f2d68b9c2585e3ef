"""Views for the agreed actions: the plan of a measure, its form, the review and the follow-up overview."""
