"""P5's stages: when each step on the way from a publish request to the social post happened.

Read from the database commands the two services send (PyMongo command monitoring, registered
for every client made afterwards), so the benchmark needs no hook in the services' code:

- ``committed``: the publisher's transaction (the one that wrote the outbox entry) committed;
- ``relayed``: the publisher's relay marks the outbox entry sent (``update outbox``, sent once
  the broker acknowledged the event);
- ``consumed``: distribution's release consumer starts its transaction (``insert inbox``, its
  first command);
- ``planned``: that transaction committed (the session that wrote the deliveries);
- ``claimed``: the delivery worker's claim (``update deliveries``) has been answered; when the
  planner stored the post already claimed for the worker (the hand-off), no command claims it
  and this stage is ``planned``;
- ``posted``: the Mastodon fake holds the status (timed by the benchmark).

Each stage is the first such command after the previous stage, in milliseconds from the request.

Besides, every command of the two services from the request to the post, with its time from
start to answer: by service, command and collection (``path_commands``), and those of the
publish request until its commit apart (``publish_request_commands``), where the rest of the
request's time is HTTP, authentication and our Python.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from pymongo import monitoring

STAGES = ("committed", "relayed", "consumed", "planned", "claimed", "posted")


@dataclass
class _Release:
    started: float
    marks: dict[str, float] = field(default_factory=dict)
    # The sessions whose commit is a stage: the one that inserted the outbox entry, the one
    # that inserted the deliveries.
    sessions: dict[str, Any] = field(default_factory=dict)
    # Database commands each service sent from the request to the post (by service); the
    # idle polls of the services in that window count too (a few per second).
    commands: dict[str, int] = field(default_factory=dict)
    owners: dict[bytes, str] = field(default_factory=dict)  # session id -> service
    # Each command's "service command collection" and milliseconds from start to answer; of
    # the publish request (before its commit was answered) and of the whole path.
    request_timings: list[tuple[str, float]] = field(default_factory=list)
    path_timings: list[tuple[str, float]] = field(default_factory=list)


# (service, command, collection) -> the stage the command's start is, or the stage whose
# session it names (its commit is the stage).
_STARTS = {
    ("publisher", "update", "outbox"): "relayed",
    ("distribution", "insert", "inbox"): "consumed",
}
_SESSIONS = {
    ("publisher", "insert", "outbox"): "committed",
    ("distribution", "insert", "deliveries"): "planned",
}
_PLANNING = ("distribution", "update", "deliveries")
_ANSWERS = {("distribution", "update", "deliveries"): "claimed"}


class StageClock(monitoring.CommandListener):
    """Stamps the stages of the release being timed (one at a time) from command events."""

    def __init__(self) -> None:
        self._databases: dict[str, str] = {}
        self._current: _Release | None = None
        self._awaited: dict[int, str] = {}  # request id -> the stage its success stamps
        # request id -> (label, start, part of the publish request) of the commands on the path
        self._timed: dict[int, tuple[str, float, bool]] = {}
        self.samples: list[dict[str, float]] = []
        self.commands: list[dict[str, int]] = []
        self.request_timings: list[list[tuple[str, float]]] = []
        self.path_timings: list[list[tuple[str, float]]] = []

    def watch(self, publisher_db: str, distribution_db: str) -> None:
        self._databases = {publisher_db: "publisher", distribution_db: "distribution"}

    def start(self) -> None:
        self._current = _Release(time.perf_counter())
        self._awaited.clear()
        self._timed.clear()

    def mark(self, stage: str) -> None:
        release = self._current
        if release is None:
            return
        if stage == "posted" and "claimed" not in release.marks and "planned" in release.marks:
            release.marks["claimed"] = release.marks["planned"]  # planned claimed: no command
        self._stamp(release, stage)

    def finish(self) -> None:
        """Ends the release being timed (after ``mark("posted")``); keeps it if complete."""
        release, self._current = self._current, None
        if release is not None and all(stage in release.marks for stage in STAGES):
            self.samples.append(release.marks)
            self.commands.append(release.commands)
            self.request_timings.append(release.request_timings)
            self.path_timings.append(release.path_timings)

    def _stamp(self, release: _Release, stage: str) -> None:
        previous = STAGES[STAGES.index(stage) - 1] if stage != STAGES[0] else None
        if stage not in release.marks and (previous is None or previous in release.marks):
            release.marks[stage] = (time.perf_counter() - release.started) * 1000

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        release = self._current
        if release is None:
            return
        service = self._databases.get(event.database_name)
        lsid = event.command.get("lsid")
        if service is not None and lsid is not None:
            release.owners[_session_key(lsid)] = service
        elif service is None and event.command_name in ("commitTransaction", "abortTransaction"):
            # Commits go to ``admin``: they belong to the service whose session wrote.
            service = release.owners.get(_session_key(lsid)) if lsid is not None else None
        if service is not None and "posted" not in release.marks:
            release.commands[service] = release.commands.get(service, 0) + 1
            collection = event.command.get(event.command_name)
            where = f" {collection}" if isinstance(collection, str) else ""
            in_request = service == "publisher" and "committed" not in release.marks
            label = f"{service} {event.command_name}{where}"
            self._timed[event.request_id] = (label, time.perf_counter(), in_request)
        if event.command_name == "commitTransaction":
            for stage, session in release.sessions.items():
                if event.command.get("lsid") == session:
                    self._awaited[event.request_id] = stage
            return
        collection = event.command.get(event.command_name)
        key = (self._databases.get(event.database_name, ""), event.command_name, collection)
        if key == _PLANNING and "txnNumber" in event.command:
            # The planner's write of the deliveries, in the consumer's transaction (the
            # worker's claim is the same command outside any transaction).
            release.sessions.setdefault("planned", event.command.get("lsid"))
        elif key in _STARTS:
            self._stamp(release, _STARTS[key])
        elif key in _SESSIONS:
            release.sessions.setdefault(_SESSIONS[key], event.command.get("lsid"))
        elif key in _ANSWERS:
            self._awaited[event.request_id] = _ANSWERS[key]

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        timed = self._timed.pop(event.request_id, None)
        if timed is not None and self._current is not None:
            label, began, in_request = timed
            took = (time.perf_counter() - began) * 1000
            self._current.path_timings.append((label, took))
            if in_request:
                self._current.request_timings.append((label, took))
        stage = self._awaited.pop(event.request_id, None)
        if stage is not None and self._current is not None:
            self._stamp(self._current, stage)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._awaited.pop(event.request_id, None)
        self._timed.pop(event.request_id, None)

    def report(self) -> dict[str, Any]:
        """Per stage, the median time from the request and from the stage before."""
        if not self.samples:
            return {"n": 0}
        at = {stage: statistics.median(s[stage] for s in self.samples) for stage in STAGES}
        steps = {
            f"{before}_to_{stage}": statistics.median(s[stage] - s[before] for s in self.samples)
            for before, stage in pairwise(STAGES)
        }
        services = sorted({service for counts in self.commands for service in counts})
        commands = {
            service: statistics.median(counts.get(service, 0) for counts in self.commands)
            for service in services
        }
        return {
            "n": len(self.samples),
            "p50_ms_from_request": at,
            "p50_ms_per_step": steps,
            "p50_database_commands_per_release": commands,
            "publish_request_commands": _by_label(self.request_timings),
            "path_commands": _by_label(self.path_timings),
        }


def _by_label(releases: list[list[tuple[str, float]]]) -> dict[str, Any]:
    """Per "service command collection": how many per release (p50 over the releases, so
    an idle poll that fell in some windows shows as 0) and the p50 milliseconds of one, plus
    the p50 of their sum per release (getMores left out)."""
    labels = sorted({label for timings in releases for label, _ in timings})
    per_label: dict[str, dict[str, float]] = {}
    for label in labels:
        counts = [sum(1 for name, _ in timings if name == label) for timings in releases]
        took = [ms for timings in releases for name, ms in timings if name == label]
        per_label[label] = {
            "p50_per_release": statistics.median(counts),
            "p50_ms_each": statistics.median(took),
        }
    # A getMore is a change stream or a cursor waiting for data: its time is a wait, not work.
    totals = [sum(ms for name, ms in timings if " getMore" not in name) for timings in releases]
    return {"p50_total_ms": statistics.median(totals) if totals else 0.0, "by_command": per_label}


def _session_key(lsid: Any) -> bytes:
    return bytes(lsid["id"])
