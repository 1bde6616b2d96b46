"""Validators and field helpers shared by every domain's schemas (messages zh-CN / English)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime

import marshmallow as ma
from marshmallow import ValidationError, fields, validate

from server.core.search import QUERY_MAX

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{3,5})$")


def one_of(choices) -> validate.OneOf:
    return validate.OneOf(choices, error="取值无效 / Must be one of: {choices}.")


def not_blank_length(maximum: int) -> validate.Length:
    return validate.Length(min=1, max=maximum, error=f"长度应为1到{maximum} / Length 1 to {maximum}.")


def not_future_date(value: date) -> None:
    from server.core.localtime import local_today

    if value > local_today():
        raise ValidationError("日期不能晚于今天 / The date cannot be in the future.")


def not_future_datetime(value: datetime) -> None:
    now = datetime.now(UTC)
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    if (aware - now).total_seconds() > 600:
        raise ValidationError("时间不能晚于现在 / The time cannot be in the future.")


def uuid_string(value: str) -> None:
    try:
        uuid.UUID(str(value))
    except ValueError as exc:
        raise ValidationError("应为UUID / Must be a UUID.") from exc


def phone_number(value: str) -> None:
    if value and not PHONE.match(value):
        raise ValidationError("电话号码格式不正确 / Not a valid phone number.")


# Control characters other than tab and line breaks; a lone surrogate is not Unicode text.
UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _problem(value) -> str | None:
    if isinstance(value, str):
        found = UNSTORABLE.search(value)
        if found is None:
            return None
        if found.group() == "\x00":
            return "不能包含空字符 / Text cannot contain NUL characters."
        if "\ud800" <= found.group() <= "\udfff":
            return "文本含有无效字符 / The text is not valid Unicode."
        return "不能包含控制字符 / Text cannot contain control characters."
    if isinstance(value, dict):
        return next(filter(None, (_problem(v) for v in value.values())), None)
    if isinstance(value, list):
        return next(filter(None, (_problem(v) for v in value)), None)
    return None


DATABASE_INTEGER = (-(2**31), 2**31 - 1)
LONGEST_TEXT = 2000
MOST_ITEMS = 500
MOST_KEYS = 100


def _bounded(field: fields.Field) -> None:
    """Give a field the bound it lacks: no input is ever unbounded, and the OpenAPI document
    (built from the same validators) says so."""
    if isinstance(field, fields.Integer):
        _ensure_range(field, *DATABASE_INTEGER)
    elif isinstance(field, fields.Number):
        _ensure_range(field, -1e9, 1e9)
    elif isinstance(field, fields.String):
        if not any(isinstance(v, validate.OneOf) for v in field.validators):
            _ensure_most(field, LONGEST_TEXT)
    elif isinstance(field, fields.List):
        _ensure_most(field, MOST_ITEMS)
        _bounded(field.inner)
    elif isinstance(field, fields.Dict):
        _ensure_most(field, MOST_KEYS)
        # apispec turns a Length into maxProperties only for lists; say it for objects too.
        most = min(v.max for v in field.validators if isinstance(v, validate.Length) and v.max is not None)
        field.metadata.setdefault("maxProperties", most)
        if field.value_field is not None:
            _bounded(field.value_field)


def _ensure_range(field: fields.Field, lowest, highest) -> None:
    ranges = [v for v in field.validators if isinstance(v, validate.Range)]
    if not any(r.min is not None for r in ranges):
        field.validators.append(validate.Range(min=lowest))
    if not any(r.max is not None for r in ranges):
        field.validators.append(validate.Range(max=highest))


def _ensure_most(field: fields.Field, most: int) -> None:
    if not any(isinstance(v, validate.Length) and v.max is not None for v in field.validators):
        field.validators.append(validate.Length(max=most))


class BoundedSchema(ma.Schema):
    """An input schema: every field that declares no bound of its own gets a generous one
    (32-bit integers, 2,000 characters, 500 items, 100 keys)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not field.dump_only:
                _bounded(field)


class StrictSchema(BoundedSchema):
    """Unknown fields are an error: a typo must never be silently dropped."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _storable_text(self, data, **_kwargs):
        # PostgreSQL cannot store NUL, no database a lone surrogate, and a control character
        # breaks the Excel ledger later: refuse them here with a message, not a 500 later.
        if isinstance(data, dict):
            bad = {k: [problem] for k, v in data.items() if (problem := _problem(v))}
            if bad:
                raise ValidationError(bad)
        return data


def text(maximum: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=maximum), **kwargs)


def set_of(choices, **kwargs) -> fields.List:
    return fields.List(fields.String(validate=one_of(choices)), **kwargs)


def counts_of(codes, name: str) -> type[ma.Schema]:
    """An answer's schema of one count per code, ``{"red": 3, "orange": 0, ...}``.

    The keys are declared one by one, from the code list itself, so the OpenAPI document
    names every key a client may read; ``name`` is the schema's name in that document.
    """
    return ma.Schema.from_dict({code: fields.Integer() for code in codes}, name=name)


def _chinese_first_messages() -> None:
    """marshmallow's stock messages, in the worker's language first."""
    fields.Field.default_error_messages.update(
        required="必填 / Missing data for required field.",
        null="不能为空 / Field may not be null.",
        validator_failed="取值无效 / Invalid value.",
    )
    messages = {
        fields.String: {"invalid": "应为文本 / Not a valid string."},
        fields.Integer: {"invalid": "应为整数 / Not a valid integer."},
        fields.Number: {
            "invalid": "应为数字 / Not a valid number.",
            "too_large": "数值过大 / Number too large.",
        },
        fields.Float: {"special": "应为有限数字 / Not a finite number."},
        fields.Boolean: {"invalid": "应为是/否 / Not a valid boolean."},
        fields.Date: {"invalid": "应为日期 YYYY-MM-DD / Not a valid date (YYYY-MM-DD)."},
        fields.DateTime: {"invalid": "应为时间 (ISO 8601) / Not a valid datetime (ISO 8601)."},
        fields.List: {"invalid": "应为列表 / Not a valid list."},
        fields.Dict: {"invalid": "应为对象 / Not a valid mapping."},
        fields.Nested: {"type": "应为对象 / Invalid type: an object is expected."},
    }
    for field_class, updates in messages.items():
        field_class.default_error_messages = {**field_class.default_error_messages, **updates}
    ma.Schema._default_error_messages = {
        **ma.Schema._default_error_messages,
        "unknown": "未知字段 / Unknown field.",
        "type": "应为对象 / Invalid input type: an object is expected.",
    }


_chinese_first_messages()


def query_field(description: str) -> fields.String:
    """The ``q`` argument of a list: bounded, and its meaning in the OpenAPI document."""
    return fields.String(
        validate=[
            validate.Length(
                max=QUERY_MAX, error=f"搜索词最多{QUERY_MAX}字 / At most {QUERY_MAX} characters."
            ),
            _comparable,
        ],
        metadata={"description": description},
    )


def _comparable(value: str) -> None:
    """A query is compared in SQL: what no database takes (NUL, a lone surrogate) is refused."""
    problem = _problem(value)
    if problem:
        raise ValidationError(problem)
