"""Indexes the statistics need on the registry's tables (declared here, beside their queries).

Every statistic filters by an area-path prefix and, for visits and reports, a time range.
On PostgreSQL a B-tree serves ``LIKE 'prefix%'`` only under the C collation or with the
``*_pattern_ops`` operator class; databases are usually created with a language collation
(here C.UTF-8, which PostgreSQL 15 does not treat as C), so the prefix indexes use
``varchar_pattern_ops``. The visit indexes are partial (live rows) and cover the columns
the counts read, so a village's month is an index-only range scan and a county's month a
scan of one index, never of the table. Measured in tests/bench/results-stats.md.
"""

from __future__ import annotations

import sqlalchemy as sa

from server.registry.models import Minor
from server.reports.models import Report
from server.visits.models import Visit

PATTERN = "varchar_pattern_ops"

visit_by_path = sa.Index(
    "ix_visit_stats_path",
    Visit.area_path,
    Visit.visited_at,
    postgresql_ops={"area_path": PATTERN},
    postgresql_include=["review_status", "visitor_id"],
    postgresql_where=Visit.deleted_at.is_(None),
    sqlite_where=Visit.deleted_at.is_(None),
)
visit_by_time = sa.Index(
    "ix_visit_stats_time",
    Visit.visited_at,
    postgresql_include=["area_path", "review_status", "visitor_id"],
    postgresql_where=Visit.deleted_at.is_(None),
    sqlite_where=Visit.deleted_at.is_(None),
)
minor_by_path = sa.Index(
    "ix_minor_stats_path",
    Minor.area_path,
    postgresql_ops={"area_path": PATTERN},
    postgresql_where=Minor.deleted_at.is_(None),
    sqlite_where=Minor.deleted_at.is_(None),
)
report_by_path = sa.Index(
    "ix_report_stats_path",
    Report.area_path,
    Report.reported_at,
    postgresql_ops={"area_path": PATTERN},
    postgresql_where=Report.deleted_at.is_(None),
    sqlite_where=Report.deleted_at.is_(None),
)

STATS_INDEXES = (visit_by_path, visit_by_time, minor_by_path, report_by_path)
