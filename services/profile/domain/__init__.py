"""Pure rules of the customer record: no I/O, no framework."""
