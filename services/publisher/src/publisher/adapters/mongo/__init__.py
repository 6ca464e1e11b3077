"""MongoDB repositories: every query of the publisher lives in this package."""
