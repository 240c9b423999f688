"""Joint action plans: what the two sides of a relationship decide to do about a factor."""
