"""How a handler says an event can never succeed (everything else is retried)."""


class PermanentError(Exception):
    """The event is valid but can never be applied (e.g. it names an unknown aggregate).

    It goes to the dead-letter topic at once, without retries.
    """
