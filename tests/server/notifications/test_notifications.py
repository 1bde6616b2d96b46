"""Notifications: my inbox (newest first, paged), the unread badge, marking read; overdue-visit notices once."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from server.notifications.models import Notification
from server.notifications.overdue import notify_overdue
from tests.factories import make_household, make_minor, make_notification, user

INBOX = "/api/notifications"


def _seed(session, username: str, count: int) -> list[int]:
    notices = [
        make_notification(username, title=f"第{n}条 / Notice {n}", link=f"#/visits/{n}") for n in range(count)
    ]
    session.commit()
    return [notice.id for notice in notices]


def test_my_inbox_newest_first_paged(client, login, session):
    mine = _seed(session, "worker1", 3)
    _seed(session, "worker2", 2)
    headers = login("worker1")
    listing = client.get(INBOX, headers=headers)
    assert [n["id"] for n in listing.json] == mine[::-1]
    assert listing.json[0] == {
        "id": mine[-1],
        "kind": "visit_returned",
        "title": "第2条 / Notice 2",
        "body": None,
        "link": "#/visits/2",
        "created_at": listing.json[0]["created_at"],
        "read_at": None,
        "read": False,
    }
    page = client.get(INBOX, query_string={"page_size": 2, "page": 2}, headers=headers)
    assert [n["id"] for n in page.json] == [mine[0]] and '"total": 3' in page.headers["X-Pagination"]


def test_unread_count_and_marking_read(client, login, session):
    mine = _seed(session, "worker1", 3)
    theirs = _seed(session, "worker2", 1)
    headers = login("worker1")
    assert client.get(f"{INBOX}/unread-count", headers=headers).json == {"unread": 3}
    read = client.post(f"{INBOX}/{mine[0]}/read", headers=headers)
    assert read.status_code == 200 and read.json["read"] is True
    assert client.get(f"{INBOX}/unread-count", headers=headers).json == {"unread": 2}
    assert [
        n["id"] for n in client.get(INBOX, query_string={"unread": "true"}, headers=headers).json
    ] == mine[:0:-1]
    other = client.post(f"{INBOX}/{theirs[0]}/read", headers=headers)
    assert other.status_code == 404
    assert session.get(Notification, theirs[0]).read_at is None
    assert client.post(f"{INBOX}/read-all", headers=headers).json == {"marked": 2}
    assert client.get(f"{INBOX}/unread-count", headers=headers).json == {"unread": 0}
    assert client.get(f"{INBOX}/unread-count", headers=login("worker2")).json == {"unread": 1}


def test_every_role_has_an_inbox(client, login):
    for username in ("admin", "police1", "sentinel1"):
        assert client.get(INBOX, headers=login(username)).status_code == 200
    assert client.get(INBOX).status_code == 401


def _overdue(session, name: str, grade: str, days: int, username="worker1", grid=None, **fields):
    minor = make_minor(make_household(username, grid=grid), username, name=name, **fields)
    minor.grade = grade
    minor.next_visit_due = date(2026, 3, 10) - timedelta(days=days)
    session.commit()
    return minor


def _notices(session) -> list[tuple[str, str]]:
    rows = session.execute(
        sa.select(Notification.link, Notification.user_id).where(Notification.kind == "visit_overdue")
    ).all()
    names = {u: user(u).id for u in ("worker1", "worker2", "village1", "village2", "admin")}
    back = {v: k for k, v in names.items()}
    return sorted((link, back.get(user_id, str(user_id))) for link, user_id in rows)


def test_overdue_red_and_orange_visits_are_notified_once(session):
    today = date(2026, 3, 10)
    red = _overdue(session, "红", "red", 2)
    orange = _overdue(session, "橙", "orange", 1, username="worker2", grid="V1G1W2")
    _overdue(session, "黄", "yellow", 20)
    _overdue(session, "今天到期", "red", 0)
    assert notify_overdue(today) == 4
    assert _notices(session) == sorted(
        [
            (f"#/minors/{red.id}", "worker1"),
            (f"#/minors/{red.id}", "village1"),
            (f"#/minors/{orange.id}", "worker2"),
            (f"#/minors/{orange.id}", "village1"),
        ]
    )
    notice = session.scalars(sa.select(Notification).where(Notification.link == f"#/minors/{red.id}")).first()
    assert notice.title.startswith("走访逾期：红（红色）") and "2026-03-08" in notice.body
    assert notify_overdue(today) == 0, "the same minor and due date are never notified twice"
    assert notify_overdue(today + timedelta(days=1)) == 2, "the one due today is overdue tomorrow"
    assert notify_overdue(today + timedelta(days=2)) == 0
    red.next_visit_due = today - timedelta(days=1)
    session.commit()
    assert notify_overdue(today) == 2, "a new due date is a new notice"


def test_an_unassigned_minor_notifies_the_grid_workers(session):
    minor = _overdue(session, "无人负责", "red", 3)
    minor.assigned_worker_id = None
    session.commit()
    notify_overdue(date(2026, 3, 10))
    assert _notices(session) == sorted(
        [(f"#/minors/{minor.id}", "worker1"), (f"#/minors/{minor.id}", "village1")]
    )


def test_the_refresh_command_sends_overdue_notices(app, session, monkeypatch):
    from click.testing import CliRunner

    from server import cli

    minor = _overdue(session, "红", "red", 2)
    minor.created_at -= timedelta(days=10)  # registered red ten days ago and never visited
    session.commit()
    monkeypatch.setattr(cli, "_app", lambda: app)
    result = CliRunner().invoke(cli.main, ["refresh", "--area", "V1"])
    assert result.exit_code == 0, result.output
    assert "overdue-visit notices" in result.output and "webhook retries: 0 sent, 0 failed" in result.output
    links = session.scalars(sa.select(Notification.link).where(Notification.kind == "visit_overdue")).all()
    assert links and set(links) == {f"#/minors/{minor.id}"}
