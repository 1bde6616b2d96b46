"""The import template (台账导入模板): headers, an example row, notes, and the caller's grids."""

from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from server.accounts.models import User, user_area
from server.areas.models import Area
from server.core.extensions import db
from server.core.roles import Role
from server.core.scope import Scope
from server.core.spreadsheet import to_cells
from server.ledger.columns import EXAMPLE_MARK, IMPORT_COLUMNS
from server.registry.idnumber import check_char

REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_FONT = Font(color="808080", italic=True)
TEXT_COLUMNS = ("网格编码", "联系电话", "身份证号", "包保网格员账号")
VALIDATION_ROWS = 20001
EXAMPLE_ID = "52010220140520001"


def choices(column) -> list[str]:
    """The words a coded column accepts (its parser knows them)."""
    return list(getattr(column.parse, "choices", []))


def grids_of(scope: Scope) -> list[tuple[Area, list[str]]]:
    """The grids of the scope, each with the login names of its grid workers."""
    grids = db.session.scalars(
        sa.select(Area).where(Area.level == "grid", scope.filter(Area.path)).order_by(Area.path)
    )
    workers: dict[int, list[str]] = {}
    rows = db.session.execute(
        sa.select(user_area.c.area_id, User.username)
        .join(User, User.id == user_area.c.user_id)
        .where(User.role == Role.grid_worker, User.active.is_(True))
        .order_by(User.username)
    )
    for area_id, username in rows:
        workers.setdefault(area_id, []).append(username)
    return [(grid, workers.get(grid.id, [])) for grid in grids]


def template(scope: Scope) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    grids = grids_of(scope)
    for index, column in enumerate(IMPORT_COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(1, index, column.header)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if column.note or column.required:
            cell.comment = Comment(("必填。" if column.required else "") + column.note, "护苗")
        sheet.column_dimensions[letter].width = column.width
        example = column.example
        if column.field == "grid_code" and grids:
            example = grids[0][0].code
        if column.field == "id_number":
            example = EXAMPLE_ID + check_char(EXAMPLE_ID)
        example_cell = sheet.cell(2, index, example)
        example_cell.font = EXAMPLE_FONT
        if column.header in TEXT_COLUMNS:
            example_cell.number_format = "@"
            sheet.column_dimensions[letter].number_format = "@"
        values = choices(column)
        several = getattr(column.parse, "several", False)
        if values and not several and len(",".join(values)) < 250:
            check = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
            check.error, check.errorTitle = "请从下拉列表中选择", "取值无效"
            check.add(f"{letter}2:{letter}{VALIDATION_ROWS}")
            sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"
    _notes(book.create_sheet("填写说明"))
    _grids(book.create_sheet("网格编码"), grids)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def _notes(sheet) -> None:
    sheet.append(["护苗 未成年人台账导入说明"])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in (
        "1. 在“台账”表中每行填写一名未成年人；第2行为示例，导入前请删除或改写。",
        f"   以“{EXAMPLE_MARK}”开头的姓名所在行是示例，不会导入。",
        "2. 红色表头为必填列；列名请勿修改，列的顺序可以调整，不需要的选填列可以删除。",
        "3. 同一网格内家庭住址相同的未成年人记为同一户；该户已登记的，不会重复建户。",
        "4. 已登记的身份证号，或同一住址同名同生日的儿童，记为重复，不会重复导入。",
        "5. 有错误的行不会导入，系统会列出行号和错误；改正后可再次导入整个文件，已导入的行会被识别为重复。",
        "6. 身份证号、联系电话请使用文本格式，以免Excel把长数字截断。",
    ):
        sheet.append([line])
    sheet.append([])
    sheet.append(["列名", "是否必填", "说明", "可填写的值"])
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = Font(bold=True), OPTIONAL_FILL
    for column in IMPORT_COLUMNS:
        values = "、".join(choices(column))
        sheet.append([column.header, "必填" if column.required else "选填", column.note, values])
    for letter, width in zip("ABCD", (16, 10, 48, 80), strict=True):
        sheet.column_dimensions[letter].width = width


def _grids(sheet, grids: list[tuple[Area, list[str]]]) -> None:
    sheet.append(["网格编码", "网格名称", "所在路径", "网格员账号"])
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), OPTIONAL_FILL
    for grid, workers in grids:
        sheet.append(to_cells([grid.code, grid.name, grid.path, "、".join(workers)]))
    for letter, width in zip("ABCD", (14, 24, 30, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
