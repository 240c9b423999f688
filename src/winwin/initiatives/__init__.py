"""Joint initiatives: parties, their contributions, a sharing model and the agreement."""
