"""MongoDB adapters: every query of the distribution service lives in this package."""
