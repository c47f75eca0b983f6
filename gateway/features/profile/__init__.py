"""Profile edits: registration and the customer record."""
