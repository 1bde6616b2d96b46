"""A county of two streets, and a child's case that can be put in any grid of it.

The second street is made as an operator makes one: its areas through the service of
``humiao import-areas`` (a CSV), its accounts through that of ``humiao create-user``. Beside the
shared test street (tests/factories.py):

S2 河西街道 > S2V1 河西村 > S2V1G1 > grids S2V1G1W1, S2V1G1W2; S2V2 柳林社区 > S2V2G1 > S2V2G1W1.
admin2 (street), village21 (S2V1), village22 (S2V2), worker21, worker22, worker23 (the grids),
police2 (S2's police liaison), sentinel2 (a school in S2V1); above the streets: county (a county
viewer of both) and mover (a street admin of both: who moves a family from one street to another).

What each account may read is computed here from the account's areas and the record's grid, by
the rules of DESIGN §1 and docs/architecture.md, never by asking the server's scope code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa

from server.accounts.service import create_user
from server.areas.service import import_csv
from server.core.extensions import db
from server.core.scope import Scope
from server.notifications.models import Notification
from server.referrals.models import Referral
from server.registry import service as registry
from server.reports import service as reports
from server.sync_api.push import push
from server.visits import service as visits
from tests.factories import PASSWORD, USERS, area, user
from tests.server.sync_api.wire import Device, hlc_at, new_id, now_ms

STREET2_CSV = """code,name,level,parent_code
S2,河西街道,street,
S2V1,河西村,village,S2
S2V1G1,河西村一组,group,S2V1
S2V1G1W1,河西村一组一网格,grid,S2V1G1
S2V1G1W2,河西村一组二网格,grid,S2V1G1
S2V2,柳林社区,village,S2
S2V2G1,柳林社区一组,group,S2V2
S2V2G1W1,柳林社区一组一网格,grid,S2V2G1
"""

USERS2 = [
    dict(username="admin2", role="street_admin", areas=["S2"], display_name="河西街道管理员"),
    dict(username="village21", role="village_officer", areas=["S2V1"], display_name="钱红"),
    dict(username="village22", role="village_officer", areas=["S2V2"], display_name="孙丽"),
    dict(username="worker21", role="grid_worker", areas=["S2V1G1W1"], display_name="周强"),
    dict(username="worker22", role="grid_worker", areas=["S2V1G1W2"], display_name="吴敏"),
    dict(username="worker23", role="grid_worker", areas=["S2V2G1W1"], display_name="郑伟"),
    dict(username="police2", role="unit_liaison", areas=["S2"], unit="police", display_name="河西派出所"),
    dict(
        username="sentinel2", role="sentinel", areas=["S2V1"], sentinel_kind="school", display_name="河西小学"
    ),
    dict(username="county", role="county_viewer", areas=["S1", "S2"], display_name="县未保办"),
    dict(username="mover", role="street_admin", areas=["S1", "S2"], display_name="县民政局"),
]

SPECS = {spec["username"]: spec for spec in [*USERS, *USERS2]}
EVERYONE = sorted(SPECS)
REGISTRY = {"grid_worker", "village_officer", "street_admin"}
SUPERVISORS = {"village_officer", "street_admin"}
# The grid worker of each grid, who surveys its families and visits its children.
WORKER_OF = {
    "V1G1W1": "worker1",
    "V1G1W2": "worker2",
    "V2G1W1": "worker3",
    "S2V1G1W1": "worker21",
    "S2V1G1W2": "worker22",
    "S2V2G1W1": "worker23",
}
OFFICER_OF = {"V1": "village1", "V2": "village2", "S2V1": "village21", "S2V2": "village22"}
GRIDS = tuple(WORKER_OF)


def add_second_street() -> None:
    """S2 and its accounts, through the command line's services; the caller commits."""
    import_csv(STREET2_CSV)
    for spec in USERS2:
        create_user(password=PASSWORD, **spec)


def path_of(code: str) -> str:
    """The materialised path of a grid, spelled out from the codes (no server lookup)."""
    street = "S2" if code.startswith("S2") else "S1"
    village = code[: code.index("G")]
    group = code[: code.rindex("W")]
    return "/" + "/".join(dict.fromkeys([street, village, group, code])) + "/"


def area_path(code: str) -> str:
    if code in ("S1", "S2"):
        return f"/{code}/"
    if "G" not in code:
        return f"/{'S2' if code.startswith('S2') else 'S1'}/{code}/"
    return path_of(code)


def role(username: str) -> str:
    return SPECS[username]["role"]


def covers(username: str, grid: str) -> bool:
    """The account's areas include the grid (its own areas, or one above it)."""
    return any(path_of(grid).startswith(area_path(code)) for code in SPECS[username]["areas"])


def registry_reader(username: str, grid: str) -> bool:
    return role(username) in REGISTRY and covers(username, grid)


def supervisor_of(username: str, grid: str) -> bool:
    return role(username) in SUPERVISORS and covers(username, grid)


def mover_for(source: str, target: str) -> str:
    """Someone whose scope covers both grids: the village officer, the street admin, or above."""
    village = source[: source.index("G")]
    if target.startswith(village):
        return OFFICER_OF[village]
    if source.startswith("S2") == target.startswith("S2"):
        return "admin2" if source.startswith("S2") else "admin"
    return "mover"


def phone(client, login, username: str) -> Device:
    client_id = new_id()
    return Device(client, login(username, device_id=client_id), client_id, username)


def replica(device: Device) -> dict[tuple[str, str], dict]:
    """Pull everything new and apply it as a phone does: removals drop the record."""
    held = getattr(device, "held", {})
    for change in device.pull_all():
        key = (change["entity"], str(change["id"]))
        if change["deleted"]:
            held.pop(key, None)
        else:
            held[key] = change
    device.held = held
    return held


@dataclass
class Case:
    """A child at risk with everything that can belong to it, all made in one grid."""

    grid: str
    household: str
    minor: str
    visit: str
    report: str
    referral: str
    measure: str
    conflict: str
    name: str

    def ids(self) -> set[str]:
        return {
            self.household,
            self.minor,
            self.visit,
            self.report,
            self.referral,
            self.measure,
            self.conflict,
        }


def make_case(grid: str, name: str = "石榴") -> Case:
    """Through the services, as the grid's worker and its village officer would: a household,
    a minor graded red, a visit returned for more detail, a mandatory report naming the child
    (the police hear of it by an automatic referral), a measure, and a conflict on the child's
    school that the worker's value lost. Every notice a real case makes is made."""
    from server.measures import service as measures

    worker = user(WORKER_OF[grid])
    officer = user(OFFICER_OF[grid[: grid.index("G")]])
    household = registry.create_household(
        Scope.of(worker),
        {"grid_id": area(grid).id, "address": f"{name}家 · {grid}", "head_name": f"{name}爸爸"},
    )
    minor = registry.create_minor(
        Scope.of(worker),
        {"household_id": household.id, "name": name, "gender": "female", "birth_date": date(2014, 2, 2)},
    )
    registry.set_grade(Scope.of(officer), minor, "red", f"{name}身上有自伤痕迹")
    visit = visits.create_visit(
        Scope.of(worker),
        {
            "minor_id": minor.id,
            "visited_at": datetime.now(UTC),
            "kind": "home",
            "summary": f"{name}手臂有划痕",
        },
    )
    visits.update_visit(
        Scope.of(officer), visit, {"review_status": "returned", "review_comment": "请补充情况"}
    )
    report = reports.create_report(
        Scope.of(worker),
        {
            "area_id": area(grid).id,
            "minor_id": minor.id,
            "kind": "self_harm_death",
            "description": f"{name}自伤",
        },
    )
    referral = db.session.scalar(sa.select(Referral).where(Referral.report_id == report.id))
    measure = measures.create_measure(
        Scope.of(worker),
        minor,
        {"kind": "psych_intervention", "description": f"{name}心理辅导", "responsible_unit": "school"},
    )
    db.session.flush()
    base, wall = minor.version, now_ms()
    for who, school, at in ((worker, f"{name}小学", wall), (officer, f"{name}中学", wall + 1000)):
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
        results = push(who, client_id, [mutation], 10**12).results
    [conflict] = results[0]["conflict_ids"]
    db.session.commit()
    return Case(grid, household.id, minor.id, visit.id, report.id, referral.id, measure.id, conflict, name)


def notices_about(username: str, case: Case) -> int:
    """How many notices about the case the account has (readable or not): the walk needs some."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user(username).id, Notification.minor_id == case.minor)
    )
