"""The Giao hàng screen: documents after the live and the handover check."""
