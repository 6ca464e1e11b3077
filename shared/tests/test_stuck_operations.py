"""The suite's guard against a server whose operations hang (newsroom_testing.fixtures)."""

from __future__ import annotations

from newsroom_testing.fixtures import STUCK_OPERATION_S, stuck_operations


def operation(op: str, secs: int, **fields: object) -> dict[str, object]:
    running = {"type": "op", "active": True, "op": op, "ns": "db.deliveries", "secs_running": secs}
    return running | fields


def test_an_operation_running_past_the_limit_is_stuck() -> None:
    report = {"inprog": [operation("update", STUCK_OPERATION_S + 1), operation("find", 2)]}
    assert stuck_operations(report) == [f"update db.deliveries ({STUCK_OPERATION_S + 1} s)"]


def test_waiting_hellos_idle_cursors_and_idle_connections_are_not_stuck() -> None:
    long = STUCK_OPERATION_S * 10
    report = {
        "inprog": [
            operation("hello", long),
            operation("isMaster", long),
            {"type": "idleCursor", "ns": "db.outbox", "secs_running": long},
            operation("update", long, active=False),
            {"type": "op", "active": True, "op": "insert"},  # no running time reported
        ]
    }
    assert stuck_operations(report) == []
