"""Run the project's infrastructure (Kafka, MongoDB-compatible FerretDB) locally without Docker."""
