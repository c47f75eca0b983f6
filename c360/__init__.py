"""Shared plumbing for every Customer 360 process: settings, logging, gRPC, Kafka, Mongo."""
