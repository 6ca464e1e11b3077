"""Test helpers for every service: the local servers, pytest fixtures, a fake clock, consumer
helpers (produce events, wait for their effect with ``eventually``) and the OpenAPI fuzz.

A workspace package of its own, installed only with the development dependencies: nothing in a
service's runtime imports it, and no production image contains it.
"""
