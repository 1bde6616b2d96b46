"""What a statistics request covers: one area of the caller's scope, or the whole scope."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from server.areas.models import Area
from server.core.errors import NotFound
from server.core.extensions import db
from server.core.scope import Scope
from server.stats.sql import path_at_depth, path_depth


@dataclass(frozen=True)
class Target:
    """``area`` None means everything the caller may see (a county user: several streets)."""

    area: Area | None
    paths: tuple[str, ...]
    roots: tuple[Area, ...]
    # The scope covers every street there is (a county user): no row needs a path test.
    everything: bool = False

    def filter(self, column) -> sa.ColumnElement[bool]:
        """Records under the target: a prefix match for one area (an index range scan); for
        several areas of one level (a county's streets), the path cut at that level IN the
        list, one hash probe per row rather than a LIKE per area."""
        if self.everything:
            return sa.true()
        if not self.paths:
            return sa.false()
        clauses = []
        for depth, paths in by_depth_paths(self.paths).items():
            if len(paths) == 1:
                clauses.append(column.startswith(paths[0], autoescape=True))
            else:
                clauses.append(path_at_depth(column, depth).in_(paths))
        return sa.or_(*clauses)

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
        tops = db.session.scalars(sa.select(Area.path).where(Area.parent_id.is_(None))).all()
        everything = bool(roots) and all(scope.covers(top) for top in tops)
        return Target(area=None, paths=tuple(a.path for a in roots), roots=roots, everything=everything)
    area = db.session.get(Area, area_id)
    if area is None or not scope.covers(area.path):
        raise NotFound()
    return Target(area=area, paths=(area.path,), roots=(area,))


def by_depth_paths(paths) -> dict[int, list[str]]:
    groups: dict[int, list[str]] = {}
    for path in paths:
        groups.setdefault(path_depth(path), []).append(path)
    return groups


def by_depth(areas: list[Area]) -> dict[int, list[Area]]:
    """Areas grouped by the depth of their path: one GROUP BY per depth."""
    groups: dict[int, list[Area]] = {}
    for area in areas:
        groups.setdefault(path_depth(area.path), []).append(area)
    return groups
