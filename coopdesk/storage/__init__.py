"""The only package that speaks SQL: the data file, its schema, migrations and backups."""
