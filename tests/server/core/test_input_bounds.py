"""Every input the API takes is bounded, and the OpenAPI document says how (issue 11).

Walks every parameter and request body of /api/openapi.json: an integer has a minimum and a
maximum, a text a maximum length (or a fixed list of values, or a date format), a list a
maximum number of items, a free-form object a maximum number of keys. schemathesis and the
phones read the same document, so a bound that is not declared is also not tested.
"""

from __future__ import annotations

import pytest

FORMATS_WITH_LENGTH = {"date", "date-time", "binary", "uuid"}


def resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def unbounded(spec: dict, schema: dict, where: str, seen: set) -> list[str]:
    schema = resolve(spec, schema)
    if id(schema) in seen:
        return []
    seen = seen | {id(schema)}
    if "allOf" in schema:
        return [p for part in schema["allOf"] for p in unbounded(spec, part, where, seen)]
    if schema.get("readOnly"):
        return []
    kind = schema.get("type")
    problems = []
    if kind == "integer" and ("minimum" not in schema or "maximum" not in schema):
        problems.append(f"{where}: integer without minimum and maximum")
    elif kind == "number" and ("minimum" not in schema or "maximum" not in schema):
        problems.append(f"{where}: number without minimum and maximum")
    elif (
        kind == "string"
        and "maxLength" not in schema
        and "enum" not in schema
        and schema.get("format") not in FORMATS_WITH_LENGTH
    ):
        problems.append(f"{where}: text without maxLength")
    elif kind == "array":
        if "maxItems" not in schema:
            problems.append(f"{where}: list without maxItems")
        problems += unbounded(spec, schema.get("items", {}), f"{where}[]", seen)
    elif kind == "object" or "properties" in schema:
        for name, prop in schema.get("properties", {}).items():
            problems += unbounded(spec, prop, f"{where}.{name}", seen)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            if "maxProperties" not in schema:
                problems.append(f"{where}: free-form object without maxProperties")
            problems += unbounded(spec, extra, f"{where}.*", seen)
    return problems


def every_input(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            name = f"{method.upper()} {path}"
            for parameter in item.get("parameters", []) + operation.get("parameters", []):
                yield f"{name} {parameter['in']}:{parameter['name']}", parameter.get("schema", {})
            body = operation.get("requestBody", {}).get("content", {})
            for media, content in body.items():
                yield f"{name} body({media})", content.get("schema", {})


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/openapi.json").json


def test_every_input_is_bounded_and_says_so(spec):
    problems = [p for where, schema in every_input(spec) for p in unbounded(spec, schema, where, set())]
    assert problems == []


def test_the_walk_finds_what_is_unbounded():
    """The check itself: each kind of missing bound is reported."""
    spec = {"components": {"schemas": {}}}
    loose = {
        "type": "object",
        "properties": {
            "n": {"type": "integer", "minimum": 0},
            "s": {"type": "string"},
            "ok": {"type": "string", "enum": ["a"]},
            "xs": {"type": "array", "items": {"type": "string", "maxLength": 3}},
            "d": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 9}},
        },
    }
    assert unbounded(spec, loose, "body", set()) == [
        "body.n: integer without minimum and maximum",
        "body.s: text without maxLength",
        "body.xs: list without maxItems",
        "body.d: free-form object without maxProperties",
    ]


def test_a_page_past_the_last_possible_one_is_refused(client, login):
    answer = client.get("/api/minors?page=100001", headers=login("worker1"))
    assert answer.status_code == 422
    assert "page" in answer.json["errors"]["query"]


def test_an_integer_past_the_database_integer_is_refused(client, login):
    answer = client.get(f"/api/households?grid_id={2**31}", headers=login("worker1"))
    assert answer.status_code == 422
    assert "grid_id" in answer.json["errors"]["query"]


def test_a_text_without_its_own_bound_gets_the_house_bound():
    from marshmallow import fields

    from server.core.validation import LONGEST_TEXT, BoundedSchema

    class Loose(BoundedSchema):
        note = fields.String()
        count = fields.Integer()

    errors = Loose().validate({"note": "x" * (LONGEST_TEXT + 1), "count": 2**31})
    assert set(errors) == {"note", "count"}
    assert Loose().validate({"note": "x" * LONGEST_TEXT, "count": 2**31 - 1}) == {}


def test_an_area_code_longer_than_its_column_is_refused(client, login):
    answer = client.post(
        "/api/areas",
        json={"code": "X" * 41, "name": "新网格", "level": "grid", "parent_code": "V1G1"},
        headers=login("admin"),
    )
    assert answer.status_code == 422
    assert "code" in answer.json["errors"]["json"]


def test_text_in_a_path_is_bounded(client, login):
    answer = client.get(f"/api/ledger/import/{'a' * 65}", headers=login("admin"))
    assert answer.status_code == 404
