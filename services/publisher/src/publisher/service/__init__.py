"""Use cases: one function per command, query or event handled, over a unit of work."""
