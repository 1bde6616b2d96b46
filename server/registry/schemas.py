"""Households and minors on the wire: create, patch, query and dump schemas."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import ValidationError, fields, validate, validates, validates_schema

from server.core import codes
from server.core.validation import (
    StrictSchema,
    counts_of,
    not_blank_length,
    not_future_date,
    not_future_datetime,
    one_of,
    phone_number,
    query_field,
    set_of,
    text,
    uuid_string,
)
from server.registry import idnumber
from server.registry.models import (
    CATEGORIES,
    GRADES,
    MISBEHAVIOR_ORDINARY,
    MISBEHAVIOR_SERIOUS,
    PARENT_STATUSES,
    RISK_FLAGS,
)


class HouseholdQuery(StrictSchema):
    q = query_field(
        "every word matches the address, the head's name or its pinyin (wxy: 王小雨), or a child "
        "living there: name, pinyin, the ID number's last four characters"
    )
    grid_id = fields.Integer()


class MinorQuery(StrictSchema):
    q = query_field(
        "every word matches the name or its pinyin (initials wxy or whole wangxiaoyu), the address, "
        "the school, or the ID number's last four characters"
    )
    household_id = fields.String(validate=uuid_string)
    grade = fields.String(validate=one_of(GRADES))
    category = fields.String(validate=one_of(CATEGORIES))
    include_archived = fields.Boolean(load_default=False)


class HouseholdFields(StrictSchema):
    grid_id = fields.Integer(required=True, strict=True)
    address = fields.String(required=True, validate=not_blank_length(200))
    head_name = fields.String(required=True, validate=not_blank_length(50))
    phone = fields.String(allow_none=True, validate=[validate.Length(max=20), phone_number])
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lng = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    notes = text(2000, allow_none=True)
    surveyed_at = fields.AwareDateTime(allow_none=True, default_timezone=None, validate=not_future_datetime)


class HouseholdCreate(HouseholdFields):
    id = fields.String(validate=uuid_string)


class HouseholdOut(ma.Schema):
    id = fields.String()
    grid_id = fields.Integer()
    address = fields.String()
    head_name = fields.String()
    phone = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lng = fields.Float(allow_none=True)
    notes = fields.String(allow_none=True)
    surveyed_at = fields.DateTime(allow_none=True)
    surveyed_by = fields.Integer(allow_none=True)
    version = fields.Integer()
    updated_at = fields.DateTime()


PARENT = dict(allow_none=True, validate=one_of(PARENT_STATUSES))


class MinorFields(StrictSchema):
    household_id = fields.String(required=True, validate=uuid_string)
    name = fields.String(required=True, validate=not_blank_length(50))
    gender = fields.String(required=True, validate=one_of(codes.of("gender")))
    birth_date = fields.Date(required=True, validate=not_future_date)
    id_number = fields.String(allow_none=True, load_only=True)
    hukou = fields.String(allow_none=True, validate=one_of(codes.of("hukou")))
    lives_with_parents = fields.String(allow_none=True, validate=one_of(codes.of("lives_with_parents")))
    school_status = fields.String(allow_none=True, validate=one_of(codes.of("school_status")))
    out_of_school_since = fields.Date(allow_none=True, validate=not_future_date)
    school = text(100, allow_none=True)
    health = fields.String(allow_none=True, validate=one_of(codes.of("health")))
    disability_grade = fields.Integer(allow_none=True, strict=True, validate=validate.Range(1, 4))
    disability_kind = text(30, allow_none=True)
    father_status = fields.String(**PARENT)
    father_status_since = fields.Date(allow_none=True, validate=not_future_date)
    father_evidence = text(1000, allow_none=True)
    mother_status = fields.String(**PARENT)
    mother_status_since = fields.Date(allow_none=True, validate=not_future_date)
    mother_evidence = text(1000, allow_none=True)
    caregiver = fields.String(allow_none=True, validate=one_of(codes.of("caregiver")))
    caregiver_capable = fields.Boolean(allow_none=True)
    poverty = fields.String(allow_none=True, validate=one_of(codes.of("poverty")))
    misbehavior = set_of(MISBEHAVIOR_ORDINARY + MISBEHAVIOR_SERIOUS)
    crime_victim = fields.Boolean()
    risk_flags = set_of(RISK_FLAGS)
    assigned_worker_id = fields.Integer(allow_none=True, strict=True)

    @validates("id_number")
    def _id_number(self, value: str | None, **_kwargs) -> None:
        if value:
            message = idnumber.problem(value)
            if message:
                raise ValidationError(message)

    @validates_schema
    def _consistent(self, data: dict, **_kwargs) -> None:
        errors = minor_consistency(data)
        if errors:
            raise ValidationError(errors)


def minor_consistency(data: dict) -> dict[str, list[str]]:
    """Checks across fields, run on a create and on the merged state after any change."""
    errors: dict[str, list[str]] = {}
    birth = data.get("birth_date")
    number = data.get("id_number")
    if birth and number and not idnumber.problem(number) and idnumber.birth_date_of(number) != birth:
        errors["birth_date"] = ["出生日期与身份证号码不一致 / The birth date does not match the ID number."]
    since = data.get("out_of_school_since")
    if birth and since and since < birth:
        errors["out_of_school_since"] = ["辍学日期早于出生日期 / Out of school before birth."]
    if data.get("disability_grade") and data.get("health") not in (None, "disability"):
        errors["health"] = ["残疾等级仅适用于残疾 / A disability grade needs health = disability."]
    return errors


class MinorCreate(MinorFields):
    id = fields.String(validate=uuid_string)


class MinorSyncFields(MinorFields):
    """What a device may send for a minor: its fields, and the grade for supervisors."""

    grade = fields.String(allow_none=True, validate=one_of(GRADES))
    grade_reason = fields.String(allow_none=True, validate=not_blank_length(500))


class GradeChangeOut(ma.Schema):
    from_grade = fields.String(allow_none=True)
    to_grade = fields.String(allow_none=True)
    reason = fields.String()
    changed_by = fields.Integer(allow_none=True)
    changed_at = fields.DateTime()


class MinorOut(ma.Schema):
    id = fields.String()
    household_id = fields.String()
    name = fields.String()
    gender = fields.String()
    birth_date = fields.Date()
    id_number_masked = fields.String(allow_none=True)
    hukou = fields.String(allow_none=True)
    lives_with_parents = fields.String(allow_none=True)
    school_status = fields.String(allow_none=True)
    out_of_school_since = fields.Date(allow_none=True)
    school = fields.String(allow_none=True)
    health = fields.String(allow_none=True)
    disability_grade = fields.Integer(allow_none=True)
    disability_kind = fields.String(allow_none=True)
    father_status = fields.String(allow_none=True)
    father_status_since = fields.Date(allow_none=True)
    father_evidence = fields.String(allow_none=True)
    mother_status = fields.String(allow_none=True)
    mother_status_since = fields.Date(allow_none=True)
    mother_evidence = fields.String(allow_none=True)
    caregiver = fields.String(allow_none=True)
    caregiver_capable = fields.Boolean(allow_none=True)
    poverty = fields.String(allow_none=True)
    misbehavior = fields.List(fields.String())
    crime_victim = fields.Boolean()
    risk_flags = fields.List(fields.String())
    categories = fields.List(fields.String())
    category_reasons = fields.List(fields.Dict())
    grade = fields.String(allow_none=True)
    grade_suggested = fields.String(allow_none=True)
    grade_reason = fields.String(allow_none=True)
    assigned_worker_id = fields.Integer(allow_none=True)
    last_visit_at = fields.Date(allow_none=True)
    next_visit_due = fields.Date(allow_none=True)
    archived = fields.Method("_archived")
    version = fields.Integer()
    updated_at = fields.DateTime()

    def _archived(self, minor) -> bool:
        return minor.archived_at is not None


class MinorDetailOut(MinorOut):
    """The full record: the whole ID number, only here, and every read of it is audited."""

    id_number = fields.String(allow_none=True)
    household_address = fields.Function(lambda m: m.household.address if m.household else None)
    grade_history = fields.List(fields.Nested(GradeChangeOut))


class GradeDecision(StrictSchema):
    grade = fields.String(required=True, validate=one_of(GRADES))
    reason = fields.String(required=True, validate=not_blank_length(500))


class MinorCounts(ma.Schema):
    by_grade = fields.Nested(
        counts_of(GRADES, "MinorsByGrade"),
        metadata={"description": "active minors by grade (the confirmed one, else the suggestion)"},
    )
    unconfirmed = fields.Integer(metadata={"description": "minors whose grade awaits confirmation"})


class VisitIntervalsOut(ma.Schema):
    red = fields.Integer()
    orange = fields.Integer()
    yellow = fields.Integer()
    blue = fields.Integer()


class SettingsOut(ma.Schema):
    """A street's rule settings: the defaults of rules.json with the street's changes."""

    adult_age = fields.Integer()
    left_behind_max_age = fields.Integer()
    left_behind_requires_rural_hukou = fields.Boolean()
    idle_min_age = fields.Integer()
    idle_working_age = fields.Integer()
    out_of_school_months = fields.Integer()
    in_difficulty_max_disability_grade = fields.Integer()
    in_difficulty_serious_illness = fields.Boolean()
    red_first_response_hours = fields.Integer()
    visit_interval_days = fields.Nested(VisitIntervalsOut)


class RulesDocument(ma.Schema):
    """rules.json as data: the condition language is described in server/registry/rules.py."""

    version = fields.Integer()
    about = fields.String()
    settings = fields.Nested(SettingsOut, metadata={"description": "the defaults"})
    sets = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    text = fields.Dict(metadata={"description": "words the evaluator uses: {key: {zh, en}}"})
    notices = fields.Dict(metadata={"description": "notices it may add: {key: {zh, en}}"})
    labels = fields.Dict(metadata={"description": "{field: {code: {zh, en}}}"})
    categories = fields.List(
        fields.Dict(), metadata={"description": "each {code, source, when, reason, sub_tags}"}
    )
    grades = fields.List(fields.Dict(), metadata={"description": "each {code, meaning, triggers}"})


class RulesOut(ma.Schema):
    rules = fields.Nested(RulesDocument)
    settings = fields.Nested(SettingsOut, metadata={"description": "the caller's street's settings"})
