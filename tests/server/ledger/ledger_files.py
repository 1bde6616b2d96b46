"""Building ledger workbooks for the import tests."""

from __future__ import annotations

import io
from datetime import date, timedelta

from openpyxl import Workbook

from server.registry.idnumber import check_char

HEADERS = [
    "网格编码",
    "户主姓名",
    "家庭住址",
    "联系电话",
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "户籍类型",
    "父亲情况",
    "母亲情况",
    "实际照料人",
    "就学状况",
]


def workbook(rows: list[list], headers: list[str] | None = None, *, title: str = "台账") -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headers or HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def id_number(birth: date, sequence: int) -> str:
    first17 = f"520102{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)


def good_row(grid: str = "V1G1W1", n: int = 1, *, with_id: bool = True, address: str | None = None) -> list:
    birth = date(2012, 1, 1) + timedelta(days=n % 2000)  # with n // 2000, unique up to 2,000,000 rows
    return [
        grid,
        f"户主{n}",
        address or f"红旗村一组{n}号",
        "13800000000",
        f"儿童{n}",
        "女" if n % 2 else "男",
        birth,
        id_number(birth, n // 2000) if with_id else None,
        "农村",
        "外出务工",
        "外出务工",
        "祖辈",
        "在校",
    ]


def upload(client, headers: dict, buffer: io.BytesIO, query: str = "", name: str = "台账.xlsx"):
    return client.post(
        f"/api/ledger/import{query}",
        data={"file": (buffer, name)},
        headers=headers,
        content_type="multipart/form-data",
    )
