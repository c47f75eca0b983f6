"""Messaging: communications, inbox and sending."""
