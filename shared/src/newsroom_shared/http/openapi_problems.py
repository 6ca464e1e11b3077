"""The error answers each operation declares in OpenAPI, derived from the route itself.

A route answers an error for one of four reasons, and each is visible without running it:
its dependencies (``get_principal`` 401, ``require(scope)`` 403, ``rate_limit`` 429, a cursor
400: each marked with :func:`raises`), its body (400 not JSON, 413 too large, 415 not sent as
JSON, 422 invalid), its parameters (422 invalid; a path parameter names something that may
not exist: 404), and what its use case can refuse (a conflict, listed on the route with
``responses=error_responses(409)``). So routes added later, in any service, are declared
correctly without anyone listing their errors.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import RouteContext, iter_route_contexts

from newsroom_shared.http.problems import (
    PROBLEM_MEDIA_TYPE,
    FieldError,
    Problem,
    status_phrase,
)

_STATUSES_ATTRIBUTE = "__problem_statuses__"
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": "The scheme to authenticate with: `Bearer`",
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds to wait before trying again",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
}
F = TypeVar("F", bound=Callable[..., Any])


def raises(*statuses: int) -> Callable[[F], F]:
    """Mark a route dependency with the error statuses it can answer; the OpenAPI of every
    route that depends on it (directly or through other dependencies) declares them."""

    def mark(dependency: F) -> F:
        setattr(dependency, _STATUSES_ATTRIBUTE, declared_statuses(dependency) | set(statuses))
        return dependency

    return mark


def declared_statuses(dependency: object) -> frozenset[int]:
    return frozenset(getattr(dependency, _STATUSES_ATTRIBUTE, ()))


def error_statuses(route: RouteContext, root: Dependant) -> set[int]:
    """Every error status ``route`` can answer, as far as its declaration shows."""
    statuses = {int(s) for s in route.responses if str(s).isdigit() and int(s) >= 400}
    dependants = [root, *_dependants(root)]
    for dependant in dependants:
        statuses |= declared_statuses(dependant.call)
        if dependant.body_params:
            # Not JSON at all; too large; not sent as JSON; JSON that breaks the schema.
            statuses |= {400, 413, 415, 422}
        if dependant.query_params or dependant.header_params or dependant.cookie_params:
            statuses.add(422)
        if dependant.path_params:
            statuses |= {404, 422}
    return statuses


def document_problems(app: FastAPI) -> None:
    """Make ``app.openapi()`` declare every route's error answers as problem details.

    The schema is completed after FastAPI generates it (FastAPI's documented way to extend
    OpenAPI), so routes included after this call are covered too."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    completed: list[dict[str, Any]] = []  # the last schema completed (FastAPI caches it)

    def openapi() -> dict[str, Any]:
        schema = generate()  # FastAPI's, regenerated when routes were added since
        if not completed or completed[0] is not schema:
            completed[:] = [_with_problems(schema, app)]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _dependants(sub)


def _with_problems(schema: dict[str, Any], app: FastAPI) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    problem.pop("$defs", None)
    components["Problem"] = problem
    components["FieldError"] = FieldError.model_json_schema()
    for route in iter_route_contexts(app.routes):
        root = getattr(route, "dependant", None)  # None: not an API route (e.g. /docs)
        if not isinstance(root, Dependant) or not route.include_in_schema:
            continue
        path_item = schema.get("paths", {}).get(route.path_format, {})
        for method in route.methods or ():
            operation = path_item.get(method.lower())
            if operation is not None:
                _declare(operation.setdefault("responses", {}), error_statuses(route, root))
    # FastAPI's own validation error models, dropped once nothing refers to them any more.
    for name in ("HTTPValidationError", "ValidationError"):
        if f'"#/components/schemas/{name}"' not in json.dumps(schema):
            components.pop(name, None)
    return schema


def _declare(responses: dict[str, Any], statuses: set[int]) -> None:
    for status in sorted(statuses):
        declared = responses.get(str(status), {})
        answer: dict[str, Any] = {
            "description": declared.get("description") or status_phrase(status),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}},
        }
        if status in _HEADERS:
            answer["headers"] = _HEADERS[status]
        responses[str(status)] = answer
