"""The pages this service renders for commenters from their mails: managing a comment, and
verifying it (no script, no third-party anything; they work in any browser)."""
