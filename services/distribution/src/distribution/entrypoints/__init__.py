"""How work reaches the service: Kafka consumers and the delivery worker."""
