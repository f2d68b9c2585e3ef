"""Backups: the database and the stored documents in one file (`archive`), the database's own copy and
restore for SQLite and PostgreSQL (`database`), and the two operations the commands run (`operations`)."""
