"""Loyalty service: owns points, the ledger and purchase history."""
