"""The comments service: visitor comments on published releases, official replies, moderation."""
