"""Hostile input gets a clear 4xx in the one error shape, never a 500, and writes nothing."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from server.core.input import too_deep
from server.registry.models import Household

BIG = 2**63


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/api/minors?page={BIG}", 422),
        (f"/api/areas/{BIG}", 404),
        (f"/api/users/{BIG}", 404),
        (f"/api/reports?area_id={BIG}", 422),
        ("/api/stats/trends?to=9999-12-31", 422),
    ],
)
def test_numbers_and_dates_out_of_range(client, login, path, status):
    response = client.get(path, headers=login("admin"))
    assert response.status_code == status, response.json
    assert response.json["code"] == status and response.json["message"]


def test_json_nested_too_deeply_is_a_400(client, login, session):
    body = "[" * 5000 + "]" * 5000
    response = client.post(
        "/api/households", data=body, headers={**login("worker1"), "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "嵌套过深" in response.json["message"]


def test_invalid_json_still_says_so_in_chinese(client, login, session):
    response = client.post(
        "/api/households", data="{oops", headers={**login("worker1"), "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "JSON" in response.json["message"] and not response.json["message"][0].isascii()


def test_depth_counts_brackets_outside_strings_only():
    assert not too_deep(json.dumps({"note": "[" * 100}).encode())
    assert too_deep(("[" * 40 + "]" * 40).encode())
    assert not too_deep(("[" * 10 + "]" * 10).encode())


def test_a_user_with_a_malformed_area_is_refused(client, login, session):
    body = {
        "username": "zz1",
        "display_name": "z",
        "password": "pw-123456789",
        "role": "grid_worker",
        "areas": [{}],
    }
    response = client.post("/api/users", json=body, headers=login("admin"))
    assert response.status_code == 422
    assert "areas" in response.json["errors"]["json"]


def test_an_unknown_assigned_worker_is_refused_and_nothing_written(client, login, session, world):
    grid = world["areas"]["V1G1W1"]
    household = client.post(
        "/api/households",
        json={"grid_id": grid, "address": "甲1号", "head_name": "甲"},
        headers=login("worker1"),
    ).json
    before = session.scalar(sa.select(sa.func.count()).select_from(Household))
    for worker in (0, -1, 2**31 - 1):
        body = {
            "household_id": household["id"],
            "name": "乙",
            "gender": "male",
            "birth_date": "2015-01-01",
            "assigned_worker_id": worker,
        }
        response = client.post("/api/minors", json=body, headers=login("worker1"))
        assert response.status_code == 422, (worker, response.json)
    assert session.scalar(sa.select(sa.func.count()).select_from(Household)) == before


@pytest.mark.parametrize(
    ("text", "says"),
    [("李\x1b四", "控制字符"), ("\ud800", "无效字符"), ("a\x00b", "空字符"), ("\x7f", "控制字符")],
)
def test_text_that_cannot_be_stored_or_exported_is_refused(client, login, session, world, text, says):
    body = {"grid_id": world["areas"]["V1G1W1"], "address": "戊1号", "head_name": text}
    response = client.post("/api/households", json=body, headers=login("worker1"))
    assert response.status_code == 422
    assert says in response.json["errors"]["json"]["head_name"][0]


def test_line_breaks_and_tabs_are_text(client, login, session, world):
    body = {
        "grid_id": world["areas"]["V1G1W1"],
        "address": "己1号",
        "head_name": "己",
        "notes": "一\n二\t三\r\n",
    }
    assert client.post("/api/households", json=body, headers=login("worker1")).status_code == 201
