"""Settings that would make the service send twice are refused at start."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from distribution.config import DistributionSettings


def test_the_default_lease_outlasts_the_default_send_timeouts() -> None:
    settings = DistributionSettings()
    assert settings.worker_lease_s >= 2 * max(settings.smtp_timeout_s, settings.http_timeout_s)


def test_a_lease_shorter_than_twice_the_longest_send_timeout_is_refused() -> None:
    with pytest.raises(ValidationError, match="worker_lease_s \\(9\\) must be at least twice"):
        DistributionSettings(worker_lease_s=9, smtp_timeout_s=5, http_timeout_s=2)
    with pytest.raises(ValidationError, match="http_timeout_s 6"):
        DistributionSettings(worker_lease_s=11, smtp_timeout_s=5, http_timeout_s=6)


def test_a_lease_of_exactly_twice_the_longest_timeout_is_allowed() -> None:
    assert (
        DistributionSettings(worker_lease_s=10, smtp_timeout_s=5, http_timeout_s=2).worker_lease_s
        == 10
    )
