"""Use cases: one function per command or event handled, over the protocols of ports.py."""
