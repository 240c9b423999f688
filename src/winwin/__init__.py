"""Winwin: win*win(+win) partnerships between suppliers, customers and their customers."""

__version__ = "0.1.0"
