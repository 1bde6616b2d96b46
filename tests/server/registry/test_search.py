"""Supervisors search the long lists on the server (issue 14): minors, households and the review
queue by name, pinyin initials or spelling, address and the ID number's last four characters,
within their own area, with bounded input."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from server.core.extensions import db
from server.registry.models import Minor
from tests.factories import make_household, make_minor, make_visit, valid_id_number

LISTS = ("/api/minors", "/api/households", "/api/visits/review-queue")


@pytest.fixture
def families(session):
    """王小雨 of 李庄村11号 with an ID number, and 赵明 next door; a visit of each waits for review."""
    rain_home = make_household(address="李庄村11号", head_name="王建国")
    rain = make_minor(rain_home, name="王小雨", id_number=valid_id_number(date(2014, 5, 20)))
    ming_home = make_household(address="李庄村12号", head_name="赵大山")
    ming = make_minor(ming_home, name="赵明")
    visits = {rain.id: make_visit(rain).id, ming.id: make_visit(ming).id}
    session.commit()
    return {"rain": rain, "ming": ming, "homes": (rain_home, ming_home), "visits": visits}


def _found(client, headers, path: str, q: str) -> set[str]:
    answer = client.get(path, query_string={"q": q, "page_size": 100}, headers=headers)
    assert answer.status_code == 200, answer.json
    return {row["id"] for row in answer.json}


def test_minors_are_found_by_pinyin_address_and_id_tail(client, login, families):
    rain, ming = families["rain"], families["ming"]
    officer = login("village1")
    tail = db.session.scalar(sa.select(Minor.id_number_masked).where(Minor.id == rain.id))[-2:]
    full = client.get(f"/api/minors/{rain.id}", headers=officer).json["id_number"]
    assert full.endswith(tail)

    def found(q: str) -> set[str]:
        return _found(client, officer, "/api/minors", q) & {rain.id, ming.id}

    assert found("wxy") == {rain.id}  # pinyin initials
    assert found("WXY") == {rain.id}
    assert found("wangxiaoyu") == {rain.id} and found("xiaoyu") == {rain.id}  # whole spelling
    assert found("zm") == {ming.id}
    assert found("李庄村") == {rain.id, ming.id}
    assert found("wxy 11号") == {rain.id} and found("wxy 12号") == set()  # every word
    assert found(full[-4:]) == {rain.id}  # 身份证后四位, never stored in plain text
    assert found(full[-4:].lower()) == {rain.id}


def test_households_are_found_by_the_head_and_the_children_living_there(client, login, families):
    rain_home, ming_home = families["homes"]
    officer = login("village1")
    full = client.get(f"/api/minors/{families['rain'].id}", headers=officer).json["id_number"]

    def found(q: str) -> set[str]:
        return _found(client, officer, "/api/households", q) & {rain_home.id, ming_home.id}

    assert found("wjg") == {rain_home.id}  # the head 王建国
    assert found("zds") == {ming_home.id}
    assert found("wxy") == {rain_home.id}  # the child 王小雨 lives there
    assert found("zhaoming") == {ming_home.id}
    assert found(full[-4:]) == {rain_home.id}
    assert found("12号") == {ming_home.id}


def test_the_review_queue_is_searchable(client, login, families):
    visits = families["visits"]
    officer = login("village1")
    full = client.get(f"/api/minors/{families['rain'].id}", headers=officer).json["id_number"]

    def found(q: str) -> set[str]:
        return _found(client, officer, "/api/visits/review-queue", q) & set(visits.values())

    assert found("wxy") == {visits[families["rain"].id]}
    assert found("赵") == {visits[families["ming"].id]}
    assert found("李庄村") == set(visits.values())
    assert found(full[-4:]) == {visits[families["rain"].id]}


def test_search_stays_in_my_area(client, login, families):
    other_village = login("village2")
    for path in LISTS:
        assert (
            _found(client, other_village, path, "wxy")
            & {
                families["rain"].id,
                families["homes"][0].id,
                *families["visits"].values(),
            }
            == set()
        ), path


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("q", ["x" * 65, "王\x00"])
def test_bad_queries_are_refused_with_422(client, login, session, path, q):
    answer = client.get(path, query_string={"q": q}, headers=login("village1"))
    assert answer.status_code == 422, (answer.status_code, answer.json)


def test_names_keep_their_pinyin_whoever_writes_them(client, login, families):
    rain = families["rain"]
    officer = login("village1")
    renamed = client.patch(f"/api/minors/{rain.id}", json={"name": "刘小雨"}, headers=officer)
    assert renamed.status_code == 200, renamed.json
    assert rain.id not in _found(client, officer, "/api/minors", "wxy")
    assert rain.id in _found(client, officer, "/api/minors", "lxy")
    assert "name_pinyin" not in renamed.json and "id_tail_hash" not in renamed.json


def test_numbers_stored_before_the_tail_hash_are_found_after_the_nightly_refresh(client, login, families):
    from server.registry.service import fill_id_tails

    rain = families["rain"]
    officer = login("village1")
    full = client.get(f"/api/minors/{rain.id}", headers=officer).json["id_number"]
    db.session.execute(sa.update(Minor).where(Minor.id == rain.id).values(id_tail_hash=None))
    db.session.commit()
    assert rain.id not in _found(client, officer, "/api/minors", full[-4:])
    assert fill_id_tails() >= 1
    db.session.commit()
    assert rain.id in _found(client, officer, "/api/minors", full[-4:])
