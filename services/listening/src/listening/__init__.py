"""Newsroom listening: mentions, sentiment, spikes."""
