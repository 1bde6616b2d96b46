"""SQL building blocks the statistics need, compiled per dialect (SQLite and PostgreSQL).

Each construct renders to plain SQL that the database evaluates itself, so a figure over a
whole county is one aggregate query and never a loop over rows in Python.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class seconds_between(FunctionElement):
    """``later - earlier`` in seconds (NULL when either is NULL)."""

    type = sa.Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "postgresql")
def _seconds_between_pg(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


@compiles(seconds_between)
def _seconds_between_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


class str_position(FunctionElement):
    """1-based position of ``needle`` in ``haystack``, 0 when absent."""

    type = sa.Integer()
    inherit_cache = True
    name = "str_position"


@compiles(str_position, "postgresql")
def _str_position_pg(element, compiler, **kw):
    haystack, needle = (compiler.process(c, **kw) for c in element.clauses)
    return f"strpos({haystack}, {needle})"


@compiles(str_position)
def _str_position_sqlite(element, compiler, **kw):
    haystack, needle = (compiler.process(c, **kw) for c in element.clauses)
    return f"instr({haystack}, {needle})"


class json_array_has(sa.sql.expression.ColumnElement):
    """True when the JSON array in ``column`` holds the string ``value``.

    PostgreSQL answers with jsonb containment (no text conversion per row); SQLite keeps JSON
    as text, where the quoted member is a plain substring.
    """

    type = sa.Boolean()
    inherit_cache = False

    def __init__(self, column, value: str) -> None:
        self.column = column
        self.value = value


@compiles(json_array_has, "postgresql")
def _json_array_has_pg(element, compiler, **kw):
    literal = json.dumps([element.value]).replace("'", "''")
    return f"({compiler.process(element.column, **kw)} @> '{literal}'::jsonb)"


@compiles(json_array_has)
def _json_array_has_sqlite(element, compiler, **kw):
    pattern = f'%"{element.value}"%'.replace("'", "''")
    return f"(CAST({compiler.process(element.column, **kw)} AS TEXT) LIKE '{pattern}')"


def path_depth(path: str) -> int:
    """/S1/V3/ -> 2: the number of codes in a materialised path."""
    return len([code for code in path.split("/") if code])


def path_at_depth(column, depth: int) -> sa.ColumnElement[str]:
    """The first ``depth`` codes of a materialised path: /S1/V3/G2/W5/ at 2 -> /S1/V3/.

    Every record lies at grid level, so its village (depth 2) or group (depth 3) is a cut of
    its own path; GROUP BY on this expression drills down one level in one query. A path
    shallower than ``depth`` is cut at its end (a report filed for a whole street).
    """
    # Inline constants: PostgreSQL matches a GROUP BY expression to the select list textually.
    one, slash = sa.literal_column("1", sa.Integer), sa.literal_column("'/'", sa.String)
    position = one
    for _ in range(depth):
        position = position + str_position(sa.func.substr(column, position + one), slash)
    return sa.func.substr(column, one, position)


def count_if(condition) -> sa.ColumnElement[int]:
    """COUNT of the rows where ``condition`` holds (portable FILTER)."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def median_by(group, value, where, *, extra_groups: tuple = ()) -> sa.Select:
    """SELECT group, median(value), count(value) ... GROUP BY group, portable to SQLite.

    Window functions number the values of each group in order; the median is the middle one,
    or the mean of the two middle ones, which ``rn BETWEEN (n+1)/2 AND (n+2)/2`` selects.
    """
    ordered = (
        sa.select(
            group.label("g"),
            *(g.label(f"g{i}") for i, g in enumerate(extra_groups)),
            value.label("v"),
            sa.func.row_number().over(partition_by=[group, *extra_groups], order_by=value).label("rn"),
            sa.func.count().over(partition_by=[group, *extra_groups]).label("n"),
        )
        .where(where, value.is_not(None))
        .subquery()
    )
    keys = [ordered.c.g, *(ordered.c[f"g{i}"] for i in range(len(extra_groups)))]
    return (
        sa.select(*keys, sa.func.avg(ordered.c.v), sa.func.max(ordered.c.n))
        .where(ordered.c.rn.between((ordered.c.n + 1) // 2, (ordered.c.n + 2) // 2))
        .group_by(*keys)
    )
