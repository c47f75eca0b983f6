"""MongoDB repositories and the outbound profile client."""
