"""The publisher's models and rules: plain Python, no I/O."""
