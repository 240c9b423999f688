"""Jobs: heavy work run outside the request, with progress, retries and a visible error.

A row of ``jobs`` is the truth about a job (who started it, its status, progress,
attempts, error and result). Runners only carry job ids to where the work is done: a
thread in the same process on SQLite, Procrastinate's PostgreSQL queue otherwise.
"""
