"""An uploaded workbook is measured before it is parsed: bombs and entity tricks get a 422."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from server.ledger.bounds import Limits
from server.ledger.errors import LedgerFileError
from server.ledger.reader import Ledger

HEADERS = ["网格编码", "户主姓名", "家庭住址", "姓名", "性别", "出生日期"]


def _book(rows: int = 1, columns: list[str] | None = None) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    sheet.append(columns or HEADERS)
    for n in range(rows):
        sheet.append(["V1G1W1", f"户主{n}", f"红旗村{n}号", f"儿童{n}", "女", "2014-05-20"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def _rewritten(buffer: io.BytesIO, part: str, content: bytes) -> io.BytesIO:
    """The workbook with one part replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != part:
                target.writestr(item, source.read(item))
        target.writestr(part, content)
    out.seek(0)
    return out


def _upload(client, headers, buffer: io.BytesIO):
    return client.post(
        "/api/ledger/import?dry_run=true",
        data={"file": (buffer, "台账.xlsx")},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_a_shared_strings_bomb_is_refused_at_once(client, login, session):
    bomb = (
        b'<?xml version="1.0"?><sst xmlns="x">' + b"<si><t>" + b"A" * (40 * 1024 * 1024) + b"</t></si></sst>"
    )
    buffer = _rewritten(_book(), "xl/sharedStrings.xml", bomb)
    assert len(buffer.getvalue()) < 1024 * 1024  # a small upload
    started = time.monotonic()
    response = _upload(client, login("admin"), buffer)
    assert response.status_code == 422, response.json
    assert "过大" in response.json["message"]
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "prolog",
    [
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        b"<!-- hidden -->\n<!doctype x>",
    ],
)
def test_entity_declarations_are_refused(client, login, session, prolog):
    sheet = (
        b'<?xml version="1.0"?>'
        + prolog
        + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
    )
    response = _upload(client, login("admin"), _rewritten(_book(), "xl/worksheets/sheet1.xml", sheet))
    assert response.status_code == 422, response.json
    assert "DTD" in response.json["message"]


def test_a_prolog_padded_past_where_we_look_is_refused(client, login, session):
    padding = b"<!--" + b" " * (70 * 1024) + b"-->"
    sheet = b'<?xml version="1.0"?>' + padding + b"<!DOCTYPE x><worksheet/>"
    response = _upload(client, login("admin"), _rewritten(_book(), "xl/worksheets/sheet1.xml", sheet))
    assert response.status_code == 422


def test_not_a_zip_is_a_clear_422(client, login, session):
    response = _upload(client, login("admin"), io.BytesIO(b"name,address\n=1+1,x\n"))
    assert response.status_code == 422 and ".xlsx" in response.json["message"]


def test_rows_and_columns_are_capped_while_reading():
    with pytest.raises(LedgerFileError, match="行数过多"):
        ledger = Ledger(_book(rows=8), Limits(rows=5))
        list(ledger.rows())
    with pytest.raises(LedgerFileError, match="列数过多"):
        Ledger(_book(columns=HEADERS + [f"列{n}" for n in range(10)]), Limits(columns=12))


def test_an_ordinary_workbook_passes_the_checks():
    ledger = Ledger(_book(rows=3))
    assert ledger.row_count() == 3
    ledger.close()
