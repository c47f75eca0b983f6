"""Use cases over the repository port."""
