"""Pure rules of points and purchases: no I/O, no framework."""
