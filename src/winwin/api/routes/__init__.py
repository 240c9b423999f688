"""Routers of the api door, one module per capability."""
