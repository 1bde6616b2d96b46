"""Areas: the tree of a scope, creation with materialised paths, CSV import."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from server.areas.models import LEVEL_ORDER, Area
from server.core.errors import FieldErrors
from server.core.extensions import db
from server.core.scope import Scope


class AreaError(FieldErrors):
    pass


def areas_in_scope(scope: Scope) -> list[Area]:
    """Every area under the scope, plus its ancestors so a device can name where it is."""
    if not scope.paths:
        return []
    ancestors = {seg for p in scope.paths for seg in _ancestor_paths(p)}
    stmt = sa.select(Area).where(sa.or_(scope.filter(Area.path), Area.path.in_(ancestors)))
    return list(db.session.scalars(stmt.order_by(Area.path)))


def _ancestor_paths(path: str) -> list[str]:
    codes = [c for c in path.split("/") if c]
    return ["/" + "/".join(codes[:i]) + "/" for i in range(1, len(codes))]


def tree(areas: list[Area]) -> list[dict]:
    nodes = {a.id: {**a.to_wire(), "children": []} for a in areas}
    roots = []
    for area in areas:
        parent = nodes.get(area.parent_id)
        (parent["children"] if parent else roots).append(nodes[area.id])
    return roots


def create_area(code: str, name: str, level: str, parent_code: str | None) -> Area:
    errors: dict[str, list[str]] = {}
    if level not in LEVEL_ORDER:
        errors["level"] = [f"层级应为 / Level must be one of: {', '.join(LEVEL_ORDER)}"]
    if not code or "/" in code or len(code) > 40:
        errors["code"] = ["编码不能为空、不含斜杠 / A code is 1-40 characters without '/'."]
    elif db.session.scalar(sa.select(Area.id).where(Area.code == code)):
        errors["code"] = [f"编码已存在 / Code {code} exists."]
    if not name:
        errors["name"] = ["名称不能为空 / A name is required."]
    parent = None
    if parent_code:
        parent = db.session.scalar(sa.select(Area).where(Area.code == parent_code))
        if parent is None:
            errors["parent_code"] = [f"未知上级区域 / Unknown parent {parent_code}."]
        elif level in LEVEL_ORDER and LEVEL_ORDER.index(level) != LEVEL_ORDER.index(parent.level) + 1:
            errors["level"] = [
                f"{level} 不能直接位于 {parent.level} 之下 / Wrong level under {parent.level}."
            ]
    elif level != "street":
        errors["parent_code"] = ["只有街道没有上级 / Only a street has no parent."]
    if errors:
        raise AreaError(errors)
    path = f"{parent.path if parent else '/'}{code}/"
    area = Area(code=code, name=name, level=level, parent=parent, area_path=path, path=path)
    db.session.add(area)
    db.session.flush()
    return area


def import_csv(text: str) -> list[Area]:
    """Rows ``code,name,level,parent_code``, parents before children; all or nothing."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"code", "name", "level", "parent_code"} - set(reader.fieldnames or [])
    if missing:
        raise AreaError({"columns": [f"缺少列 / Missing columns: {', '.join(sorted(missing))}"]})
    created = []
    for number, row in enumerate(reader, start=2):
        try:
            created.append(
                create_area(
                    (row["code"] or "").strip(),
                    (row["name"] or "").strip(),
                    (row["level"] or "").strip(),
                    (row["parent_code"] or "").strip() or None,
                )
            )
        except AreaError as exc:
            raise AreaError({f"row {number}": exc.errors}) from exc
    return created
