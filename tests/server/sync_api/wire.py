"""A device speaking the sync wire contract (DESIGN §5), for the sync API tests.

A ``Device`` only talks HTTP; ``record_versions`` is the one look behind the API, for tests
that must show a push changed nothing.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa

from server.registry.models import Household, Minor
from server.visits.models import Visit
from sync.hlc import Clock

PUSH = "/api/sync/push"
PULL = "/api/sync/pull"
CONFLICTS = "/api/conflicts"
DEVICES = "/api/sync/devices"

SEVERITY = ("blue", "yellow", "orange", "red")


def new_id() -> str:
    return str(uuid.uuid4())


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def hlc_at(wall_ms: int, client_id: str, counter: int = 0) -> str:
    return f"{wall_ms}:{counter}:{client_id}"


def error_keys(errors: Any) -> set[str]:
    """Every key at any depth of a marshmallow-shaped error dict."""
    if not isinstance(errors, dict):
        return set()
    keys = set(map(str, errors))
    for value in errors.values():
        keys |= error_keys(value)
    return keys


def error_text(errors: Any) -> str:
    """All the messages of an error dict, joined, to check a person can act on them."""
    if isinstance(errors, dict):
        return " ".join(error_text(v) for v in errors.values())
    if isinstance(errors, list | tuple):
        return " ".join(error_text(v) for v in errors)
    return str(errors)


class Device:
    """One phone: a client id, a user's tokens, its own HLC and its pull cursor."""

    def __init__(
        self, client, headers: dict, client_id: str, username: str, now_ms: Callable[[], int] | None = None
    ) -> None:
        self.client = client
        self.headers = headers
        self.client_id = client_id
        self.username = username
        self.clock = Clock(client_id, now_ms) if now_ms else Clock(client_id)
        self.cursor: str | None = None

    def hlc(self) -> str:
        return str(self.clock.tick())

    def mutation(
        self,
        entity: str,
        record_id: str,
        fields: dict | None = None,
        *,
        base: int = 0,
        op: str = "upsert",
        hlc: str | None = None,
        mid: str | None = None,
    ) -> dict:
        m = {
            "mid": mid or new_id(),
            "entity": entity,
            "id": record_id,
            "op": op,
            "base_version": base,
            "hlc": hlc or self.hlc(),
        }
        if op == "upsert":
            m["fields"] = fields or {}
        return m

    def delete(self, entity: str, record_id: str, base: int, **kwargs) -> dict:
        return self.mutation(entity, record_id, op="delete", base=base, **kwargs)

    def push_raw(self, body: Any = None, **kwargs):
        return self.client.post(PUSH, json=body, headers=self.headers, **kwargs)

    def push(self, *mutations: dict) -> list[dict]:
        """Push a batch and return its results, checking the envelope of the answer."""
        response = self.push_raw({"client_id": self.client_id, "mutations": list(mutations)})
        assert response.status_code == 200, (response.status_code, response.get_json())
        results = response.json["results"]
        assert [r["mid"] for r in results] == [m.get("mid") for m in mutations]
        return results

    def push_one(self, mutation: dict) -> dict:
        return self.push(mutation)[0]

    def pull_raw(self, cursor: str | None = None, limit: int | None = None, headers: dict | None = None):
        params = {}
        if cursor is not None:
            params["cursor"] = cursor
        if limit is not None:
            params["limit"] = limit
        return self.client.get(PULL, query_string=params, headers={**self.headers, **(headers or {})})

    def pull_page(self, cursor: str | None = None, limit: int | None = None) -> dict:
        response = self.pull_raw(cursor, limit)
        assert response.status_code == 200, (response.status_code, response.get_json())
        return response.json

    def pull_all(self, cursor: str | None = None, limit: int | None = None) -> list[dict]:
        """Pull page after page until has_more is false; remembers the cursor."""
        cursor = self.cursor if cursor is None else cursor
        changes: list[dict] = []
        for _ in range(10_000):
            page = self.pull_page(cursor, limit)
            changes += page["changes"]
            cursor = page["cursor"]
            if not page["has_more"]:
                break
        self.cursor = cursor
        return changes


def by_key(changes: Iterable[dict]) -> dict[tuple[str, str], dict]:
    """Pulled changes keyed by (entity, id); the last one wins, as a device would apply them."""
    return {(c["entity"], str(c["id"])): c for c in changes}


def household_fields(grid_id: int, **extra) -> dict:
    return {"grid_id": grid_id, "address": "红旗村一组18号", "head_name": "周大明", **extra}


def minor_fields(household_id: str, **extra) -> dict:
    return {
        "household_id": household_id,
        "name": "周小花",
        "gender": "female",
        "birth_date": "2013-09-09",
        **extra,
    }


def visit_fields(minor_id: str, **extra) -> dict:
    return {
        "minor_id": minor_id,
        "visited_at": "2024-05-06T10:00:00+08:00",
        "kind": "home",
        "summary": "孩子在家，奶奶照看",
        **extra,
    }


def device_row(supervisor: Device, client_id: str) -> dict:
    """The line of ``GET /api/sync/devices`` about one phone, as a supervisor sees it."""
    response = supervisor.client.get(DEVICES, headers=supervisor.headers)
    assert response.status_code == 200, response.get_json()
    rows = [row for row in response.json if row["client_id"] == client_id]
    assert len(rows) == 1, f"device {client_id} listed {len(rows)} times"
    return rows[0]


def record_versions(session) -> dict[str, int]:
    """Every household's, minor's and visit's version, by id: what a push may or may not change."""
    session.expire_all()
    rows = {}
    for model in (Household, Minor, Visit):
        rows.update(dict(session.execute(sa.select(model.id, model.version)).all()))
    return rows
