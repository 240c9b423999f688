"""Printable reports: the workshop report of a relationship and round (PDF, Typst)."""
