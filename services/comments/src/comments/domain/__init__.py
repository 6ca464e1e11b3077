"""Plain Python: comments, threads, markup, moderation rules. No I/O library."""
