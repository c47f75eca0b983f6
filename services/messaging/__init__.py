"""Messaging service: owns every communication with the customer."""
