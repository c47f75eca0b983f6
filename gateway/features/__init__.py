"""The schema, one folder per feature: types, queries and mutations."""
