"""MongoDB repository and Kafka publishing."""
