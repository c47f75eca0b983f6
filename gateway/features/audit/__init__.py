"""The audit log of mutations, readable by ADMIN (written by gateway.audit_extension)."""
