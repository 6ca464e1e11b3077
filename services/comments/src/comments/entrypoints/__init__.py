"""HTTP routers and the subscription table: parse, call a use case, present."""
