"""Research: registration forms, coding and agreement, tables and de-identified exports."""
