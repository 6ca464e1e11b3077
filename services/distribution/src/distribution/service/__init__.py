"""Use cases of the distribution service: one function per event handled or command."""
