"""Test doubles of listening: an authenticator for two tenants, the app running with it."""
