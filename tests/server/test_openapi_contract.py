"""The OpenAPI document is the whole contract (STYLE 14): every answer is declared, and every
answer is what it declares.

``CALLS`` holds one real call for every success answer that /api/openapi.json declares, made
as a user who may make it. Each answer must

- validate against its declared schema, with no key the schema does not name (nested objects
  included), or carry the declared non-JSON content type (files, the printable page);
- be exactly what the view returned, when the view returned plain data: flask-smorest dumps
  a view's dict through the response schema, which silently drops undeclared keys and turns
  3 into 3.0 in a Float. The PWA reads these answers, so a schema may describe them only.

A new endpoint, or a new success status, fails ``test_every_answer_has_a_call`` until a call is
added here, and ``test_every_answer_is_declared`` fails for a bare ``@blp.response(200)``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from functools import cached_property

import flask_smorest.response
import jsonschema
import pytest

from server.core.localtime import local_today
from server.core.scope import Scope
from server.ledger import jobs
from server.registry import service as registry
from server.registry.models import Household, Minor
from tests.factories import area, make_device, make_household, make_minor, make_visit, user
from tests.server.ledger.ledger_files import good_row, upload, workbook
from tests.server.sync_api.wire import Device, hlc_at, minor_fields, new_id, now_ms

# The answers' shapes against the document: serialisation, the same on any database.
pytestmark = pytest.mark.db_independent

JSON = "application/json"
METHODS = ("get", "post", "put", "patch", "delete")


def success_answers(spec: dict) -> dict[tuple[str, str], dict]:
    """{("GET /api/minors", "200"): the declared response} for every 2xx of every operation."""
    found = {}
    for path, item in spec["paths"].items():
        for method in METHODS:
            for status, response in item.get(method, {}).get("responses", {}).items():
                if status.startswith("2"):
                    found[(f"{method.upper()} {path}", status)] = response
    return found


def undeclared_answers(spec: dict) -> list[str]:
    """Success answers that say nothing of their body: JSON without a schema, or no content."""
    problems = []
    for (operation, status), response in success_answers(spec).items():
        content = response.get("content")
        if status == "204":
            if content:
                problems.append(f"{operation} {status}: a 204 has no body")
        elif not content:
            problems.append(f"{operation} {status}: no response schema or content type")
        elif JSON in content and "schema" not in content[JSON]:
            problems.append(f"{operation} {status}: JSON without a schema")
    return problems


def strict(schema):
    """An OpenAPI 3.0 schema as JSON Schema: ``nullable`` as a null type, objects closed."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    if "properties" in out:
        out["properties"] = {name: strict(s) for name, s in out["properties"].items()}
        out.setdefault("additionalProperties", False)
    for key in ("items", "additionalProperties"):
        if isinstance(out.get(key), dict):
            out[key] = strict(out[key])
    for key in ("anyOf", "allOf", "oneOf"):
        if key in out:
            out[key] = strict(out[key])
    if out.pop("nullable", False):
        if out.get("type") == "object" and len(out) == 1:
            return {"type": "null"}  # the null branch apispec writes for a nullable Nested
        return {"anyOf": [out, {"type": "null"}]}
    return out


def schema_errors(spec: dict, schema: dict, body) -> list[str]:
    components = {name: strict(s) for name, s in spec["components"]["schemas"].items()}
    validator = jsonschema.Draft202012Validator({**strict(schema), "components": {"schemas": components}})
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}" for e in errors]


def is_plain(value) -> bool:
    """JSON data as Python builds it (no records, no dates): what a schema must pass unchanged."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_plain(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(is_plain(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)


def differences(expected, actual, path: str = "") -> list[str]:
    """Where two JSON values differ, types included (1 and 1.0 and True are three values)."""
    if type(expected) is not type(actual):
        return [f"{path or '(top)'}: {expected!r} became {actual!r}"]
    if isinstance(expected, dict):
        found = [f"{path}/{k}: dropped" for k in expected.keys() - actual.keys()]
        found += [f"{path}/{k}: added" for k in actual.keys() - expected.keys()]
        for key in expected.keys() & actual.keys():
            found += differences(expected[key], actual[key], f"{path}/{key}")
        return found
    if isinstance(expected, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(expected)} items became {len(actual)}"]
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in differences(e, a, f"{path}/{i}")
        ]
    return [] if expected == actual else [f"{path}: {expected!r} became {actual!r}"]


class Records:
    """The records a call needs, made on first use, and calls made as one user or another."""

    def __init__(self, client, login, session, monkeypatch, returned: list) -> None:
        self.client = client
        self.login = login
        self.session = session
        self.monkeypatch = monkeypatch
        self.returned = returned
        self.raw: dict[int, object] = {}
        self._headers: dict[str, dict] = {}

    def headers(self, username: str | None) -> dict:
        if username is None:
            return {}
        if username not in self._headers:
            self._headers[username] = self.login(username)
        return self._headers[username]

    def call(self, method: str, url: str, username: str | None, **kwargs):
        headers = {**self.headers(username), **kwargs.pop("headers", {})}
        return self.answered(lambda: self.client.open(url, method=method, headers=headers, **kwargs))

    def answered(self, request: Callable):
        """Make the request; keep what its view returned beside the response."""
        self.returned.clear()
        response = request()
        self.raw[id(response)] = self.returned[-1] if self.returned else None
        return response

    def get(self, url: str, username: str | None, **kwargs):
        return self.call("GET", url, username, **kwargs)

    def post(self, url: str, username: str | None, body=None, **kwargs):
        return self.call("POST", url, username, json=body, **kwargs)

    def patch(self, url: str, username: str | None, body: dict):
        return self.call("PATCH", url, username, json=body)

    def delete(self, url: str, username: str | None):
        return self.call("DELETE", url, username)

    def made(self, response, status: int = 201) -> dict:
        assert response.status_code == status, (response.status_code, response.get_json())
        return response.get_json()

    @cached_property
    def household(self) -> str:
        household = make_household("worker1", address="红旗村一组8号")
        self.session.commit()
        return household.id

    @cached_property
    def minor(self) -> str:
        """A left-behind child of worker1's grid, graded red, overdue for a visit."""
        minor = make_minor(
            self.session.get(Household, self.household),
            name="张小红",
            gender="female",
            birth_date=date(2013, 3, 3),
            hukou="rural",
            father_status="migrant_away",
            mother_status="migrant_away",
            lives_with_parents="neither",
        )
        registry.set_grade(Scope.of(user("village1")), minor, "red", "疑似受虐待")
        minor.next_visit_due = local_today() - timedelta(days=2)
        self.session.commit()
        return minor.id

    @cached_property
    def twin(self) -> str:
        """A second record of the same child: a duplicate pair."""
        twin = make_minor(
            self.session.get(Household, self.household),
            name="张小红",
            gender="female",
            birth_date=date(2013, 3, 3),
        )
        self.session.commit()
        return twin.id

    @cached_property
    def visit(self) -> str:
        visit = make_visit(self.session.get(Minor, self.minor))
        self.session.commit()
        return visit.id

    @cached_property
    def report(self) -> str:
        """An urgent mandatory report: it notifies village1 and the street admins."""
        body = {
            "area_id": area("V1G1W1").id,
            "minor_id": self.minor,
            "kind": "injury_malnutrition_abuse",
            "urgent": True,
            "description": "孩子身上多处淤青",
        }
        return self.made(self.post("/api/reports", "worker1", body))["id"]

    @cached_property
    def referral(self) -> str:
        """The mandatory report's automatic referral to the police (a second one is refused)."""
        rows = self.made(self.get(f"/api/referrals?report_id={self.report}", "village1"), 200)
        return next(r["id"] for r in rows if r["to_unit"] == "police")

    @cached_property
    def measure(self) -> str:
        body = {
            "kind": "psych_intervention",
            "description": "联系学校心理老师每周辅导一次",
            "responsible_unit": "school",
            "due_date": "2026-04-01",
        }
        return self.made(self.post(f"/api/minors/{self.minor}/measures", "worker1", body))["id"]

    @cached_property
    def notification(self) -> int:
        assert self.report
        return self.made(self.get("/api/notifications", "village1"), 200)[0]["id"]

    @cached_property
    def conflict(self) -> str:
        """Two phones change the same field from one base: village1's later edit wins, worker1's
        value is kept for review."""
        version = self.session.get(Minor, self.minor).version
        phones = [
            Device(self.client, self.login(u, device_id=c), c, u)
            for u, c in (("worker1", new_id()), ("village1", new_id()))
        ]
        wall = now_ms()
        first = phones[0].mutation(
            "minor", self.minor, {"school": "红旗小学"}, base=version, hlc=hlc_at(wall, phones[0].client_id)
        )
        second = phones[1].mutation(
            "minor",
            self.minor,
            {"school": "城关二中"},
            base=version,
            hlc=hlc_at(wall + 1000, phones[1].client_id),
        )
        phones[0].push_one(first)
        assert phones[1].push_one(second)["status"] == "conflict"
        return self.made(self.get("/api/conflicts", "village1"), 200)[0]["id"]

    def everything(self) -> None:
        """Something to count in every statistic."""
        assert self.visit and self.referral and self.measure and self.conflict

    def import_job(self, *, run: bool) -> object:
        """A ledger of more rows than are imported at once: a background job (run inline, or left queued)."""
        self.monkeypatch.setitem(self.client.application.config, "HUMIAO_LEDGER_SYNC_ROWS", 1)
        self.monkeypatch.setattr(
            jobs, "spawn", (lambda target, *args: target(*args)) if run else (lambda *a: None)
        )
        return self.ledger_upload()

    def ledger_upload(self):
        rows = [
            good_row(n=1),
            good_row(n=1),
            good_row(n=2),
            ["V1G1W1", "户主", "地址", None, "坏", "男", "坏日期"],
        ]
        headers = self.headers("village1")
        return self.answered(lambda: upload(self.client, headers, workbook(rows)))


PERIOD = f"from={local_today() - timedelta(days=40)}&to={local_today() + timedelta(days=10)}"


def _stats(name: str) -> Callable[[Records], object]:
    def call(r: Records):
        r.everything()
        return r.get(f"/api/stats/{name}", "admin")

    return call


def _job(r: Records):
    job = r.made(r.import_job(run=True), 202)
    return r.get(f"/api/ledger/import/{job['job_id']}", "village1")


def _push(r: Records):
    phone = Device(r.client, r.headers("worker1"), new_id(), "worker1")
    household = new_id()
    body = {
        "client_id": phone.client_id,
        "mutations": [
            phone.mutation(
                "household",
                household,
                {"grid_id": area("V1G1W1").id, "address": "红旗村一组9号", "head_name": "周大明"},
            ),
            phone.mutation("minor", new_id(), minor_fields(household)),
            phone.mutation("minor", r.minor, {"school": "红旗小学"}, base=1),
            phone.mutation("nothing", new_id(), {}),
        ],
    }
    return r.post("/api/sync/push", "worker1", body)


def _pull(r: Records):
    """A first pull (every kind of record), then one with a removal and a changed record."""
    r.everything()
    household = r.post(
        "/api/households", "worker1", {"grid_id": area("V1G1W1").id, "address": "将删除", "head_name": "孙强"}
    )
    first = r.get("/api/sync/pull?limit=1000", "worker1")
    r.delete(f"/api/households/{r.made(household)['id']}", "worker1")
    r.patch(f"/api/minors/{r.minor}", "worker1", {"school": "城关第三小学"})
    return [first, r.get(f"/api/sync/pull?cursor={r.made(first, 200)['cursor']}", "worker1")]


def _merge(r: Records):
    assert r.twin and r.visit
    return r.post("/api/minors/merge", "village1", {"keep": r.minor, "drop": r.twin, "reason": "同一个孩子"})


def _merges(r: Records):
    _merge(r)
    return r.get(f"/api/minors/{r.minor}/merges", "village1")


def _reviews(r: Records):
    r.patch(f"/api/visits/{r.visit}", "village1", {"review_status": "returned", "review_comment": "请补充"})
    return r.get(f"/api/visits/{r.visit}/reviews", "village1")


def _restore(r: Records):
    return r.post(f"/api/conflicts/{r.conflict}/restore", "village1")


def _my_conflicts(r: Records):
    assert r.conflict
    return r.get("/api/conflicts/mine?status=all", "worker1")


def _lost_phone(r: Records, method: str):
    """worker1's phone marked lost by the street admin (for DELETE, marked first: found again)."""
    make_device("worker1", client_id="phone-lost")
    r.session.commit()
    if method == "DELETE":
        r.made(r.post("/api/sync/devices/phone-lost/lost", "admin"), 200)
    return r.call(method, "/api/sync/devices/phone-lost/lost", "admin")


def _refresh(r: Records):
    tokens = r.made(
        r.post("/api/auth/login", None, {"username": "worker1", "password": "demo-password-1"}), 200
    )
    return r.post("/api/auth/refresh", None, headers={"Authorization": f"Bearer {tokens['refresh_token']}"})


NEW_MINOR = {"name": "孙小红", "gender": "female", "birth_date": "2016-01-01"}

CALLS: dict[tuple[str, str], Callable[[Records], object]] = {
    ("POST /api/auth/login", "200"): lambda r: r.post(
        "/api/auth/login",
        None,
        {"username": "worker1", "password": "demo-password-1", "device_id": "phone-1"},
    ),
    ("POST /api/auth/refresh", "200"): _refresh,
    ("POST /api/auth/logout", "204"): lambda r: r.post("/api/auth/logout", "worker1"),
    ("GET /api/auth/me", "200"): lambda r: r.get("/api/auth/me", "worker1"),
    ("GET /api/users", "200"): lambda r: r.get("/api/users", "admin"),
    ("POST /api/users", "201"): lambda r: r.post(
        "/api/users",
        "admin",
        {
            "username": "worker9",
            "password": "long-password-1",
            "display_name": "新网格员",
            "role": "grid_worker",
            "areas": ["V1G1W1"],
        },
    ),
    ("GET /api/users/{user_id}", "200"): lambda r: r.get(f"/api/users/{user('worker1').id}", "admin"),
    ("PATCH /api/users/{user_id}", "200"): lambda r: r.patch(
        f"/api/users/{user('worker1').id}", "admin", {"display_name": "王建国同志"}
    ),
    ("GET /api/areas", "200"): lambda r: r.get("/api/areas", "worker1"),
    ("POST /api/areas", "201"): lambda r: r.post(
        "/api/areas",
        "admin",
        {"code": "V1G1W9", "name": "红旗村一组九网格", "level": "grid", "parent_code": "V1G1"},
    ),
    ("GET /api/areas/tree", "200"): lambda r: r.get("/api/areas/tree", "admin"),
    ("GET /api/areas/{area_id}", "200"): lambda r: r.get(f"/api/areas/{area('V1').id}", "village1"),
    ("GET /api/households", "200"): lambda r: r.household and r.get("/api/households", "worker1"),
    ("POST /api/households", "201"): lambda r: r.post(
        "/api/households",
        "worker1",
        {"grid_id": area("V1G1W1").id, "address": "新地址1号", "head_name": "孙强"},
    ),
    ("GET /api/households/{household_id}", "200"): lambda r: r.get(
        f"/api/households/{r.household}", "worker1"
    ),
    ("PATCH /api/households/{household_id}", "200"): lambda r: r.patch(
        f"/api/households/{r.household}", "worker1", {"notes": "奶奶照看"}
    ),
    ("DELETE /api/households/{household_id}", "204"): lambda r: r.delete(
        f"/api/households/{r.household}", "worker1"
    ),
    ("GET /api/minors", "200"): lambda r: r.minor and r.get("/api/minors", "worker1"),
    ("POST /api/minors", "201"): lambda r: r.post(
        "/api/minors", "worker1", {"household_id": r.household, **NEW_MINOR}
    ),
    ("GET /api/minors/{minor_id}", "200"): lambda r: r.visit and r.get(f"/api/minors/{r.minor}", "village1"),
    ("PATCH /api/minors/{minor_id}", "200"): lambda r: r.patch(
        f"/api/minors/{r.minor}", "worker1", {"school": "红旗小学"}
    ),
    ("DELETE /api/minors/{minor_id}", "204"): lambda r: r.delete(f"/api/minors/{r.minor}", "worker1"),
    ("GET /api/minors/duplicates", "200"): lambda r: r.twin and r.get("/api/minors/duplicates", "village1"),
    ("POST /api/minors/duplicates/dismissals", "201"): lambda r: r.post(
        "/api/minors/duplicates/dismissals",
        "village1",
        {"first": r.minor, "second": r.twin, "reason": "双胞胎，不是同一人"},
    ),
    ("POST /api/minors/merge", "200"): _merge,
    ("GET /api/minors/{minor_id}/merges", "200"): _merges,
    ("POST /api/minors/{minor_id}/grade", "200"): lambda r: r.post(
        f"/api/minors/{r.minor}/grade", "village1", {"grade": "orange", "reason": "已安置，风险下降"}
    ),
    ("POST /api/minors/{minor_id}/categories", "200"): lambda r: r.post(
        f"/api/minors/{r.minor}/categories",
        "village1",
        {"action": "add", "category": "crime_victim", "reason": "公安通报"},
    ),
    ("GET /api/minors/due", "200"): lambda r: r.minor and r.get("/api/minors/due?within=30", "worker1"),
    ("GET /api/minors/counts", "200"): lambda r: r.twin and r.get("/api/minors/counts", "village1"),
    ("GET /api/minors/grade-queue", "200"): lambda r: r.twin and r.get("/api/minors/grade-queue", "village1"),
    ("GET /api/minors/{minor_id}/measures", "200"): lambda r: (
        r.measure and r.get(f"/api/minors/{r.minor}/measures", "worker1")
    ),
    ("POST /api/minors/{minor_id}/measures", "201"): lambda r: r.post(
        f"/api/minors/{r.minor}/measures",
        "worker1",
        {"kind": "living_aid", "description": "申请临时救助", "responsible_user_id": user("worker1").id},
    ),
    ("GET /api/minors/{minor_id}/measures/{measure_id}", "200"): lambda r: r.get(
        f"/api/minors/{r.minor}/measures/{r.measure}", "worker1"
    ),
    ("PATCH /api/minors/{minor_id}/measures/{measure_id}", "200"): lambda r: r.patch(
        f"/api/minors/{r.minor}/measures/{r.measure}",
        "village1",
        {"status": "in_progress", "notes": "已辅导一次"},
    ),
    ("GET /api/measures/flags", "200"): lambda r: (
        r.minor and r.get("/api/measures/flags?include_upcoming=true", "village1")
    ),
    ("GET /api/settings", "200"): lambda r: r.get("/api/settings", "village1"),
    ("PATCH /api/settings", "200"): lambda r: r.patch(
        "/api/settings", "admin", {"red_first_response_hours": 12}
    ),
    ("GET /api/rules", "200"): lambda r: r.get("/api/rules", "worker1"),
    ("GET /api/visits", "200"): lambda r: r.visit and r.get("/api/visits", "worker1"),
    ("POST /api/visits", "201"): lambda r: r.post(
        "/api/visits",
        "worker1",
        {
            "minor_id": r.minor,
            "visited_at": "2026-01-05T10:00:00+08:00",
            "kind": "home",
            "summary": "孩子在家",
        },
    ),
    ("GET /api/visits/{visit_id}", "200"): lambda r: r.get(f"/api/visits/{r.visit}", "worker1"),
    ("PATCH /api/visits/{visit_id}", "200"): lambda r: r.patch(
        f"/api/visits/{r.visit}", "village1", {"review_status": "approved"}
    ),
    ("GET /api/visits/review-queue", "200"): lambda r: (
        r.visit and r.get("/api/visits/review-queue", "village1")
    ),
    ("GET /api/visits/{visit_id}/reviews", "200"): _reviews,
    ("GET /api/reports", "200"): lambda r: r.referral and r.get("/api/reports", "village1"),
    ("POST /api/reports", "201"): lambda r: r.post(
        "/api/reports",
        "sentinel1",
        {"area_id": area("V1").id, "kind": "bullying", "description": "校园欺凌", "reporter_name": "李老师"},
    ),
    ("GET /api/reports/{report_id}", "200"): lambda r: r.get(f"/api/reports/{r.report}", "village1"),
    ("PATCH /api/reports/{report_id}", "200"): lambda r: r.patch(
        f"/api/reports/{r.report}", "village1", {"status": "acknowledged"}
    ),
    ("GET /api/reports/areas", "200"): lambda r: r.get("/api/reports/areas", "sentinel1"),
    ("GET /api/referrals", "200"): lambda r: r.referral and r.get("/api/referrals", "police1"),
    ("POST /api/referrals", "201"): lambda r: r.post(
        "/api/referrals", "village1", {"minor_id": r.minor, "to_unit": "school", "reason": "请学校关注"}
    ),
    ("GET /api/referrals/{referral_id}", "200"): lambda r: r.get(f"/api/referrals/{r.referral}", "police1"),
    ("PATCH /api/referrals/{referral_id}", "200"): lambda r: r.patch(
        f"/api/referrals/{r.referral}", "police1", {"status": "accepted", "response": "已派民警核实"}
    ),
    ("GET /api/referrals/{referral_id}/events", "200"): lambda r: r.get(
        f"/api/referrals/{r.referral}/events", "village1"
    ),
    ("GET /api/notifications", "200"): lambda r: r.report and r.get("/api/notifications", "village1"),
    ("GET /api/notifications/unread-count", "200"): lambda r: (
        r.report and r.get("/api/notifications/unread-count", "village1")
    ),
    ("POST /api/notifications/{notification_id}/read", "200"): lambda r: r.post(
        f"/api/notifications/{r.notification}/read", "village1"
    ),
    ("POST /api/notifications/read-all", "200"): lambda r: (
        r.report and r.post("/api/notifications/read-all", "village1")
    ),
    ("GET /api/stats/overview", "200"): _stats(f"overview?{PERIOD}"),
    ("GET /api/stats/areas", "200"): _stats(f"areas?{PERIOD}"),
    ("GET /api/stats/workers", "200"): _stats(f"workers?{PERIOD}"),
    ("GET /api/stats/reports", "200"): _stats(f"reports?{PERIOD}"),
    ("GET /api/stats/referrals", "200"): _stats(f"referrals?{PERIOD}"),
    ("GET /api/stats/trends", "200"): _stats("trends?months=3"),
    ("GET /api/stats/scoreboard", "200"): _stats(f"scoreboard?{PERIOD}"),
    ("GET /api/stats/monthly", "200"): _stats("monthly"),
    ("GET /api/stats/monthly.html", "200"): _stats("monthly.html"),
    ("GET /api/stats/monthly.xlsx", "200"): _stats("monthly.xlsx"),
    ("GET /api/ledger.xlsx", "200"): lambda r: r.minor and r.get("/api/ledger.xlsx", "village1"),
    ("GET /api/ledger/template.xlsx", "200"): lambda r: r.get("/api/ledger/template.xlsx", "village1"),
    ("POST /api/ledger/import", "200"): lambda r: r.ledger_upload(),
    ("POST /api/ledger/import", "202"): lambda r: r.import_job(run=False),
    ("GET /api/ledger/import/{job_id}", "200"): _job,
    ("POST /api/sync/push", "200"): _push,
    ("GET /api/sync/pull", "200"): _pull,
    ("GET /api/sync/devices", "200"): lambda r: r.conflict and r.get("/api/sync/devices", "village1"),
    ("POST /api/sync/devices/{client_id}/lost", "200"): lambda r: _lost_phone(r, "POST"),
    ("DELETE /api/sync/devices/{client_id}/lost", "200"): lambda r: _lost_phone(r, "DELETE"),
    ("GET /api/conflicts", "200"): lambda r: r.conflict and r.get("/api/conflicts", "village1"),
    ("GET /api/conflicts/mine", "200"): _my_conflicts,
    ("GET /api/conflicts/{conflict_id}", "200"): lambda r: r.get(f"/api/conflicts/{r.conflict}", "village1"),
    ("POST /api/conflicts/{conflict_id}/restore", "200"): _restore,
    ("POST /api/conflicts/{conflict_id}/dismiss", "200"): lambda r: r.post(
        f"/api/conflicts/{r.conflict}/dismiss", "village1"
    ),
}


@pytest.fixture
def spec(client) -> dict:
    return client.get("/api/openapi.json").json


@pytest.fixture
def returned(monkeypatch) -> list:
    """What each view returned, before flask-smorest dumped it through the response schema."""
    seen: list = []
    original = flask_smorest.response.unpack_tuple_response

    def recording(value):
        unpacked = original(value)
        seen.append(unpacked[0])
        return unpacked

    monkeypatch.setattr(flask_smorest.response, "unpack_tuple_response", recording)
    return seen


def test_every_answer_is_declared(spec):
    assert undeclared_answers(spec) == []


def test_a_bare_response_is_caught():
    """The check above can fail: a view declared with ``@blp.response(200)`` alone is named."""
    from flask import Flask
    from flask_smorest import Api, Blueprint

    app = Flask(__name__)
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.0.3")
    api = Api(app)
    blp = Blueprint("bare", __name__, url_prefix="/bare")

    @blp.route("/count")
    @blp.response(200)
    def count():
        return {"n": 1}

    api.register_blueprint(blp)
    assert undeclared_answers(api.spec.to_dict()) == [
        "GET /bare/count 200: no response schema or content type"
    ]


def test_every_answer_has_a_call(spec):
    assert set(success_answers(spec)) == set(CALLS)


def test_a_changed_answer_is_caught():
    assert differences({"a": 1, "b": [1.5, None]}, {"a": 1, "b": [1.5, None]}) == []
    assert differences({"a": 1, "b": 2}, {"a": 1.0}) == ["/b: dropped", "/a: 1 became 1.0"]


@pytest.mark.parametrize("answer", sorted(CALLS), ids=lambda a: f"{a[0]} {a[1]}")
def test_the_answer_is_what_the_schema_says(answer, client, login, session, monkeypatch, spec, returned):
    _operation, status = answer
    records = Records(client, login, session, monkeypatch, returned)
    responses = CALLS[answer](records)
    declared = success_answers(spec)[answer]
    for response in responses if isinstance(responses, list) else [responses]:
        assert response.status_code == int(status), (response.status_code, response.get_json(silent=True))
        if status == "204":
            assert response.data == b""
            continue
        content = declared["content"]
        assert response.mimetype in content, f"{response.mimetype} is not declared: {sorted(content)}"
        if response.mimetype != JSON:
            continue
        body = response.get_json()
        assert schema_errors(spec, content[JSON]["schema"], body) == []
        raw = records.raw[id(response)]
        if is_plain(raw):  # data the view built itself: the answer must be exactly it
            assert differences(json.loads(json.dumps(raw)), body) == []
