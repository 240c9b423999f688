"""The benchmark suite: `make bench` (every result is a ratio to a same-run baseline)."""
