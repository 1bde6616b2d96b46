"""Importing a ledger: validation with the REST schemas, duplicates, columns, all or nothing."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from server.audit.models import AuditEvent
from server.registry.models import Household, Minor
from tests.factories import make_household, make_minor, valid_id_number
from tests.server.ledger.ledger_files import HEADERS, good_row, upload, workbook


def _minors(session, grid_path: str = "/S1/") -> int:
    return session.scalar(
        sa.select(sa.func.count()).select_from(Minor).where(Minor.area_path.startswith(grid_path))
    )


def test_a_clean_file_is_imported(client, login, session):
    rows = [good_row(n=1), good_row(n=2, address="红旗村一组1号"), good_row("V1G1W2", n=3, with_id=False)]
    response = upload(client, login("village1"), workbook(rows))
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["accepted"], body["rejected"], body["duplicates"]) == (3, [], [])
    assert body["households_created"] == 2  # rows 1 and 2 share an address in one grid
    minors = session.scalars(sa.select(Minor).order_by(Minor.name)).all()
    assert [m.name for m in minors] == ["儿童1", "儿童2", "儿童3"]
    first = minors[0]
    assert first.household.address == "红旗村一组1号" and first.household.head_name == "户主1"
    assert (
        first.hukou == "rural" and first.father_status == "migrant_away" and first.caregiver == "grandparents"
    )
    assert "left_behind" in first.categories and first.grade_suggested is not None
    assert first.id_number_masked.startswith("5201") and "*" in first.id_number_masked
    assert first.assigned_worker_id is not None  # worker1 is the grid's only grid worker
    assert first.next_visit_due is not None and first.version == 1
    events = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "import")).all()
    assert len(events) == 1 and events[0].detail["accepted"] == 3


def test_an_imported_minor_equals_one_made_through_the_service(client, login, session):
    birth = date(2013, 3, 3)
    number = valid_id_number(birth)
    row = [
        "V1G1W1",
        "户主",
        "红旗村一组99号",
        None,
        "对照",
        "男",
        birth,
        number,
        "农村",
        "外出务工",
        "外出务工",
        "祖辈",
        "在校",
    ]
    upload(client, login("village1"), workbook([row]))
    imported = session.scalar(sa.select(Minor).where(Minor.name == "对照"))
    household = make_household("village1", grid="V1G1W1", address="红旗村一组100号", head_name="户主")
    made = make_minor(
        household,
        "village1",
        name="对照2",
        gender="male",
        birth_date=birth,
        hukou="rural",
        father_status="migrant_away",
        mother_status="migrant_away",
        caregiver="grandparents",
        school_status="in_school",
        id_number=valid_id_number(birth),
    )
    for field in (
        "categories",
        "grade_suggested",
        "category_reasons",
        "next_visit_due",
        "area_path",
        "created_by",
    ):
        assert getattr(imported, field) == getattr(made, field), field
    assert set(made.field_versions) <= set(imported.field_versions) | {"id_number_masked"}
    assert set(imported.field_authors.values()) == {made.created_by}
    assert imported.id_number_hash and imported.id_number_enc and imported.id_number_enc != number
    created = session.scalars(
        sa.select(AuditEvent.entity).where(AuditEvent.action == "create", AuditEvent.record_id == imported.id)
    ).all()
    assert created == ["minor"]


def test_bad_rows_are_rejected_with_chinese_messages(client, login, session):
    rows = [
        good_row(n=1),
        ["V1G1W1", "户主", "地址2", None, "儿童2", "男", date(2012, 1, 1), "520102201201010010", "农村"],
        ["V1G1W1", "户主", "地址3", None, "儿童3", "未知", "2012-13-40", None, "外星"],
        ["V2G1W1", "户主", "地址4", None, "儿童4", "男", date(2012, 1, 1)],  # another village
        [None, None, "地址5", None, None, "女", date(2099, 1, 1)],
        ["V1G1W1", "户主", "地址6", None, "儿童6", "男", date(2013, 1, 1), valid_id_number(date(2012, 1, 1))],
    ]
    body = upload(client, login("village1"), workbook(rows)).json
    assert body["accepted"] == 1
    errors = {entry["row"]: entry["errors"] for entry in body["rejected"]}
    assert set(errors) == {3, 4, 5, 6, 7}
    assert "校验位" in errors[3]["身份证号"][0]
    assert set(errors[4]) == {"性别", "出生日期", "户籍类型"}
    assert "可填：男、女" in errors[4]["性别"][0]
    assert "网格" in errors[5]["网格编码"][0]
    assert set(errors[6]) >= {"网格编码", "户主姓名", "姓名", "出生日期"}
    assert "出生日期" in errors[7] and "身份证" in errors[7]["出生日期"][0]
    assert _minors(session) == 1


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(client, login, session):
    rows = [good_row(n=1), ["V1G1W1", "户主", "地址", None, "儿童", "男", "不是日期"]]
    body = upload(client, login("village1"), workbook(rows), "?all_or_nothing=true").json
    assert (body["accepted"], body["valid"], body["written"], len(body["rejected"])) == (0, 1, False, 1)
    assert _minors(session) == 0


def test_dry_run_reports_and_writes_nothing(client, login, session):
    body = upload(client, login("village1"), workbook([good_row(n=1), good_row(n=2)]), "?dry_run=1").json
    assert (body["accepted"], body["written"], body["dry_run"]) == (2, False, True)
    assert _minors(session) == 0 and session.scalar(sa.select(sa.func.count()).select_from(Household)) == 0


def test_duplicates_in_the_database_and_in_the_file(client, login, session):
    existing_birth = date(2011, 6, 1)
    number = valid_id_number(existing_birth)
    household = make_household("worker1", grid="V1G1W1", address="红旗村 一组 8号")
    make_minor(household, "worker1", name="老住户", birth_date=existing_birth, id_number=number)
    make_minor(household, "worker1", name="无证", birth_date=date(2015, 2, 2))
    other = make_household("worker3", grid="V2G1W1", address="龙泉村1号")
    foreign_birth = date(2010, 1, 1)
    foreign_number = valid_id_number(foreign_birth)
    make_minor(other, "worker3", name="外村", birth_date=foreign_birth, id_number=foreign_number)
    session.commit()
    again = good_row(n=5)
    rows = [
        ["V1G1W1", "户主", "红旗村一组9号", None, "换了住址", "男", existing_birth, number],  # same ID
        ["V1G1W1", "户主", "红旗村一组8号", None, "无证", "男", date(2015, 2, 2)],  # name+birth+address
        again,
        again,  # the same row twice
        [
            "V1G1W1",
            "户主",
            "别处",
            None,
            "另一个",
            "男",
            foreign_birth,
            foreign_number,
        ],  # registered elsewhere
        ["V1G1W1", "户主", "红旗村一组8号", None, "无证", "男", date(2015, 3, 3)],  # another birth date: new
    ]
    body = upload(client, login("village1"), workbook(rows, HEADERS[:8])).json
    assert body["accepted"] == 2
    duplicates = {d["row"]: d for d in body["duplicates"]}
    assert set(duplicates) == {2, 3, 5, 6}
    assert duplicates[2]["reason"] == "id_number" and duplicates[2]["existing"] == "database"
    assert duplicates[3]["reason"] == "name_birth_address" and duplicates[3]["minor_id"]
    assert duplicates[5] | {"message": None} == {
        "row": 5,
        "reason": "id_number",
        "existing": "file",
        "first_row": 4,
        "message": None,
    }
    assert duplicates[6]["existing"] == "database" and duplicates[6]["minor_id"] is None  # outside: no id
    assert all(d["message"] for d in body["duplicates"])
    # Importing the same file again changes nothing: every row is now a duplicate.
    again_body = upload(client, login("village1"), workbook(rows, HEADERS[:8])).json
    assert again_body["accepted"] == 0 and len(again_body["duplicates"]) == 6


def test_wrong_columns_are_a_clear_422(client, login, session):
    headers = ["网格编码", "户主姓名", "住所", "姓名", "性别", "爱好"]
    response = upload(client, login("village1"), workbook([["V1G1W1", "a", "b", "c", "男", "d"]], headers))
    assert response.status_code == 422
    assert response.json["errors"]["columns"] == {
        "missing": ["家庭住址", "出生日期"],
        "unknown": ["住所", "爱好"],
    }
    assert "缺少列：家庭住址、出生日期" in response.json["message"]
    assert "无法识别的列：住所、爱好" in response.json["message"]


def test_not_a_workbook_is_422(client, login, session):
    import io

    response = upload(client, login("village1"), io.BytesIO(b"name,birth\n"), name="ledger.csv")
    assert response.status_code == 422 and "xlsx" in response.json["message"]
    missing = client.post("/api/ledger/import", headers=login("village1"), content_type="multipart/form-data")
    assert missing.status_code == 422


def test_example_rows_and_blank_rows_are_skipped(client, login, session):
    example = good_row(n=1)
    example[4] = "示例：张小明"
    body = upload(client, login("village1"), workbook([example, [None] * 13, good_row(n=2)])).json
    assert body["total"] == 1 and body["accepted"] == 1


def test_only_supervisors_import(client, login, session):
    for username in ("worker1", "sentinel1", "police1"):
        assert upload(client, login(username), workbook([good_row()])).status_code == 403


def test_a_worker_named_in_the_file(client, login, session):
    headers = [*HEADERS[:7], "包保网格员账号"]
    rows = [[*good_row(n=1)[:7], "worker1"], [*good_row("V1G1W2", n=2)[:7], "worker1"]]
    body = upload(client, login("village1"), workbook(rows, headers)).json
    assert body["accepted"] == 1
    assert body["rejected"][0]["errors"] == {"包保网格员账号": ["worker1 不是该网格的网格员"]}


def test_a_ledger_larger_than_the_api_body_limit_is_accepted(client, login, session, app):
    import os as _os

    assert app.config["MAX_CONTENT_LENGTH"] < 3 * 1024 * 1024
    noise = [[_os.urandom(256).hex()] for _ in range(12_000)]  # random hex: about 3 MB zipped
    buffer = workbook(noise, ["备注"])
    assert len(buffer.getvalue()) > app.config["MAX_CONTENT_LENGTH"]
    response = upload(client, login("village1"), buffer)
    assert response.status_code == 422  # read, and refused for its columns: not a 413
    assert response.json["errors"]["columns"]["unknown"] == ["备注"]
