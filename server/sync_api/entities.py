"""How each synced entity meets the engine: its spec, wire form, scope, and the services that write it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import marshmallow as ma

from server.core.changes import record_change, record_delete
from server.core.errors import FieldErrors, NotPermitted
from server.core.extensions import db
from server.core.roles import REGISTRY_ROLES, SUPERVISOR_ROLES, Role
from server.core.scope import Scope
from server.measures import schemas as measure_schemas
from server.measures import service as measures
from server.measures.models import Measure
from server.referrals import schemas as referral_schemas
from server.referrals.models import Referral
from server.registry import schemas as registry_schemas
from server.registry import service as registry
from server.registry.models import GRADES, Household, Minor
from server.reports import schemas as report_schemas
from server.reports import service as reports
from server.reports.models import Report
from server.visits import schemas as visit_schemas
from server.visits import service as visits
from server.visits.models import REVIEW_FIELDS, Visit
from sync import GRADE_SEVERITY, EntitySpec, RecordState

assert set(GRADE_SEVERITY) - {None} == set(GRADES)


def _fields(schema: type[ma.Schema], *extra: str) -> frozenset[str]:
    return frozenset(n for n, f in schema._declared_fields.items() if not f.dump_only) | frozenset(extra)


@dataclass(frozen=True)
class Adapter:
    spec: EntitySpec
    model: type
    load_schema: type[ma.Schema]  # parses incoming wire values (partial)
    dump_schema: type[ma.Schema]  # the wire form of the whole record
    create: Callable
    update: Callable
    delete: Callable | None
    writers: frozenset[str]
    # Fields a role's phones never receive (DESIGN §5: only the fields the role may see).
    withheld: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name

    # Schema instances are costly to build (marshmallow deep-copies every field): build once.
    @cached_property
    def _dumper(self) -> ma.Schema:
        return self.dump_schema()

    @cached_property
    def _loader(self) -> ma.Schema:
        return self.load_schema(partial=True)

    def wire(self, record) -> dict:
        return self._dumper.dump(record)

    def state(self, record) -> RecordState:
        data = self.wire(record)
        values = {name: data.get(name) for name in self.spec.fields}
        return RecordState(
            version=record.version,
            values=values,
            field_versions=record.field_versions or {},
            field_hlcs=record.field_hlcs or {},
            deleted=record.deleted,
            field_authors={k: None if v is None else str(v) for k, v in (record.field_authors or {}).items()},
        )

    def readable(self, scope: Scope, record) -> bool:
        if isinstance(record, Report):
            return reports.may_read(scope, record)
        return scope.role in REGISTRY_ROLES and scope.covers(record.area_path)

    def parse(self, values: dict) -> dict:
        """Wire values -> Python values through the REST schema: the same rules, the same messages."""
        return self._loader.load(values)

    def missing(self, values: dict) -> dict[str, list[str]]:
        """What a new record lacks of the fields its REST schema requires, in marshmallow's shape.
        A phone's edit of a record whose create the server refused arrives on base 0 with only the
        changed fields: it is refused as incomplete, not taken for a whole record."""
        return {
            name: ["缺少必填项 / Missing data for required field."]
            for name, field in self.load_schema._declared_fields.items()
            if field.required and values.get(name) is None
        }

    def withhold(self, scope: Scope, data: dict) -> None:
        """Drop from a pulled record (and from who-wrote-what) what this role may not see."""
        for name in self.withheld.get(scope.role, ()):
            data.pop(name, None)
            data.get("changed_by", {}).pop(name, None)


def _minor_permissions(scope: Scope, record, changes: dict) -> None:
    graded = {"grade", "grade_reason"} & set(changes)
    if graded and scope.role not in SUPERVISOR_ROLES:
        raise NotPermitted(
            {
                key: ["只有村(社)儿童主任或街道可以确定等级 / Only a supervisor sets the grade."]
                for key in graded
            }
        )
    if "grade" in changes and not (changes.get("grade_reason") or "").strip():
        raise FieldErrors({"grade_reason": ["确定或调整等级必须说明理由 / A grade needs a reason."]})


def create_minor(scope: Scope, data: dict, hlc: str):
    _minor_permissions(scope, None, data)
    grade, reason = data.pop("grade", None), data.pop("grade_reason", None)
    minor = registry.create_minor(scope, data, hlc)
    if grade:
        registry.set_grade(scope, minor, grade, reason, hlc, source="sync")
    return minor


def update_minor(scope: Scope, minor: Minor, changes: dict, hlc: str):
    _minor_permissions(scope, minor, changes)
    grade = changes.pop("grade", minor.grade)
    reason = changes.pop("grade_reason", None)
    registry.update_minor(scope, minor, changes, hlc)
    if grade != minor.grade:
        registry.set_grade(scope, minor, grade, reason, hlc, source="sync")
    elif reason is not None and reason != minor.grade_reason:
        record_change(
            minor, {"grade_reason": reason}, hlc, author=scope.user.id
        )  # a better-worded reason, same grade
    return minor


def _visit_create(scope: Scope, data: dict, hlc: str):
    review = set(REVIEW_FIELDS) & set(data)
    if review and data.get("review_status", "submitted") != "submitted":
        raise NotPermitted({key: ["新走访由审核人审核 / A new visit waits for review."] for key in review})
    data = {k: v for k, v in data.items() if k not in REVIEW_FIELDS}
    return visits.create_visit(scope, data, hlc)


def _visit_delete(scope: Scope, visit: Visit) -> None:
    if visit.visitor_id != scope.user.id or visit.review_status == "approved":
        raise NotPermitted(
            {"_schema": ["只能删除自己未审核的走访 / Only your own unapproved visit can be deleted."]}
        )
    record_delete(visit, scope.user.id)
    visits.note_visit(db.session.get(Minor, visit.minor_id))


def _measure_minor(scope: Scope, minor_id: str | None) -> Minor:
    minor = db.session.get(Minor, minor_id) if minor_id else None
    if minor is None or minor.deleted or not scope.covers(minor.area_path):
        raise FieldErrors({"minor_id": ["您的辖区内没有该未成年人 / No such minor in your area."]})
    return minor


def _measure_create(scope: Scope, data: dict, hlc: str):
    """Planned, and taken on at once when the phone already moved it on (planned and done offline)."""
    minor = _measure_minor(scope, data.pop("minor_id", None))
    status = data.pop("status", "planned")
    measure = measures.create_measure(scope, minor, data, hlc)
    if status != "planned":
        measures.update_measure(scope, minor, measure, {"status": status}, hlc)
    return measure


def _measure_update(scope: Scope, measure: Measure, changes: dict, hlc: str):
    if changes.pop("minor_id", measure.minor_id) != measure.minor_id:
        raise FieldErrors({"minor_id": ["措施不能转给另一个未成年人 / A measure stays with its child."]})
    minor = db.session.get(Minor, measure.minor_id)
    return measures.update_measure(scope, minor, measure, changes, hlc)


def _read_only(*_args, **_kwargs):
    raise NotPermitted({"entity": ["此类记录在手机上只读 / These records are read-only on a phone."]})


ADAPTERS: dict[str, Adapter] = {
    "household": Adapter(
        spec=EntitySpec("household", _fields(registry_schemas.HouseholdFields)),
        model=Household,
        load_schema=registry_schemas.HouseholdFields,
        dump_schema=registry_schemas.HouseholdOut,
        create=registry.create_household,
        update=registry.update_household,
        delete=registry.delete_household,
        writers=frozenset(REGISTRY_ROLES),
    ),
    "minor": Adapter(
        spec=EntitySpec(
            "minor",
            _fields(registry_schemas.MinorFields, "grade", "grade_reason"),
            set_fields=frozenset({"misbehavior", "risk_flags"}),
            severity_fields={"grade": GRADE_SEVERITY},
            follows={"grade_reason": "grade"},
        ),
        model=Minor,
        load_schema=registry_schemas.MinorSyncFields,
        dump_schema=registry_schemas.MinorOut,
        create=create_minor,
        update=update_minor,
        delete=registry.delete_minor,
        writers=frozenset(REGISTRY_ROLES),
    ),
    "visit": Adapter(
        spec=EntitySpec(
            "visit",
            _fields(visit_schemas.VisitCreate) - {"id"} | set(REVIEW_FIELDS),
            set_fields=frozenset({"measures"}),
        ),
        model=Visit,
        load_schema=visit_schemas.VisitSyncFields,
        dump_schema=visit_schemas.VisitOut,
        create=_visit_create,
        update=visits.update_visit,
        delete=_visit_delete,
        writers=frozenset(REGISTRY_ROLES),
    ),
    "report": Adapter(
        spec=EntitySpec("report", _fields(report_schemas.ReportFields)),
        model=Report,
        load_schema=report_schemas.ReportFields,
        dump_schema=report_schemas.ReportOut,
        create=reports.create_report,
        update=reports.update_report,
        delete=None,
        writers=frozenset({*REGISTRY_ROLES, Role.sentinel}),
    ),
    "measure": Adapter(
        spec=EntitySpec("measure", _fields(measure_schemas.MeasureSyncFields)),
        model=Measure,
        load_schema=measure_schemas.MeasureSyncFields,
        dump_schema=measure_schemas.MeasureOut,
        create=_measure_create,
        update=_measure_update,
        delete=None,
        writers=frozenset(REGISTRY_ROLES),
    ),
    # Read-only on phones: supervisors send referrals and units answer them, online (REST).
    "referral": Adapter(
        spec=EntitySpec("referral", frozenset()),
        model=Referral,
        load_schema=referral_schemas.ReferralOnPhone,
        dump_schema=referral_schemas.ReferralOnPhone,
        create=_read_only,
        update=_read_only,
        delete=None,
        writers=frozenset(),
        # What the unit answered is for the supervisors who sent the case, as in REST, where a
        # grid worker reads no referral at all: her phone says which unit has it and how far it is.
        withheld={Role.grid_worker: frozenset({"response"})},
    ),
}
