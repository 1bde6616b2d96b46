"""Bad input of every kind gets a clear error and writes nothing."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from server.audit.models import AuditEvent
from server.registry.models import Household, Minor
from tests.factories import area, make_household, valid_id_number


def _counts(session) -> tuple[int, int, int]:
    count = lambda model: session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
    return count(Household), count(Minor), count(AuditEvent)


@pytest.fixture
def household(session):
    made = make_household()
    session.commit()
    return made


def minor_body(household, **overrides) -> dict:
    return {
        "household_id": household.id,
        "name": "王小丫",
        "gender": "female",
        "birth_date": "2015-06-01",
        **overrides,
    }


BAD_MINORS = [
    ("wrong type", {"name": 42}, "name", "应为文本"),
    ("bad gender", {"gender": "boy"}, "gender", "取值无效"),
    ("bad date", {"birth_date": "2015-13-01"}, "birth_date", "日期"),
    ("future birth date", {"birth_date": "2099-01-01"}, "birth_date", "不能晚于今天"),
    ("bad id checksum", {"id_number": "520102201506010011"}, "id_number", "校验位"),
    ("short id", {"id_number": "52010220150601"}, "id_number", "18位"),
    ("id with letters", {"id_number": "52010A201506010011"}, "id_number", "数字"),
    ("impossible id date", {"id_number": "520102201502300016"}, "id_number", "出生日期无效"),
    ("unknown field", {"nickname": "丫丫"}, "nickname", "未知字段"),
    ("bad set value", {"risk_flags": ["aliens"]}, "risk_flags", "取值无效"),
    ("set not a list", {"risk_flags": "neglect"}, "risk_flags", "列表"),
    (
        "disability grade out of range",
        {"health": "disability", "disability_grade": 7},
        "disability_grade",
        "",
    ),
    ("integer as string", {"disability_grade": "2", "health": "disability"}, "disability_grade", "整数"),
    ("null name", {"name": None}, "name", "不能为空"),
    ("empty name", {"name": ""}, "name", "长度"),
    ("out of school before birth", {"out_of_school_since": "2010-01-01"}, "out_of_school_since", "早于出生"),
]


@pytest.mark.parametrize(("label", "overrides", "field", "words"), BAD_MINORS, ids=[b[0] for b in BAD_MINORS])
def test_bad_minor_is_refused_and_nothing_written(
    client, login, session, household, label, overrides, field, words
):
    headers = login("worker1")
    before = _counts(session)
    response = client.post("/api/minors", json=minor_body(household, **overrides), headers=headers)
    assert response.status_code == 422, response.json
    assert response.json["code"] == 422 and response.json["message"]
    messages = response.json["errors"]["json"][field]
    assert words in json.dumps(messages, ensure_ascii=False)
    assert _counts(session) == before


def test_missing_required_fields_are_each_named(client, login, session):
    headers = login("worker1")
    before = _counts(session)
    response = client.post("/api/minors", json={}, headers=headers)
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"household_id", "name", "gender", "birth_date"}
    assert _counts(session) == before


def test_id_number_must_match_birth_date(client, login, household):
    number = valid_id_number(__import__("datetime").date(2014, 2, 3))
    response = client.post(
        "/api/minors", json=minor_body(household, id_number=number), headers=login("worker1")
    )
    assert response.status_code == 422
    assert "不一致" in response.json["errors"]["json"]["birth_date"][0]


def test_malformed_json(client, login, session):
    headers = login("worker1")
    before = _counts(session)
    response = client.post(
        "/api/households", data='{"address": ', headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "JSON" in response.json["message"]
    assert _counts(session) == before


def test_body_that_is_not_an_object(client, login, session):
    headers = login("worker1")
    before = _counts(session)
    response = client.post("/api/households", json=["a", "b"], headers=headers)
    assert response.status_code == 422
    assert _counts(session) == before


def test_oversize_body(client, login, session):
    headers = login("worker1")
    before = _counts(session)
    big = {"grid_id": area("V1G1W1").id, "address": "x", "head_name": "y", "notes": "好" * 1_500_000}
    response = client.post("/api/households", json=big, headers=headers)
    assert response.status_code == 413
    assert response.json["code"] == 413 and "过大" in response.json["message"]
    assert _counts(session) == before


def test_bad_household_fields(client, login, session):
    headers = login("worker1")
    before = _counts(session)
    response = client.post(
        "/api/households",
        json={"grid_id": "one", "address": "", "head_name": "张", "phone": "12345abc", "lat": 123.0},
        headers=headers,
    )
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"grid_id", "address", "phone", "lat"}
    assert _counts(session) == before


def test_patch_that_breaks_cross_field_rules_is_refused(client, login, session, household):
    headers = login("worker1")
    number = valid_id_number(__import__("datetime").date(2015, 6, 1))
    created = client.post("/api/minors", json=minor_body(household, id_number=number), headers=headers)
    assert created.status_code == 201
    response = client.patch(
        f"/api/minors/{created.json['id']}", json={"birth_date": "2015-06-02"}, headers=headers
    )
    assert response.status_code == 422
    assert "birth_date" in response.json["errors"]["json"]
    assert client.get(f"/api/minors/{created.json['id']}", headers=headers).json["birth_date"] == "2015-06-01"


def test_unknown_route_and_method_answer_json(client, login):
    headers = login("worker1")
    missing = client.get("/api/nothing-here", headers=headers)
    assert missing.status_code == 404 and missing.json["code"] == 404
    wrong = client.put("/api/households", json={}, headers=headers)
    assert wrong.status_code == 405 and wrong.json["code"] == 405


def test_bad_pagination(client, login):
    response = client.get("/api/households?page_size=1000", headers=login("worker1"))
    assert response.status_code == 422
    assert "page_size" in response.json["errors"]["query"]
