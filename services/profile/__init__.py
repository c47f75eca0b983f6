"""Profile service: owns the customer master record (who the customer is)."""
