"""Storage: SQLAlchemy models, repositories (all queries live here) and migrations."""
