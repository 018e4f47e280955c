"""Plain data in, files or bytes out: PDFs, spreadsheets, pages. Never the database, never Qt."""
