"""Pets: the catalog of animals, with search, conditional writes and one status-change path."""
