"""gRPC servicer."""
