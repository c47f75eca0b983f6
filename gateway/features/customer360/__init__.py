"""The customer360 aggregate view and its sections."""
