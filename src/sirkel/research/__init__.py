"""Research on the cases: registration forms, coding, agreement between coders, de-identified export."""
