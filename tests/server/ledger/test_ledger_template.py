"""The import template: headers the importer accepts, an example it skips, notes, grid codes."""

from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import load_workbook

from server.ledger.columns import IMPORT_COLUMNS
from server.registry.models import Minor
from tests.server.ledger.ledger_files import upload


def test_template_download(client, login, session):
    response = client.get("/api/ledger/template.xlsx", headers=login("village1"))
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["台账", "填写说明", "网格编码"]
    sheet = book["台账"]
    assert [c.value for c in sheet[1]] == [c.header for c in IMPORT_COLUMNS]
    assert sheet["A1"].font.color.rgb.endswith("C00000")  # required columns stand out
    example = {c.header: cell.value for c, cell in zip(IMPORT_COLUMNS, sheet[2], strict=True)}
    assert example["姓名"].startswith("示例：") and example["网格编码"] == "V1G1W1"
    assert sheet.data_validations.dataValidation  # drop-downs for the coded columns
    notes = [row[0] for row in book["填写说明"].iter_rows(values_only=True) if row[0]]
    assert "性别" in notes and any("示例" in str(line) for line in notes)
    grids = list(book["网格编码"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[3]) for row in grids] == [("V1G1W1", "worker1"), ("V1G1W2", "worker2")]


def test_the_template_as_downloaded_imports_nothing_and_filled_in_imports(client, login, session):
    headers = login("village1")
    data = client.get("/api/ledger/template.xlsx", headers=headers).data
    body = upload(client, headers, io.BytesIO(data)).json
    assert (body["total"], body["accepted"], body["rejected"]) == (0, 0, [])
    book = load_workbook(io.BytesIO(data))
    sheet = book["台账"]
    sheet["E2"] = "张小明"  # the example, made real
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    body = upload(client, headers, buffer).json
    assert body["accepted"] == 1, body
    assert session.scalar(sa.select(Minor.name)) == "张小明"
