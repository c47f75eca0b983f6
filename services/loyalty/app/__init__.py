"""Use cases over the repository ports."""
