"""``?q=`` on the lists: every word of the query must match one of the columns (case-insensitive
substring), so "王 11号" finds 王小雨 of 李庄村11号. LIKE's wildcards in the query are literal."""

from __future__ import annotations

import sqlalchemy as sa


def _literal(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(stmt: sa.Select, q: str | None, *columns) -> sa.Select:
    for word in (q or "").split():
        pattern = f"%{_literal(word)}%"
        stmt = stmt.where(sa.or_(*(c.ilike(pattern, escape="\\") for c in columns)))
    return stmt
