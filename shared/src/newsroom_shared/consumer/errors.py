"""How a handler says an event can never succeed (everything else is retried)."""


class PermanentError(Exception):
    """The event is valid but can never be applied (e.g. it names an unknown aggregate).

    It goes to the dead-letter topic at once, without retries.
    """


class ConsumerUnavailableError(Exception):
    """Handling could not complete (database or broker unreachable after retries).

    Nothing is dead-lettered and no offset is committed: the batch is read again.
    """
