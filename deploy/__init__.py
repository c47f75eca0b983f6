"""Deployment helpers for Customer 360 (local infrastructure, packaging)."""
