"""The PySide6 window: thin screens over the services."""
