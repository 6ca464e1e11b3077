"""Newsroom distribution: published releases to social networks, subscriber email, webhooks."""
