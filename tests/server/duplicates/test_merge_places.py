"""A merge of two records of one child from two grids: all that was the dropped record's now lives
where the kept one does, and the dropped record's grid no longer reads it."""

from __future__ import annotations

from datetime import date

from tests.factories import area, make_household, make_minor, make_visit


def test_a_merge_puts_the_dropped_records_history_where_the_kept_child_lives(client, login, session):
    birth = date(2014, 6, 1)
    kept = make_minor(
        make_household("worker1", address="红旗村一组9号"), "worker1", name="马小兰", birth_date=birth
    )
    dropped = make_minor(
        make_household("worker2", grid="V1G1W2", address="红旗村一组9号"),
        "worker2",
        name="马小兰",
        birth_date=birth,
    )
    visit = make_visit(dropped, "worker2", summary="奶奶照看")
    session.commit()
    report = client.post(
        "/api/reports",
        json={
            "area_id": area("V1G1W2").id,
            "minor_id": dropped.id,
            "kind": "neglect",
            "description": "无人照看",
        },
        headers=login("worker2"),
    ).json["id"]
    referral = client.post(
        "/api/referrals",
        json={"report_id": report, "to_unit": "civil_affairs", "reason": "请民政救助"},
        headers=login("village1"),
    ).json["id"]

    merged = client.post(
        "/api/minors/merge",
        json={"keep": kept.id, "drop": dropped.id, "reason": "同一个孩子"},
        headers=login("village1"),
    )
    assert merged.status_code == 200, merged.get_json()

    worker1, worker2 = login("worker1"), login("worker2")
    assert client.get(f"/api/visits/{visit.id}", headers=worker1).json["minor_id"] == kept.id
    assert client.get(f"/api/visits/{visit.id}", headers=worker2).status_code == 404
    assert client.get(f"/api/reports/{report}", headers=worker1).json["minor_id"] == kept.id
    assert client.get(f"/api/reports/{report}", headers=worker2).status_code == 404
    referred = client.get(f"/api/referrals/{referral}", headers=login("village1")).json
    assert referred["area_path"] == area("V1G1W1").path
