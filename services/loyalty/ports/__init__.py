"""gRPC servicer and Kafka consumers."""
