"""The authorization matrix in a county of two streets: every endpoint of the OpenAPI document,
every account of both streets and the two above them, in scope and out of it.

The case lives in grid V1G1W1 of street S1 (tests/server/streets.py). For each endpoint a probe
makes one real call as each account and knows, from the account's role and areas alone, whether
that call must succeed (or, for a list, hold the case). A call that must not succeed answers
403, 404 or 422, and no refusal and no list carries the child's name or an id of the case.
Writes act on a fresh record each time, so one account's success never decides another's.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property

import openpyxl
import pytest
import sqlalchemy as sa

from server.core.scope import Scope
from server.notifications.models import Notification
from server.referrals import service as referrals
from server.registry import service as registry
from server.reports import service as reports
from server.visits import service as visits
from tests.factories import area, make_device, user
from tests.server.streets import (
    EVERYONE,
    Case,
    add_second_street,
    area_path,
    make_case,
    registry_reader,
    role,
    supervisor_of,
)
from tests.server.sync_api.wire import Device, new_id

# Who may call what: the same SQL on any database (the scope property test and test_streets.py
# check the scope filters on PostgreSQL too); the SQLite run covers it.
pytestmark = pytest.mark.db_independent

P = "V1G1W1"  # where the case lives
REFUSED = (403, 404, 422)


def covers_code(username: str, code: str) -> bool:
    from tests.server.streets import SPECS

    return any(area_path(code).startswith(area_path(mine)) for mine in SPECS[username]["areas"])


def R(u: str) -> bool:
    return registry_reader(u, P)


def S(u: str) -> bool:
    return supervisor_of(u, P)


def L(u: str) -> bool:
    """A liaison of the police (where the case was referred) whose areas hold the case."""
    return role(u) == "unit_liaison" and user(u).unit == "police" and covers_code(u, P)


def ADMIN(u: str) -> bool:
    return role(u) == "street_admin" and covers_code(u, P)


def STATS(u: str) -> bool:
    return role(u) in ("village_officer", "street_admin", "county_viewer") and covers_code(u, "V1")


def manages_worker1(u: str) -> bool:
    """worker1's only area is V1G1W1: a street admin whose scope holds it manages the account."""
    return ADMIN(u)


class World:
    def __init__(self, client, login, session, case: Case) -> None:
        self.client, self.login, self.session, self.case = client, login, session, case
        self._headers: dict[str, dict] = {}

    def headers(self, username: str) -> dict:
        if username not in self._headers:
            self._headers[username] = self.login(username)
        return self._headers[username]

    def get(self, url: str, u: str):
        return self.client.get(url, headers=self.headers(u))

    def post(self, url: str, u: str, body=None):
        return self.client.post(url, json=body, headers=self.headers(u))

    def patch(self, url: str, u: str, body: dict):
        return self.client.patch(url, json=body, headers=self.headers(u))

    def delete(self, url: str, u: str):
        return self.client.delete(url, headers=self.headers(u))

    # Fresh records of the case's grid, made through the services as its people would.

    def _commit(self, record):
        self.session.commit()
        return record

    def household(self, **fields):
        data = {"grid_id": area(P).id, "address": "石榴家隔壁", "head_name": "邻居", **fields}
        return self._commit(registry.create_household(Scope.of(user("worker1")), data))

    def minor(self, name: str = "石榴", household=None):
        household = household or self.household()
        data = {
            "household_id": household.id,
            "name": name,
            "gender": "female",
            "birth_date": date(2014, 2, 2),
        }
        return self._commit(registry.create_minor(Scope.of(user("worker1")), data))

    def visit(self):
        data = {
            "minor_id": self.case.minor,
            "visited_at": datetime.now(UTC),
            "kind": "home",
            "summary": "石榴",
        }
        return self._commit(visits.create_visit(Scope.of(user("worker1")), data))

    def report(self):
        data = {
            "area_id": area(P).id,
            "minor_id": self.case.minor,
            "kind": "bullying",
            "description": "石榴被欺负",
        }
        return self._commit(reports.create_report(Scope.of(user("worker1")), data))

    def referral(self):
        # A fresh child each time: one case goes to one unit once.
        data = {"minor_id": self.minor().id, "to_unit": "police", "reason": "石榴需要派出所关注"}
        return self._commit(referrals.send_referral(Scope.of(user("village1")), data))

    def conflict(self) -> str:
        from tests.server.streets import hlc_at, now_ms, push

        minor = self.minor()
        base, wall = minor.version, now_ms()
        for who, school, at in (("worker1", "甲校", wall), ("village1", "乙校", wall + 1000)):
            client_id = new_id()
            mutation = {
                "mid": new_id(),
                "entity": "minor",
                "id": minor.id,
                "op": "upsert",
                "base_version": base,
                "hlc": hlc_at(at, client_id),
                "fields": {"school": school},
            }
            results = push(user(who), client_id, [mutation], 10**12).results
        self.session.commit()
        return results[0]["conflict_ids"][0]

    @cached_property
    def twin(self):
        """A second record of the case's child: a duplicate pair, its grade awaiting a decision."""
        return self.minor(household=self.session.get(registry.Household, self.case.household))

    def village1_notice(self) -> int:
        return self.session.scalar(
            sa.select(Notification.id).where(
                Notification.user_id == user("village1").id, Notification.minor_id == self.case.minor
            )
        )

    def cells(self, response) -> set[str]:
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        return {
            str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None
        }

    def workbook_text(self, response) -> str:
        return " ".join(self.cells(response))

    def pair(self) -> dict:
        """Two fresh records of one child, in one household: a merge to make."""
        household = self.household()
        return {"keep": self.minor(household=household).id, "drop": self.minor(household=household).id}

    def red_without_measure(self) -> None:
        minor = self.minor()
        registry.set_grade(Scope.of(user("village1")), minor, "red", "自伤")
        self.session.commit()


@dataclass(frozen=True)
class Probe:
    call: Callable[[World, str], object]
    may: Callable[[str], bool]
    # For a list: does the answer hold the case? None: success itself is what may() says.
    holds: Callable[[World, object], bool] | None = None


def ids_of(response) -> set:
    return {item.get("id") for item in response.json} if isinstance(response.json, list) else set()


def holds(record: str) -> Callable[[World, object], bool]:
    return lambda w, r: getattr(w.case, record) in ids_of(r)


def names(text: str) -> Callable[[World, object], bool]:
    return lambda w, r: text in text_of(w, r)


def in_workbook(text: str) -> Callable[[World, object], bool]:
    return lambda w, r: text in w.workbook_text(r)


def a_cell(text: str) -> Callable[[World, object], bool]:
    return lambda w, r: text in w.cells(r)


def street_of(u: str) -> str:
    """The street whose settings an account reads: that of its first area."""
    from tests.server.streets import SPECS

    return "S2" if SPECS[u]["areas"][0].startswith("S2") else "S1"


def _ledger(w: World, u: str):
    book = openpyxl.Workbook()
    book.active.append(["网格编码", "户主姓名", "家庭住址", "联系电话", "姓名", "性别", "出生日期"])
    book.active.append([P, "户主", "红旗村一组1号", "13800000000", "导入儿童", "女", date(2015, 1, 1)])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return w.client.post(
        "/api/ledger/import?dry_run=true",
        data={"file": (buffer, "台账.xlsx")},
        headers=w.headers(u),
        content_type="multipart/form-data",
    )


def _push(w: World, u: str):
    device = Device(w.client, w.headers(u), new_id(), u)
    version = w.session.get(registry.Minor, w.case.minor).version
    return w.client.post(
        "/api/sync/push",
        json={
            "client_id": device.client_id,
            "mutations": [device.mutation("minor", w.case.minor, {"school": f"{u}学校"}, base=version)],
        },
        headers=w.headers(u),
    )


def _settings_patch(w: World, u: str):
    from server.registry.settings import settings_for

    before = settings_for("/S1/")["red_first_response_hours"]
    response = w.patch("/api/settings", u, {"red_first_response_hours": before % 23 + 1})
    if not covers_code(u, "S1"):  # another street's admin changed its own street, never S1
        assert settings_for("/S1/")["red_first_response_hours"] == before, u
    return response


def _settings_get(w: World, u: str):
    from server.registry.settings import update_settings

    update_settings("/S1/", {"red_first_response_hours": 13}, user("admin").id)
    w.session.commit()
    return w.get("/api/settings", u)


def _devices(w: World, u: str):
    if "phone" not in w._headers:
        w._headers["phone"] = w.login("worker1", device_id="worker1-phone")
        w.client.get("/api/sync/pull", headers=w._headers["phone"])
    return w.get("/api/sync/devices", u)


def _lost(method: str) -> Callable[[World, str], object]:
    """A fresh phone of worker1 each call (for DELETE, one marked lost): one account's mark never
    decides another's."""

    def call(w: World, u: str):
        marked = {"lost_at": datetime.now(UTC), "lost_by": user("admin").id} if method == "DELETE" else {}
        phone = make_device("worker1", client_id=new_id(), **marked)
        w.session.commit()
        return w.client.open(f"/api/sync/devices/{phone.client_id}/lost", method=method, headers=w.headers(u))

    return call


STATS_QUERY = "area_id={V1}&from=2026-01-01&to=2026-12-31"
ONE_AREA = ("overview", "areas", "workers", "reports", "referrals", "scoreboard")


def _stats(name: str, query: str = STATS_QUERY) -> Probe:
    return Probe(lambda w, u: w.get(f"/api/stats/{name}?{query.format(V1=area('V1').id)}", u), STATS)


PROBES: dict[str, Probe] = {
    "GET /api/users": Probe(
        lambda w, u: w.get("/api/users?page_size=100", u),
        manages_worker1,
        lambda w, r: user("worker1").id in ids_of(r),
    ),
    "POST /api/users": Probe(
        lambda w, u: w.post(
            "/api/users",
            u,
            {"username": f"new_{u}", "password": "long-password-9", "role": "grid_worker", "areas": [P]},
        ),
        ADMIN,
    ),
    "GET /api/users/{user_id}": Probe(
        lambda w, u: w.get(f"/api/users/{user('worker1').id}", u), manages_worker1
    ),
    "PATCH /api/users/{user_id}": Probe(
        lambda w, u: w.patch(f"/api/users/{user('worker1').id}", u, {"display_name": f"{u}改"}),
        manages_worker1,
    ),
    "GET /api/areas": Probe(lambda w, u: w.get("/api/areas", u), R, lambda w, r: area(P).id in ids_of(r)),
    "POST /api/areas": Probe(
        lambda w, u: w.post(
            "/api/areas", u, {"code": f"W_{u}", "name": "新网格", "level": "grid", "parent_code": "V1G1"}
        ),
        ADMIN,
    ),
    "GET /api/areas/tree": Probe(lambda w, u: w.get("/api/areas/tree", u), R, names(f'"{P}"')),
    "GET /api/areas/{area_id}": Probe(lambda w, u: w.get(f"/api/areas/{area(P).id}", u), R),
    "GET /api/households": Probe(
        lambda w, u: w.get("/api/households?page_size=100", u), R, holds("household")
    ),
    "POST /api/households": Probe(
        lambda w, u: w.post(
            "/api/households", u, {"grid_id": area(P).id, "address": "新户", "head_name": "孙强"}
        ),
        R,
    ),
    "GET /api/households/{household_id}": Probe(
        lambda w, u: w.get(f"/api/households/{w.case.household}", u), R
    ),
    "PATCH /api/households/{household_id}": Probe(
        lambda w, u: w.patch(f"/api/households/{w.case.household}", u, {"notes": u}), R
    ),
    "DELETE /api/households/{household_id}": Probe(
        lambda w, u: w.delete(f"/api/households/{w.household().id}", u), R
    ),
    "GET /api/minors": Probe(lambda w, u: w.get("/api/minors?page_size=100", u), R, holds("minor")),
    "POST /api/minors": Probe(
        lambda w, u: w.post(
            "/api/minors",
            u,
            {"household_id": w.case.household, "name": "新生", "gender": "male", "birth_date": "2020-01-01"},
        ),
        R,
    ),
    "GET /api/minors/{minor_id}": Probe(lambda w, u: w.get(f"/api/minors/{w.case.minor}", u), R),
    "PATCH /api/minors/{minor_id}": Probe(
        lambda w, u: w.patch(f"/api/minors/{w.case.minor}", u, {"school": u}), R
    ),
    "DELETE /api/minors/{minor_id}": Probe(lambda w, u: w.delete(f"/api/minors/{w.minor().id}", u), R),
    "GET /api/minors/duplicates": Probe(
        lambda w, u: w.twin and w.get("/api/minors/duplicates", u),
        S,
        lambda w, r: w.twin.id in r.get_data(as_text=True),
    ),
    "POST /api/minors/duplicates/dismissals": Probe(
        lambda w, u: w.post(
            "/api/minors/duplicates/dismissals",
            u,
            {"first": (pair := w.pair())["keep"], "second": pair["drop"], "reason": "双胞胎"},
        ),
        S,
    ),
    "POST /api/minors/merge": Probe(
        lambda w, u: w.post("/api/minors/merge", u, {**w.pair(), "reason": "同一个孩子"}), S
    ),
    "GET /api/minors/{minor_id}/merges": Probe(
        lambda w, u: w.get(f"/api/minors/{w.case.minor}/merges", u), S
    ),
    "POST /api/minors/{minor_id}/grade": Probe(
        lambda w, u: w.post(
            f"/api/minors/{w.minor().id}/grade", u, {"grade": "orange", "reason": "父亲服刑"}
        ),
        S,
    ),
    "POST /api/minors/{minor_id}/categories": Probe(
        lambda w, u: w.post(
            f"/api/minors/{w.minor().id}/categories",
            u,
            {"action": "add", "category": "crime_victim", "reason": "通报"},
        ),
        R,
    ),
    "GET /api/minors/due": Probe(
        lambda w, u: w.get("/api/minors/due?within=365&page_size=100", u), R, holds("minor")
    ),
    "GET /api/minors/counts": Probe(
        lambda w, u: w.get("/api/minors/counts", u), R, lambda w, r: r.json["by_grade"]["red"] > 0
    ),
    "GET /api/minors/grade-queue": Probe(
        lambda w, u: w.twin and w.get("/api/minors/grade-queue?page_size=100", u),
        S,
        lambda w, r: w.twin.id in ids_of(r),
    ),
    "GET /api/minors/{minor_id}/measures": Probe(
        lambda w, u: w.get(f"/api/minors/{w.case.minor}/measures", u), R
    ),
    "POST /api/minors/{minor_id}/measures": Probe(
        lambda w, u: w.post(
            f"/api/minors/{w.case.minor}/measures",
            u,
            {"kind": "living_aid", "description": "救助", "responsible_unit": "civil_affairs"},
        ),
        R,
    ),
    "GET /api/minors/{minor_id}/measures/{measure_id}": Probe(
        lambda w, u: w.get(f"/api/minors/{w.case.minor}/measures/{w.case.measure}", u), R
    ),
    "PATCH /api/minors/{minor_id}/measures/{measure_id}": Probe(
        lambda w, u: w.patch(f"/api/minors/{w.case.minor}/measures/{w.case.measure}", u, {"notes": u}), R
    ),
    "GET /api/measures/flags": Probe(
        lambda w, u: w.red_without_measure() or w.get("/api/measures/flags?include_upcoming=true", u),
        R,
        names("石榴"),
    ),
    "GET /api/settings": Probe(
        _settings_get,
        lambda u: role(u) in ("grid_worker", "village_officer", "street_admin") and street_of(u) == "S1",
        lambda w, r: r.json["red_first_response_hours"] == 13,
    ),
    "PATCH /api/settings": Probe(_settings_patch, lambda u: role(u) == "street_admin"),
    "GET /api/visits": Probe(lambda w, u: w.get("/api/visits?page_size=100", u), R, holds("visit")),
    "POST /api/visits": Probe(
        lambda w, u: w.post(
            "/api/visits",
            u,
            {"minor_id": w.case.minor, "visited_at": "2026-01-05T10:00:00+08:00", "kind": "home"},
        ),
        R,
    ),
    "GET /api/visits/{visit_id}": Probe(lambda w, u: w.get(f"/api/visits/{w.case.visit}", u), R),
    "PATCH /api/visits/{visit_id}": Probe(
        lambda w, u: w.patch(f"/api/visits/{w.visit().id}", u, {"review_status": "approved"}), S
    ),
    "GET /api/visits/review-queue": Probe(
        lambda w, u: w.visit() and w.get("/api/visits/review-queue?page_size=100", u),
        S,
        names("石榴"),
    ),
    "GET /api/visits/{visit_id}/reviews": Probe(
        lambda w, u: w.get(f"/api/visits/{w.case.visit}/reviews", u), R
    ),
    "GET /api/reports": Probe(lambda w, u: w.get("/api/reports?page_size=100", u), R, holds("report")),
    "POST /api/reports": Probe(
        lambda w, u: w.post(
            "/api/reports", u, {"area_id": area(P).id, "kind": "bullying", "description": "校园欺凌"}
        ),
        lambda u: R(u) or (role(u) == "sentinel" and covers_code(u, P)),
    ),
    "GET /api/reports/{report_id}": Probe(lambda w, u: w.get(f"/api/reports/{w.case.report}", u), R),
    "PATCH /api/reports/{report_id}": Probe(
        lambda w, u: w.patch(f"/api/reports/{w.report().id}", u, {"status": "acknowledged"}), S
    ),
    "GET /api/reports/areas": Probe(
        lambda w, u: w.get("/api/reports/areas", u),
        lambda u: (
            role(u) in ("grid_worker", "village_officer", "street_admin", "sentinel") and covers_code(u, P)
        ),
        lambda w, r: area("V1").id in ids_of(r) or area(P).id in ids_of(r),
    ),
    "GET /api/referrals": Probe(
        lambda w, u: w.get("/api/referrals?page_size=100", u), lambda u: S(u) or L(u), holds("referral")
    ),
    "POST /api/referrals": Probe(
        lambda w, u: w.post(
            "/api/referrals", u, {"minor_id": w.minor().id, "to_unit": "school", "reason": "请学校关注"}
        ),
        S,
    ),
    "GET /api/referrals/{referral_id}": Probe(
        lambda w, u: w.get(f"/api/referrals/{w.case.referral}", u), lambda u: S(u) or L(u)
    ),
    "PATCH /api/referrals/{referral_id}": Probe(
        lambda w, u: w.patch(
            f"/api/referrals/{w.referral().id}", u, {"status": "accepted", "note": "已受理"}
        ),
        L,
    ),
    "GET /api/referrals/{referral_id}/events": Probe(
        lambda w, u: w.get(f"/api/referrals/{w.case.referral}/events", u), lambda u: S(u) or L(u)
    ),
    "GET /api/notifications": Probe(
        lambda w, u: w.get("/api/notifications?page_size=100", u),
        lambda u: u in ("worker1", "village1", "admin", "mover", "police1"),
        lambda w, r: (
            any(w.case.minor in (n["link"] or "") or w.case.report in (n["link"] or "") for n in r.json)
            or any(w.case.visit in (n["link"] or "") or w.case.referral in (n["link"] or "") for n in r.json)
        ),
    ),
    "POST /api/notifications/{notification_id}/read": Probe(
        lambda w, u: w.post(f"/api/notifications/{w.village1_notice()}/read", u), lambda u: u == "village1"
    ),
    **{f"GET /api/stats/{name}": _stats(name) for name in ONE_AREA},
    "GET /api/stats/trends": _stats("trends", "area_id={V1}&months=3"),
    "GET /api/stats/monthly": _stats("monthly", "area_id={V1}"),
    "GET /api/stats/monthly.html": _stats("monthly.html", "area_id={V1}"),
    "GET /api/stats/monthly.xlsx": _stats("monthly.xlsx", "area_id={V1}"),
    "GET /api/ledger.xlsx": Probe(lambda w, u: w.get("/api/ledger.xlsx", u), S, in_workbook("石榴")),
    "GET /api/ledger/template.xlsx": Probe(lambda w, u: w.get("/api/ledger/template.xlsx", u), S, a_cell(P)),
    "POST /api/ledger/import": Probe(
        _ledger, S, lambda w, r: r.json["accepted"] == 1 if r.status_code == 200 else False
    ),
    "POST /api/sync/push": Probe(_push, R, lambda w, r: r.json["results"][0]["status"] != "rejected"),
    "GET /api/sync/pull": Probe(
        lambda w, u: w.get("/api/sync/pull?limit=1000", u),
        R,
        lambda w, r: w.case.minor in {c["id"] for c in r.json["changes"]},
    ),
    "GET /api/sync/devices": Probe(_devices, S, names("worker1-phone")),
    "POST /api/sync/devices/{client_id}/lost": Probe(_lost("POST"), manages_worker1),
    "DELETE /api/sync/devices/{client_id}/lost": Probe(_lost("DELETE"), manages_worker1),
    "GET /api/conflicts": Probe(lambda w, u: w.get("/api/conflicts?status=all", u), S, holds("conflict")),
    "GET /api/conflicts/mine": Probe(
        lambda w, u: w.get("/api/conflicts/mine?status=all", u), lambda u: u == "worker1", holds("conflict")
    ),
    "GET /api/conflicts/{conflict_id}": Probe(lambda w, u: w.get(f"/api/conflicts/{w.case.conflict}", u), S),
    "POST /api/conflicts/{conflict_id}/restore": Probe(
        lambda w, u: w.post(f"/api/conflicts/{w.conflict()}/restore", u), S
    ),
    "POST /api/conflicts/{conflict_id}/dismiss": Probe(
        lambda w, u: w.post(f"/api/conflicts/{w.conflict()}/dismiss", u), S
    ),
}

# Endpoints that reach no record of a place: what they answer is the caller's own.
UNPLACED = {
    "POST /api/auth/login": "logs in as oneself",
    "POST /api/auth/refresh": "one's own token",
    "POST /api/auth/logout": "one's own session",
    "GET /api/auth/me": "one's own account",
    "GET /api/rules": "the rules, and the caller's own street's settings",
    "GET /api/notifications/unread-count": "one's own notices, counted by the list's own filter",
    "POST /api/notifications/read-all": "one's own notices, by the list's own filter",
    "GET /api/ledger/import/{job_id}": "one's own import job (404 for anyone else's)",
}


@pytest.fixture
def world(client, login, session) -> World:
    add_second_street()
    session.commit()
    return World(client, login, session, make_case(P))


def test_every_endpoint_is_in_the_matrix(client):
    spec = client.get("/api/openapi.json").json
    methods = ("get", "post", "put", "patch", "delete")
    operations = {f"{m.upper()} {path}" for path, item in spec["paths"].items() for m in methods if m in item}
    assert operations - set(PROBES) - set(UNPLACED) == set(), "a new endpoint needs a probe here"
    assert set(PROBES) - operations == set()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text_of(world: World, response) -> str:
    """What an answer says, as a person would read it (JSON unescaped, a workbook's cells)."""
    if response.mimetype == XLSX:
        return world.workbook_text(response)
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    return response.get_data(as_text=True)


def _leak_free(world: World, response) -> None:
    text = text_of(world, response)
    assert world.case.name not in text
    assert not [i for i in world.case.ids() if i in text]


@pytest.mark.parametrize("operation", sorted(PROBES))
def test_every_account_in_and_out_of_scope(world, operation):
    probe = PROBES[operation]
    wrong = []
    for username in EVERYONE:
        response = probe.call(world, username)
        must = probe.may(username)
        if probe.holds is None:
            done = 200 <= response.status_code < 300
            if not done:
                assert response.status_code in REFUSED, (username, response.status_code, response.get_json())
        else:
            assert response.status_code in (200, 201, 202, 403), (
                username,
                response.status_code,
                response.get_json(),
            )
            done = response.status_code < 300 and probe.holds(world, response)
        if not done:
            _leak_free(world, response)
        if done != must:
            wrong.append((username, response.status_code, "did" if done else "could not"))
    assert wrong == []
