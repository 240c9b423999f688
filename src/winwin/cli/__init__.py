"""The ``winwin`` command: one module for each group of commands."""
