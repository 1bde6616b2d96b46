"""What a statistics request covers: one area of the caller's scope, or the whole scope."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_smorest import abort

from server.areas.models import Area
from server.extensions import db
from server.scope import Scope
from server.stats.sql import path_depth


@dataclass(frozen=True)
class Target:
    """``area`` None means everything the caller may see (a county user: several streets)."""

    area: Area | None
    paths: tuple[str, ...]
    roots: tuple[Area, ...]

    def filter(self, column) -> sa.ColumnElement[bool]:
        if not self.paths:
            return sa.false()
        return sa.or_(*(column.startswith(p, autoescape=True) for p in self.paths))

    @property
    def first_path(self) -> str | None:
        return self.paths[0] if self.paths else None

    def children(self) -> list[Area]:
        """The next level down: the area's children; for a scope of several areas (a county
        user over several streets), those areas themselves."""
        parent = self.area if self.area is not None else (self.roots[0] if len(self.roots) == 1 else None)
        if parent is None:
            return list(self.roots)
        return list(
            db.session.scalars(sa.select(Area).where(Area.parent_id == parent.id).order_by(Area.path))
        )

    def to_wire(self) -> dict | None:
        return area_wire(self.area) if self.area is not None else None


def area_wire(area: Area) -> dict:
    return {"id": area.id, "code": area.code, "name": area.name, "level": area.level, "path": area.path}


def resolve(scope: Scope, area_id: int | None) -> Target:
    """The area asked for, if the scope covers it; otherwise 404, exactly as if it did not exist."""
    roots = tuple(sorted(scope.user.areas, key=lambda a: a.path)) if scope.paths else ()
    if area_id is None:
        return Target(area=None, paths=tuple(a.path for a in roots), roots=roots)
    area = db.session.get(Area, area_id)
    if area is None or not scope.covers(area.path):
        abort(404)
    return Target(area=area, paths=(area.path,), roots=(area,))


def by_depth(areas: list[Area]) -> dict[int, list[Area]]:
    """Areas grouped by the depth of their path: one GROUP BY per depth."""
    groups: dict[int, list[Area]] = {}
    for area in areas:
        groups.setdefault(path_depth(area.path), []).append(area)
    return groups
