"""Parameters take what their OpenAPI says: times in RFC 3339 with an offset, JSON integers as
JSON Schema means them; nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import TypeAdapter, ValidationError

from newsroom_shared.http.params import DateTimeParam, JsonInt


@pytest.mark.parametrize(
    "value", ["0.5", "1700000000", "2026-12-03", "2026-12-03T09:00:00", "2026-12-03 09:00:00Z"]
)
def test_a_time_parameter_takes_only_rfc3339_with_an_offset(value: str) -> None:
    with pytest.raises(ValidationError, match="RFC 3339"):
        TypeAdapter(DateTimeParam).validate_python(value)


def test_a_time_parameter_keeps_its_offset() -> None:
    moment = TypeAdapter(DateTimeParam).validate_python("2026-12-03T09:00:00.5+01:00")
    assert moment.utcoffset() == timedelta(hours=1)


def test_a_json_integer_takes_integral_numbers_and_refuses_booleans_and_fractions() -> None:
    integer = TypeAdapter(JsonInt)
    assert integer.validate_json("3") == integer.validate_json("3.0") == 3
    for refused in ("true", "false", "3.5"):
        with pytest.raises(ValidationError):
            integer.validate_json(refused)
