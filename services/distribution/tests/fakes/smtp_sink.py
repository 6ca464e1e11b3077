"""The SMTP sink now lives in ``newsroom_testing.smtp_sink`` (comments' tests use it too)."""

from newsroom_testing.smtp_sink import ReceivedMail, SmtpSink, free_port, smtp_sink

__all__ = ["ReceivedMail", "SmtpSink", "free_port", "smtp_sink"]
