"""Use cases: each takes a session (the unit of work), calls the domain, never commits."""
