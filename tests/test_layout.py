"""ruff format decides the layout (issue 15): no `fmt: skip` or `fmt: off`, but around the tables
that need their columns (the code lists)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLES = {"server/core/codes.py"}  # the code lists: one row a code, aligned
MARKER = re.compile(r"#\s*fmt:\s*(skip|off)")


def test_ruff_decides_the_layout_outside_the_tables():
    marked = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("server", "sync", "tests", "migrations")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if str(path.relative_to(ROOT)) not in TABLES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if MARKER.search(line) and path != Path(__file__)
    ]
    assert marked == []
