"""The Nhãn QR screen: QR traceability labels, previewed and printed."""
