"""How the world reaches the publisher: HTTP routes, Kafka consumers, the CLI, the scheduler."""
