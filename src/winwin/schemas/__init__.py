"""Pydantic schemas for the doors: the network document and the REST API payloads."""
