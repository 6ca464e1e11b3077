pytest_plugins = ["newsroom_shared.testing.fixtures"]
