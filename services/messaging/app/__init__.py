"""Use cases over repository and provider ports."""
