"""Errors of the use cases behind the HTTP API; the message is fit for the API client."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of the use cases' refusals."""


class NotFoundError(ServiceError):
    """No such resource in the caller's tenant (never says whether another tenant has it)."""


class ConflictError(ServiceError):
    def __init__(self, message: str, code: str = "conflict") -> None:
        super().__init__(message)
        self.code = code


class InvalidInputError(ServiceError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message
