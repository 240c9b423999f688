"""The REST door: JSON routes under /api/v1 (thin: they call services)."""
