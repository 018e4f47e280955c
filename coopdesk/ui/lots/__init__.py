"""The Lô sản xuất (production lots) screen."""
