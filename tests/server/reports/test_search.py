"""Searching the supervisors' lists on the server (?q=): reports and referrals by the child's name
(as reported or on file), the place, the reporter and the text; every word must match."""

from __future__ import annotations

from server.reports.models import Report
from tests.factories import make_household, make_minor, make_referral, make_report


def _file(client, login, **fields) -> dict:
    village = next(
        a["id"]
        for a in client.get("/api/reports/areas", headers=login("sentinel1")).json
        if a["level"] == "village"
    )
    body = {"area_id": village, "kind": "bullying", "description": "校外人员多次拦截学生", **fields}
    filed = client.post("/api/reports", json=body, headers=login("sentinel1"))
    assert filed.status_code == 201, filed.json
    return filed.json


def test_reports_are_found_by_child_place_and_words(client, login, session):
    a = _file(client, login, child_name="周小雨", place="红旗村一组7号")
    b = _file(client, login, child_name="李明", place="龙泉村3号", description="学生连续旷课_100%")
    admin = login("admin")

    def found(q: str) -> set[str]:
        response = client.get("/api/reports", query_string={"q": q, "page_size": 100}, headers=admin)
        assert response.status_code == 200, response.json
        return {r["id"] for r in response.json} & {a["id"], b["id"]}

    assert found("周小雨") == {a["id"]}
    assert found("龙泉村") == {b["id"]}
    assert found("红旗村 7号") == {a["id"]}  # every word
    assert found("红旗村 3号") == set()
    assert found("100%") == {b["id"]} and found("%") == {b["id"]}  # a wildcard is a character
    assert client.get("/api/reports", query_string={"q": "x" * 65}, headers=admin).status_code == 422
    assert client.get("/api/reports", query_string={"q": "a\x00"}, headers=admin).status_code == 422


def test_referrals_are_found_by_the_child_and_the_reason(client, login, session):
    report = _file(client, login, kind="runaway", child_name="王小雨", place="李庄村11号")
    admin = login("admin")
    sent = client.post(
        "/api/referrals",
        json={"report_id": report["id"], "to_unit": "school", "reason": "请学校家访"},
        headers=admin,
    )
    assert sent.status_code == 201
    for q, hit in (("王小雨", True), ("李庄村", True), ("家访", True), ("张三", False)):
        rows = client.get("/api/referrals", query_string={"q": q}, headers=admin).json
        assert (sent.json["id"] in {r["id"] for r in rows}) is hit, q


def test_a_child_on_file_is_found_by_pinyin_in_reports_and_referrals(client, login, session):
    """As on the registry's lists (issue 14): wxy or wangxiaoyu finds 王小雨 on file."""
    child = make_minor(make_household(), name="王小雨")
    other = make_minor(make_household(), name="李明")
    report = make_report(minor_id=child.id, description="孩子多日未到校")
    unrelated = make_report(minor_id=other.id, description="孩子多日未到校")
    referral = make_referral(child, to_unit="school", report_id=report.id)
    make_referral(other, to_unit="school", report_id=unrelated.id)
    session.commit()
    admin = login("admin")
    for q in ("wxy", "WangXiaoYu", "wxy 未到校"):
        reports = client.get("/api/reports", query_string={"q": q, "page_size": 100}, headers=admin)
        referrals = client.get("/api/referrals", query_string={"q": q}, headers=admin)
        assert reports.status_code == referrals.status_code == 200, (reports.json, referrals.json)
        assert {r["id"] for r in reports.json} & {report.id, unrelated.id} == {report.id}, q
        assert {r["id"] for r in referrals.json} == {referral.id}, q
    long = client.get("/api/referrals", query_string={"q": "x" * 65}, headers=admin)
    assert long.status_code == 422 and "q" in str(long.json)


def test_a_reported_child_not_yet_on_file_is_found_by_pinyin_too(client, login, session):
    """A sentinel names 周小雨, whom the registry does not know yet: zxy and zhouxiaoyu find the
    report and its referral, and the name's pinyin is never on the wire."""
    report = _file(client, login, kind="runaway", child_name="周小雨", place="李庄村11号")
    other = _file(client, login, child_name="李明")
    admin = login("admin")
    sent = client.post(
        "/api/referrals",
        json={"report_id": report["id"], "to_unit": "school", "reason": "请学校家访"},
        headers=admin,
    )
    assert sent.status_code == 201, sent.json
    for q in ("zxy", "ZhouXiaoYu", "zxy 李庄村"):
        reports = client.get("/api/reports", query_string={"q": q, "page_size": 100}, headers=admin)
        referrals = client.get("/api/referrals", query_string={"q": q}, headers=admin)
        assert reports.status_code == referrals.status_code == 200, (reports.json, referrals.json)
        assert {r["id"] for r in reports.json} & {report["id"], other["id"]} == {report["id"]}, q
        assert sent.json["id"] in {r["id"] for r in referrals.json}, q
    assert "child_name_pinyin" not in str(reports.json) and "child_name_pinyin" not in str(referrals.json)
    # The name corrected later (a phone's edit syncs onto the same column): the pinyin follows.
    session.get(Report, report["id"]).child_name = "吴小北"
    session.commit()
    found = client.get("/api/reports", query_string={"q": "wxb"}, headers=admin).json
    assert {r["id"] for r in found} & {report["id"], other["id"]} == {report["id"]}
