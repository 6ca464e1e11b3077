"""Suppression list bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from distribution.domain.suppressions import Suppression, SuppressionReason
from distribution.entrypoints.http.schemas.common import Email, Model


class SuppressionIn(Model):
    email: Email
    reason: SuppressionReason


class SuppressionOut(BaseModel):
    email: str
    reason: SuppressionReason
    created_at: datetime

    @classmethod
    def of(cls, suppression: Suppression) -> SuppressionOut:
        return cls(
            email=suppression.email, reason=suppression.reason, created_at=suppression.created_at
        )
