"""Categories (分类), suggested risk grades (分级) and the visit schedule, from rules.json.

The rules are data so that the server and the PWA (``pwa/src/rules.js``) derive the same
categories and grade from the same minor; the two evaluators must stay in step, which
``tests/server/registry/test_rules_agreement.py`` checks. Pure standard library: no Flask.

Condition language (each node is one JSON object):

- ``{"all": [c, ...]}`` (empty: true), ``{"any": [c, ...]}`` (empty: false), ``{"not": c}``
- ``{"field": f, "eq": v}``: strict JSON equality of scalars (``true`` is not ``1``)
- ``{"field": f, "in": X}``: X is a list or ``"set:NAME"`` from ``sets``
- ``{"field": f, "has_any": X}``: the list-valued field shares a member with X
- ``{"field": f, "lt"|"lte"|"gt"|"gte": n}``: numbers only; several operators all hold
- ``{"age_lt": n}``, ``{"age_gte": n}``: whole years of age on the day of evaluation
- ``{"months_since": f, "gte"|"lt": n}``: whole calendar months from date field f to today
- ``{"parents": [A, B]}``: father in A and mother in B, or father in B and mother in A
- ``{"setting": NAME}``: the setting is ``true``
- ``{"category": code}``: the category was derived (grade triggers only)

Any number may be written ``"setting:NAME"``. A comparison with a missing, ill-typed or
impossible value (a date in the future) is false, so ``{"not": ...}`` of it is true.

Reason templates: ``{age}``, ``{setting:NAME}``, ``{months:FIELD}``, ``{FIELD}`` (the value's
label from ``labels``) and ``{FIELD|SET}`` (labels of a list field's members in SET, in
the set's order).

Category and grade names are not spelled in rules.json: ``load_rules`` adds them from the
code lists (server/core/codes.py), so ``GET /api/rules`` still carries them to the phone.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from server.core import codes

RULES_PATH = Path(__file__).with_name("rules.json")
GRADES = codes.of("grade", without=("ungraded",))
LANGS = ("zh", "en")

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PLACEHOLDER_RE = re.compile(r"\{([^{}]+)\}")
_COMPARE = ("lt", "lte", "gt", "gte")
_FIELD_OPS = frozenset(("eq", "in", "has_any", *_COMPARE))
_AGE_OPS = frozenset(("age_lt", "age_gte"))

Day = tuple[int, int, int]


@cache
def _load_default() -> dict:
    return _named(json.loads(RULES_PATH.read_text(encoding="utf-8")))


def load_rules(path: str | Path | None = None) -> dict:
    """The rules as a dict: the rules.json beside this module (read once, shared: do not
    mutate it) or the file at ``path``."""
    if path is None:
        return _load_default()
    return _named(json.loads(Path(path).read_text(encoding="utf-8")))


def _named(rules: dict) -> dict:
    """Each category and grade gets its name (zh, en) from the code lists, where the phone reads it."""
    for key, list_name in (("categories", "categories"), ("grades", "grade")):
        names = {lang: codes.labels(list_name, lang, written=True) for lang in LANGS}
        for rule in rules.get(key, ()):
            for lang in LANGS:
                if rule.get("code") in names[lang]:
                    rule.setdefault(lang, names[lang][rule["code"]])
    return rules


DEFAULT_SETTINGS: Mapping[str, Any] = MappingProxyType(copy.deepcopy(_load_default()["settings"]))


def merge_settings(base: Mapping, override: Mapping | None) -> dict:
    """``base`` with ``override`` on top; ``visit_interval_days`` is merged per grade."""
    merged = copy.deepcopy(dict(base))
    for key, value in (override or {}).items():
        if key == "visit_interval_days" and isinstance(value, Mapping):
            merged[key] = {**merged.get(key, {}), **value}
        else:
            merged[key] = value
    return merged


# Calendar arithmetic on (y, m, d) triples, mirrored line for line in rules.js.


def _is_leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def _days_in_month(y: int, m: int) -> int:
    if m == 2:
        return 29 if _is_leap(y) else 28
    return 30 if m in (4, 6, 9, 11) else 31


def parse_day(value: Any) -> Day | None:
    """(y, m, d) from a ``date`` or a strict 'YYYY-MM-DD' string; None if not a real day."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return (value.year, value.month, value.day)
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        return None
    y, m, d = int(value[:4]), int(value[5:7]), int(value[8:])
    if y < 1 or not 1 <= m <= 12 or not 1 <= d <= _days_in_month(y, m):
        return None
    return (y, m, d)


def _whole_years(start: Day, end: Day) -> int:
    return end[0] - start[0] - (1 if (end[1], end[2]) < (start[1], start[2]) else 0)


def _whole_months(start: Day, end: Day) -> int:
    return (end[0] - start[0]) * 12 + end[1] - start[1] - (1 if end[2] < start[2] else 0)


def age_on(birth_date: date, today: date) -> int:
    """Age in whole years (周岁) on ``today``.

    Birthday-exact: a year is added on the birthday itself. A 29 February birthday counts
    as reached on 1 March in a common year (the child is not a year older on 28 February),
    the reading of 民法典 第201条 when the anniversary day does not exist; months in
    ``months_since`` follow the same rule (31 January + 1 month is reached on 1 March).
    """
    return _whole_years(
        (birth_date.year, birth_date.month, birth_date.day),
        (today.year, today.month, today.day),
    )


# Conditions.


@dataclass
class _Ctx:
    minor: Mapping
    today: Day
    age: int | None
    settings: Mapping
    rules: Mapping
    categories: set[str] = field(default_factory=set)

    def get(self, name: str) -> Any:
        return self.minor.get(name) if isinstance(self.minor, Mapping) else None


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _same(a: Any, b: Any) -> bool:
    """Strict equality of JSON scalars, as JavaScript's ``===``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if _number(a) is not None and _number(b) is not None:
        return a == b
    if a is None or b is None:
        return a is None and b is None
    return isinstance(a, str) and isinstance(b, str) and a == b


def _value(ctx: _Ctx, ref: Any) -> Any:
    if isinstance(ref, str) and ref.startswith("setting:"):
        return ctx.settings.get(ref[len("setting:") :])
    return ref


def _members(ctx: _Ctx, ref: Any) -> list:
    if isinstance(ref, str) and ref.startswith("set:"):
        name = ref[len("set:") :]
        if name not in ctx.rules["sets"]:
            raise ValueError(f"unknown set {name!r}")
        return ctx.rules["sets"][name]
    if isinstance(ref, list):
        return ref
    raise ValueError(f"expected a list or 'set:NAME', got {ref!r}")


def _as_list(value: Any) -> list:
    """A set-valued field as a list; Python callers may hand in a real set."""
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return []


def _in(value: Any, members: list) -> bool:
    return any(_same(value, m) for m in members)


def _compare(left: Any, op: str, right: Any) -> bool:
    a, b = _number(left), _number(right)
    if a is None or b is None:
        return False
    return {"lt": a < b, "lte": a <= b, "gt": a > b, "gte": a >= b}[op]


def _field_holds(ctx: _Ctx, node: Mapping) -> bool:
    value = ctx.get(node["field"])
    for op, arg in node.items():
        if op == "field":
            continue
        if op == "eq":
            ok = _same(value, _value(ctx, arg))
        elif op == "in":
            ok = _in(value, _members(ctx, arg))
        elif op == "has_any":
            members = _members(ctx, arg)
            ok = any(_in(v, members) for v in _as_list(value))
        else:
            ok = _compare(value, op, _value(ctx, arg))
        if not ok:
            return False
    return True


def _months_since(ctx: _Ctx, name: str) -> int | None:
    start = parse_day(ctx.get(name))
    if start is None or start > ctx.today:
        return None
    return _whole_months(start, ctx.today)


def _check_keys(node: Mapping, allowed: frozenset | set) -> None:
    extra = set(node) - set(allowed)
    if extra or not node:
        raise ValueError(f"bad condition {node!r}: unexpected {sorted(extra)}")


def holds(ctx: _Ctx, node: Any) -> bool:
    """Does condition ``node`` hold for the minor in ``ctx``? Raises ValueError if malformed."""
    if not isinstance(node, Mapping):
        raise ValueError(f"a condition must be an object, got {node!r}")
    if "all" in node:
        _check_keys(node, {"all"})
        return all(holds(ctx, c) for c in node["all"])
    if "any" in node:
        _check_keys(node, {"any"})
        return any(holds(ctx, c) for c in node["any"])
    if "not" in node:
        _check_keys(node, {"not"})
        return not holds(ctx, node["not"])
    if "field" in node:
        _check_keys(node, _FIELD_OPS | {"field"})
        if len(node) < 2:
            raise ValueError(f"bad condition {node!r}: no operator")
        return _field_holds(ctx, node)
    if _AGE_OPS & set(node):
        _check_keys(node, _AGE_OPS)
        return all(_compare(ctx.age, op[len("age_") :], _value(ctx, n)) for op, n in node.items())
    if "months_since" in node:
        _check_keys(node, {"months_since", "gte", "lt"})
        months = _months_since(ctx, node["months_since"])
        return all(_compare(months, op, _value(ctx, n)) for op, n in node.items() if op != "months_since")
    if "parents" in node:
        _check_keys(node, {"parents"})
        a, b = (_members(ctx, ref) for ref in node["parents"])
        father, mother = ctx.get("father_status"), ctx.get("mother_status")
        return (_in(father, a) and _in(mother, b)) or (_in(father, b) and _in(mother, a))
    if "setting" in node:
        _check_keys(node, {"setting"})
        return ctx.settings.get(node["setting"]) is True
    if "category" in node:
        _check_keys(node, {"category"})
        return node["category"] in ctx.categories
    raise ValueError(f"unknown condition {node!r}")


# Reasons.


def _fmt(value: Any) -> str | None:
    """A number or boolean written as JavaScript's ``String()`` writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return None


def _label(ctx: _Ctx, name: str, value: Any, lang: str) -> str:
    key = value if isinstance(value, str) else _fmt(_number(value))
    labels = ctx.rules.get("labels", {}).get(name, {})
    if key is not None and key in labels:
        return labels[key][lang]
    return value if isinstance(value, str) else ctx.rules["text"]["unknown"][lang]


def _placeholder(ctx: _Ctx, expr: str, lang: str) -> str:
    unknown = ctx.rules["text"]["unknown"][lang]
    if expr == "age":
        text = _fmt(ctx.age)
    elif expr.startswith("setting:"):
        text = _fmt(ctx.settings.get(expr[len("setting:") :]))
    elif expr.startswith("months:"):
        text = _fmt(_months_since(ctx, expr[len("months:") :]))
    elif "|" in expr:
        name, set_name = expr.split("|", 1)
        # In the set's order (the order of the law), not the order the acts were ticked.
        values = _as_list(ctx.get(name))
        picked = [m for m in _members(ctx, "set:" + set_name) if _in(m, values)]
        sep = ctx.rules["text"]["list_separator"][lang]
        text = sep.join(_label(ctx, name, v, lang) for v in picked) or None
    else:
        text = _label(ctx, expr, ctx.get(expr), lang)
    return unknown if text is None else text


def _reason(ctx: _Ctx, code: str, texts: Mapping) -> dict:
    def render(lang: str) -> str:
        return _PLACEHOLDER_RE.sub(lambda m: _placeholder(ctx, m.group(1), lang), texts[lang])

    return {"code": code, **{lang: render(lang) for lang in LANGS}}


# Evaluation.


@dataclass
class Evaluation:
    """What the rules derive for one minor on one day."""

    categories: list[str]
    sub_tags: list[str]
    grade_suggested: str | None
    reasons: list[dict]
    age: int | None  # None when the birth date is missing, invalid or in the future

    def to_dict(self) -> dict:
        return asdict(self)


def evaluate(
    minor: Mapping,
    today: date | str,
    settings: Mapping | None = None,
    rules: dict | None = None,
) -> Evaluation:
    """Categories, sub-tags, suggested grade and reasons of ``minor`` on ``today``.

    Missing or ill-typed fields never raise: a rule that needs them does not match. Once
    of age (``adult_age``) the minor gets no category and no grade.
    """
    rules = rules if rules is not None else load_rules()
    day = parse_day(today)
    if day is None:
        raise ValueError(f"today must be a date or 'YYYY-MM-DD', got {today!r}")
    birth = parse_day(minor.get("birth_date") if isinstance(minor, Mapping) else None)
    age = _whole_years(birth, day) if birth is not None and birth <= day else None
    ctx = _Ctx(minor, day, age, merge_settings(rules["settings"], settings), rules)

    reasons: list[dict] = []
    if age is None:
        reasons.append(_reason(ctx, "age_unknown", rules["notices"]["age_unknown"]))
    elif _compare(age, "gte", ctx.settings.get("adult_age")):
        reasons.append(_reason(ctx, "aged_out", rules["notices"]["aged_out"]))
        return Evaluation([], [], None, reasons, age)

    categories: list[str] = []
    sub_tags: list[str] = []
    for rule in rules["categories"]:
        if "when" in rule and not holds(ctx, rule["when"]):
            continue
        if "sub_tags" in rule:
            matched = [tag for tag in rule["sub_tags"] if holds(ctx, tag["when"])]
            if not matched:
                continue
            for tag in matched:
                sub_tags.append(tag["code"])
                reasons.append(_reason(ctx, f"{rule['code']}.{tag['code']}", tag["reason"]))
        else:
            reasons.append(_reason(ctx, rule["code"], rule["reason"]))
        categories.append(rule["code"])
    ctx.categories = set(categories)

    grade = None
    for level in rules["grades"]:
        matched = [t for t in level["triggers"] if holds(ctx, t["when"])]
        if matched:
            grade = level["code"]
            for t in matched:
                reasons.append(_reason(ctx, f"grade.{grade}.{t['code']}", t["reason"]))
            break
    return Evaluation(categories, sub_tags, grade, reasons, age)


def apply_manual(categories: list[str], manual: Mapping | None, rules: dict | None = None) -> list[str]:
    """Derived ``categories`` corrected by hand: ``{"add": {cat: reason}, "remove": {...}}``.

    Removals apply first, then additions, so a category both added and removed stays: when
    two supervisors disagree the child keeps the protection. The order is the derived one
    with additions after it; given ``rules``, the order of rules.json (unknown codes last).
    """
    manual = manual if isinstance(manual, Mapping) else {}
    removed, added = (manual.get(k) for k in ("remove", "add"))
    removed = removed if isinstance(removed, Mapping) else {}
    added = added if isinstance(added, Mapping) else {}
    out = [c for c in categories if c not in removed]
    out += [c for c in added if c not in out]
    if rules is not None:
        order = {rule["code"]: i for i, rule in enumerate(rules["categories"])}
        out.sort(key=lambda c: order.get(c, len(order)))
    return out


def next_visit_due(
    grade: str | None,
    last_visit: date | None,
    registered: date | None,
    settings: Mapping | None = None,
    rules: dict | None = None,
) -> date | None:
    """The day the next visit falls due: last visit (else registration) + the grade's interval.

    Pass local calendar dates (a visit at 23:30 Beijing time is that day's visit). None when
    there is no grade, no usable interval or no date to count from.
    """
    rules = rules if rules is not None else load_rules()
    intervals = merge_settings(rules["settings"], settings).get("visit_interval_days") or {}
    days = _number(intervals.get(grade)) if isinstance(grade, str) else None
    start = last_visit or registered
    if days is None or days < 0 or not float(days).is_integer() or start is None:
        return None
    if isinstance(start, datetime):
        start = start.date()
    return start + timedelta(days=int(days))
