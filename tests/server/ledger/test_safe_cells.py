"""Every workbook the server writes opens safely: user text is text, never a live formula."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from server.core.localtime import local_today
from server.core.spreadsheet import RUNNABLE_START, from_cell, to_cell
from tests.factories import area, make_household, make_minor

# How cells are written into a workbook: no database in it.
pytestmark = pytest.mark.db_independent

HOSTILE = ['=HYPERLINK("http://x","y")', "=1+1", "+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_runnable_text_is_defused_and_comes_back_the_same(text):
    cell = to_cell(text)
    assert cell.startswith("'") and cell[1:] == text
    assert from_cell(cell) == text


def test_ordinary_values_pass_as_they_are():
    assert to_cell("李四") == "李四"
    assert to_cell(3) == 3
    assert to_cell(None) is None
    assert from_cell("'ordinary") == "'ordinary"  # an apostrophe a person typed stays


def test_characters_xml_cannot_carry_are_dropped():
    assert to_cell("李\x1b四") == "李四"
    assert to_cell("\x00=1+1") == "'=1+1"


def _cells(data: bytes):
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _assert_safe(data: bytes) -> list[str]:
    texts = []
    for cell in _cells(data):
        assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
        if isinstance(cell.value, str):
            assert not cell.value.startswith(RUNNABLE_START), cell.value
            texts.append(cell.value)
    return texts


def test_the_ledger_exports_hostile_names_as_text(client, login, session):
    home = make_household("worker1", address="=1+1", head_name="@SUM(A1)")
    for name in ['=HYPERLINK("http://x","y")', "+1", "-2+3", "李\x1b四"]:
        make_minor(home, "worker1", name=name)
    session.commit()
    response = client.get("/api/ledger.xlsx", headers=login("admin"))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    texts = _assert_safe(response.data)
    assert '\'=HYPERLINK("http://x","y")' in texts
    assert "'-2+3" in texts and "'=1+1" in texts
    assert "李四" in texts


def test_the_import_template_writes_area_names_as_text(client, login, session):
    area("V1G1W1").name = "=cmd|' /C calc'!A0"
    session.flush()
    response = client.get("/api/ledger/template.xlsx", headers=login("village1"))
    assert response.status_code == 200
    assert "'=cmd|' /C calc'!A0" in _assert_safe(response.data)


def test_the_monthly_report_writes_area_names_as_text(client, login, session):
    area("V1").name = "=1+1"
    session.flush()
    month = local_today().strftime("%Y-%m")
    response = client.get(f"/api/stats/monthly.xlsx?month={month}", headers=login("admin"))
    assert response.status_code == 200
    assert "'=1+1" in _assert_safe(response.data)
