"""The partner purchase-event contract the service validates against (also published in docs/)."""
