"""One ledger row -> a household and a minor, validated by the REST API's own schemas."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from marshmallow import ValidationError

from server.accounts.models import User, user_area
from server.areas.models import Area
from server.core.extensions import db
from server.core.roles import Role
from server.core.scope import Scope
from server.ledger.columns import BY_HEADER, HEADER_OF_FIELD, CellError
from server.registry.schemas import HouseholdCreate, MinorCreate
from server.registry.service import cipher

# Stands in for the household id while a row is validated: the household may not exist yet.
PLACEHOLDER_HOUSEHOLD = str(uuid.UUID(int=0))


def normalise_address(address: str) -> str:
    """Whitespace never makes two addresses different (as duplicate detection compares them)."""
    return "".join(address.split())


@dataclass
class Candidate:
    """A valid row, ready to be written."""

    row: int
    grid: Area
    household: dict
    minor: dict
    worker_id: int | None
    id_hash: str | None

    @property
    def address_key(self) -> tuple[int, str]:
        return self.grid.id, normalise_address(self.household["address"])

    @property
    def identity(self) -> tuple[int, str, str, object]:
        return (*self.address_key, self.minor["name"], self.minor["birth_date"])


def _header_errors(messages: dict) -> dict[str, list[str]]:
    """Schema errors keyed by the Chinese column header the person sees."""
    out: dict[str, list[str]] = {}
    for field, errors in messages.items():
        header = HEADER_OF_FIELD.get(field, field)
        if isinstance(errors, dict):  # a list field: {index: [messages]}
            errors = [m for sub in errors.values() for m in (sub if isinstance(sub, list) else [sub])]
        out.setdefault(header, []).extend(errors if isinstance(errors, list) else [str(errors)])
    return out


class RowChecker:
    """Checks rows against one scope; grids and workers are looked up once each."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self._grids: dict[str, Area | None] = {}
        self._workers: dict[str, User | None] = {}
        self._sole_worker: dict[int, int | None] = {}
        self._household_schema = HouseholdCreate()
        self._minor_schema = MinorCreate()

    def grid(self, code: str) -> Area | None:
        if code not in self._grids:
            area = db.session.scalar(sa.select(Area).where(Area.code == code))
            usable = area is not None and area.level == "grid" and self.scope.covers(area.path)
            self._grids[code] = area if usable else None
        return self._grids[code]

    def worker(self, username: str) -> User | None:
        if username not in self._workers:
            found = db.session.scalar(sa.select(User).where(User.username == username))
            self._workers[username] = (
                found if found and found.role == Role.grid_worker and found.active else None
            )
        return self._workers[username]

    def sole_worker(self, grid: Area) -> int | None:
        """The grid's only active grid worker, who then takes the child (包保) by default."""
        if grid.id not in self._sole_worker:
            ids = db.session.scalars(
                sa.select(User.id)
                .join(user_area, user_area.c.user_id == User.id)
                .where(user_area.c.area_id == grid.id, User.role == Role.grid_worker, User.active.is_(True))
                .limit(2)
            ).all()
            self._sole_worker[grid.id] = ids[0] if len(ids) == 1 else None
        return self._sole_worker[grid.id]

    def check(self, number: int, raw: dict) -> Candidate | dict:
        """A Candidate, or {header: [messages]} saying what to correct in the row."""
        errors: dict[str, list[str]] = {}
        parsed: dict[str, object] = {}
        for field, value in raw.items():
            column = BY_HEADER[HEADER_OF_FIELD[field]]
            try:
                parsed[field] = column.parse(value)
            except CellError as exc:
                errors.setdefault(column.header, []).append(str(exc))
        grid = None
        code = parsed.get("grid_code")
        if code:
            grid = self.grid(str(code))
            if grid is None:
                errors.setdefault("网格编码", []).append(f"您的辖区内没有编码为 {code} 的网格")
        else:
            errors.setdefault("网格编码", []).append("必填")
        household = {k: parsed[k] for k in ("head_name", "address", "phone") if parsed.get(k) is not None}
        minor = {
            c.field: parsed[c.field]
            for c in BY_HEADER.values()
            if c.target == "minor" and parsed.get(c.field) is not None
        }
        try:
            household = self._household_schema.load({**household, "grid_id": grid.id if grid else 0})
        except ValidationError as exc:
            errors_of = {k: v for k, v in exc.messages.items() if k != "grid_id"}
            for header, messages in _header_errors(errors_of).items():
                errors.setdefault(header, []).extend(messages)
        try:
            minor = self._minor_schema.load({**minor, "household_id": PLACEHOLDER_HOUSEHOLD})
        except ValidationError as exc:
            for header, messages in _header_errors(exc.messages).items():
                errors.setdefault(header, []).extend(messages)
        worker_id = None
        username = parsed.get("worker")
        if username and grid is not None:
            worker = self.worker(str(username))
            if worker is None or grid.id not in worker.area_ids:
                errors.setdefault("包保网格员账号", []).append(f"{username} 不是该网格的网格员")
            else:
                worker_id = worker.id
        elif grid is not None:
            worker_id = self.sole_worker(grid)
        if errors:
            return errors
        minor.pop("household_id")
        number_text = minor.get("id_number")
        id_hash = cipher().keyed_hash(number_text) if number_text else None
        return Candidate(number, grid, household, minor, worker_id, id_hash)
