"""The GraphQL gateway: one door for web and mobile clients, federating the four services."""
