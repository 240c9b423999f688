"""Running Winwin: retries under contention, jobs, backups, logs and metrics."""
