"""CoopDesk: catalog, traceability, labels and livestream orders for OCOP cooperatives, offline."""

__version__ = "0.1.0"
