"""The review queue, the decision history, and a returned visit's round trip through the worker's phone."""

from __future__ import annotations

from datetime import date

import pytest

from server.core.localtime import local_today
from tests.factories import make_household, make_minor, make_visit, user
from tests.server.sync_api.wire import by_key

QUEUE = "/api/visits/review-queue"


@pytest.fixture
def visits(session):
    """Submitted visits in three grids; an approved one that must never be queued."""
    today = local_today()
    red = make_minor(
        make_household("worker1"),
        "worker1",
        name="红一",
        risk_flags=["abuse_suspected"],
        birth_date=date(today.year - 8, 1, 1),
    )
    plain = make_minor(
        make_household("worker2", grid="V1G1W2"),
        "worker2",
        name="蓝二",
        birth_date=date(today.year - 15, 1, 1),
    )
    other = make_minor(make_household("worker3", grid="V2G1W1"), "worker3", name="外村三")
    made = {
        "red": make_visit(red, "worker1").id,
        "plain": make_visit(plain, "worker2").id,
        "other": make_visit(other, "worker3").id,
    }
    approved = make_visit(plain, "worker2")
    approved.review_status = "approved"
    session.commit()
    return made


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json]


def test_queue_is_for_supervisors_and_scoped(client, login, visits):
    assert client.get(QUEUE, headers=login("worker1")).status_code == 403
    assert client.get(QUEUE, headers=login("sentinel1")).status_code == 403
    assert client.get(QUEUE, headers=login("police1")).status_code == 403
    assert _ids(client.get(QUEUE, headers=login("village1"))) == [visits["red"], visits["plain"]]
    assert set(_ids(client.get(QUEUE, headers=login("admin")))) == set(visits.values())
    assert _ids(client.get(QUEUE, headers=login("village2"))) == [visits["other"]]


def test_queue_items_carry_the_child_and_the_visitor(client, login, visits):
    item = client.get(QUEUE, headers=login("village1")).json[0]
    assert item["review_status"] == "submitted"
    assert item["minor"]["name"] == "红一" and item["minor"]["grade_suggested"] == "red"
    assert item["minor"]["age"] == 8
    assert item["visitor"] == {"id": user("worker1").id, "display_name": "王建国"}
    assert item["area"]["name"] == "红旗村一组一网格" and item["waiting_since"]
    assert "id_number" not in item["minor"]


def test_queue_filters(client, login, grid, visits):
    headers = login("admin")
    assert _ids(client.get(QUEUE, query_string={"area_id": grid("V2")}, headers=headers)) == [visits["other"]]
    assert _ids(client.get(QUEUE, query_string={"area_id": grid("V1G1W2")}, headers=headers)) == [
        visits["plain"]
    ]
    worker2 = user("worker2").id
    assert _ids(client.get(QUEUE, query_string={"visitor_id": worker2}, headers=headers)) == [visits["plain"]]
    assert _ids(client.get(QUEUE, query_string={"grade": "red"}, headers=headers)) == [visits["red"]]
    assert _ids(client.get(QUEUE, query_string={"min_age": 14}, headers=headers)) == [visits["plain"]]
    assert visits["red"] in _ids(client.get(QUEUE, query_string={"max_age": 9}, headers=headers))
    assert visits["plain"] not in _ids(client.get(QUEUE, query_string={"max_age": 9}, headers=headers))
    bad = client.get(QUEUE, query_string={"min_age": 10, "max_age": 5}, headers=headers)
    assert bad.status_code == 422 and "min_age" in bad.json["errors"]["query"]


def test_queue_refuses_an_area_outside_scope(client, login, grid, visits):
    response = client.get(QUEUE, query_string={"area_id": grid("V2")}, headers=login("village1"))
    assert response.status_code == 422
    assert "area_id" in response.json["errors"]["query"]
    assert visits["other"] not in response.get_data(as_text=True)


def test_queue_pages(client, login, visits):
    response = client.get(QUEUE, query_string={"page_size": 1}, headers=login("admin"))
    assert len(response.json) == 1
    assert '"total": 3' in response.headers["X-Pagination"]


def test_returned_visit_round_trip_through_sync(client, login, device, session, visits):
    """village1 returns worker1's visit; the phone pulls it returned; the amendment requeues it."""
    visit_id = visits["red"]
    phone = device("worker1")
    phone.pull_all()
    returned = client.patch(
        f"/api/visits/{visit_id}",
        json={"review_status": "returned", "review_comment": "请补充孩子身上淤青的情况"},
        headers=login("village1"),
    )
    assert returned.status_code == 200 and returned.json["review_status"] == "returned"
    assert visit_id not in _ids(client.get(QUEUE, headers=login("village1")))

    pulled = by_key(phone.pull_all())[("visit", visit_id)]
    assert pulled["data"]["review_status"] == "returned"
    assert pulled["data"]["review_comment"] == "请补充孩子身上淤青的情况"

    result = phone.push_one(
        phone.mutation(
            "visit", visit_id, {"summary": "左臂两处淤青，已拍照，奶奶称是摔伤"}, base=pulled["version"]
        )
    )
    assert result["status"] == "applied", result
    assert _ids(client.get(QUEUE, headers=login("village1")))[0] == visit_id
    assert (
        client.get(f"/api/visits/{visit_id}", headers=login("village1")).json["review_status"] == "submitted"
    )

    history = client.get(f"/api/visits/{visit_id}/reviews", headers=login("worker1")).json
    assert [(h["decision"], h["decided_by_name"], h["source"]) for h in history] == [
        ("returned", "李秀英", "api"),
        ("resubmitted", "王建国", "sync"),
    ]
    assert history[0]["comment"] == "请补充孩子身上淤青的情况" and history[0]["decided_at"]

    notices = client.get("/api/notifications", headers=login("worker1")).json
    assert [(n["kind"], n["link"]) for n in notices] == [("visit_returned", f"#/visits/{visit_id}")]
    assert notices[0]["body"] == "请补充孩子身上淤青的情况"


def test_approval_through_sync_is_kept_as_a_decision(client, login, device, visits):
    officer = device("village1")
    pulled = by_key(officer.pull_all())[("visit", visits["plain"])]
    result = officer.push_one(
        officer.mutation("visit", visits["plain"], {"review_status": "approved"}, base=pulled["version"])
    )
    assert result["status"] == "applied", result
    history = client.get(f"/api/visits/{visits['plain']}/reviews", headers=login("village1")).json
    assert [(h["decision"], h["source"]) for h in history] == [("approved", "sync")]
    assert client.get("/api/notifications", headers=login("worker2")).json == []


def test_review_history_is_scoped(client, login, visits):
    assert client.get(f"/api/visits/{visits['other']}/reviews", headers=login("village1")).status_code == 404
    assert client.get(f"/api/visits/{visits['red']}/reviews", headers=login("worker2")).status_code == 404
    assert client.get(f"/api/visits/{visits['red']}/reviews", headers=login("sentinel1")).status_code == 403
    assert client.get(f"/api/visits/{visits['red']}/reviews", headers=login("worker1")).json == []


def test_a_worker_cannot_review_and_nothing_is_recorded(client, login, visits):
    response = client.patch(
        f"/api/visits/{visits['red']}", json={"review_status": "approved"}, headers=login("worker1")
    )
    assert response.status_code == 403
    assert client.get(f"/api/visits/{visits['red']}/reviews", headers=login("village1")).json == []
