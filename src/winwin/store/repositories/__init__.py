"""Repositories: every query of the product lives in this package."""
