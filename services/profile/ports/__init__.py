"""gRPC servicer: translate in, call the use case, translate out."""
