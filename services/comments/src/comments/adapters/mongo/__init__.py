"""MongoDB repositories: every query takes the tenant."""
