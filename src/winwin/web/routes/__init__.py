"""Routers of the web door, one module per capability."""
