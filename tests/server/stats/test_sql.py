"""The portable SQL helpers on the database the suite runs on."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from server.stats import labels
from server.stats.sql import json_array_has, median_by, path_at_depth, seconds_between


def test_path_at_depth(session):
    cases = {
        ("/S1/V10/G2/W5/", 1): "/S1/",
        ("/S1/V10/G2/W5/", 2): "/S1/V10/",
        ("/S1/V10/G2/W5/", 4): "/S1/V10/G2/W5/",
        ("/S12/", 2): "/S12/",  # a report for a whole street stays at the street
    }
    for (path, depth), expected in cases.items():
        assert session.scalar(sa.select(path_at_depth(sa.literal(path), depth))) == expected


def test_a_target_of_several_streets_filters_by_their_paths(session):
    from server.stats.target import Target

    paths = ("/S1/", "/S22/", "/S3/V1/")
    target = Target(area=None, paths=paths, roots=())
    samples = {
        "/S1/V1/G1/W1/": True,
        "/S22/V1/G1/W1/": True,
        "/S2/V1/G1/W1/": False,
        "/S3/V1/G2/W1/": True,
        "/S3/V2/G1/W1/": False,
        "/S11/V1/": False,
    }
    for path, expected in samples.items():
        column = sa.literal(path)
        assert bool(session.scalar(sa.select(target.filter(column)))) is expected, path


def test_seconds_between_and_median(session):
    data = [("x", 1), ("x", 5), ("x", 30), ("y", 2), ("y", 4)]
    rows = sa.union_all(
        *(sa.select(sa.literal(g).label("g"), sa.literal(a).label("a")) for g, a in data)
    ).subquery()
    stmt = median_by(rows.c.g, rows.c.a, sa.true())
    assert {g: float(m) for g, m, _n in session.execute(stmt)} == {"x": 5.0, "y": 3.0}
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, 5, 30, tzinfo=UTC)
    spent = session.scalar(
        sa.select(seconds_between(sa.literal(end, sa.DateTime(True)), sa.literal(start, sa.DateTime(True))))
    )
    assert round(spent) == 5.5 * 3600


def test_json_array_has(session):
    from server.registry.models import Minor

    stmt = sa.select(sa.func.count()).select_from(Minor).where(json_array_has(Minor.categories, "no_such"))
    assert session.scalar(stmt) == 0


def test_labels_cover_every_code():
    from server.accounts.models import UNITS
    from server.registry.models import CATEGORIES, GRADES, PARENT_STATUSES
    from server.reports.models import REPORT_STATUSES

    assert set(labels.CATEGORY) == set(CATEGORIES)
    assert set(labels.GRADE) == {*GRADES, "ungraded"}
    assert set(labels.PARENT_STATUS) == set(PARENT_STATUSES)
    assert set(labels.UNIT) == set(UNITS)
    assert set(labels.REPORT_STATUS) == set(REPORT_STATUSES)


def test_guardianship_in_words():
    assert (
        labels.guardianship("migrant_away", "at_home", "mother", True) == "父亲外出务工，母亲在家；由母亲照料"
    )
    assert labels.guardianship("deceased", None, "grandparents", False) == (
        "父亲死亡，母亲情况不明；由祖辈照料（照料人无监护能力）"
    )
    assert labels.guardianship(None, None, "none", None) == "无人照料"
    assert labels.guardianship(None, None, None, None) == ""
