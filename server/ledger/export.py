"""The ledger export (台账导出): one sheet of every minor (全部) and one sheet per category.

Rows stream from the database (``yield_per``) into a write-only workbook on a spooled
temporary file, so a whole county is exported in bounded memory. ID numbers appear only
masked: the export never decrypts one.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import orm as so

from server.accounts.models import User
from server.areas.models import Area
from server.core.extensions import db
from server.core.spreadsheet import to_cell
from server.ledger.columns import EXPORT_HEADERS
from server.registry.models import CATEGORIES, Household, Minor
from server.stats import labels
from server.stats.sql import path_depth
from server.stats.target import Target

ALL_SHEET = "全部"
YIELD_PER = 1000
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SPOOL_BYTES = 16 * 1024 * 1024


def village_names(target: Target) -> dict[str, str]:
    """Path -> name of the villages a row may lie in (those under the target and above it)."""
    above = {village_of(path) for path in target.paths if path_depth(path) >= 2}
    stmt = sa.select(Area.path, Area.name).where(
        Area.level == "village", sa.or_(target.filter(Area.path), Area.path.in_(above))
    )
    return dict(db.session.execute(stmt).all())


def village_of(path: str) -> str:
    codes = [code for code in path.split("/") if code]
    return "/" + "/".join(codes[:2]) + "/"


def ledger_rows(target: Target) -> Iterator[tuple[list, list[str]]]:
    """(cells, categories) of every active minor under the target, in path and address order."""
    grid = so.aliased(Area)
    worker = so.aliased(User)
    stmt = (
        sa.select(
            Minor.area_path,
            grid.name,
            Minor.name,
            Minor.gender,
            Minor.birth_date,
            Minor.id_number_masked,
            Minor.hukou,
            Household.address,
            Household.head_name,
            Household.phone,
            Minor.father_status,
            Minor.mother_status,
            Minor.caregiver,
            Minor.caregiver_capable,
            Minor.school_status,
            Minor.health,
            Minor.categories,
            Minor.grade,
            Minor.grade_suggested,
            worker.display_name,
            Minor.last_visit_at,
            Minor.next_visit_due,
        )
        .join(Household, Household.id == Minor.household_id)
        .join(grid, grid.id == Household.grid_id)
        .outerjoin(worker, worker.id == Minor.assigned_worker_id)
        .where(target.filter(Minor.area_path), Minor.deleted_at.is_(None), Minor.archived_at.is_(None))
        .order_by(Minor.area_path, Household.address, Minor.name, Minor.id)
        .execution_options(yield_per=YIELD_PER)
    )
    villages = village_names(target)
    for row in db.session.execute(stmt):
        (
            path,
            grid_name,
            name,
            gender,
            birth,
            masked,
            hukou,
            address,
            head,
            phone,
            father,
            mother,
            caregiver,
            capable,
            school,
            health,
            categories,
            grade,
            suggested,
            worker_name,
            last_visit,
            next_due,
        ) = row
        if grade:
            grade_text = labels.label(labels.GRADE, grade)
        elif suggested:
            grade_text = labels.label(labels.GRADE, suggested) + "(待确认)"
        else:
            grade_text = labels.GRADE["ungraded"]
        cells = [
            villages.get(village_of(path), ""),
            grid_name,
            name,
            labels.label(labels.GENDER, gender),
            birth,
            masked or "",
            labels.label(labels.HUKOU, hukou),
            address,
            head,
            phone or "",
            labels.guardianship(father, mother, caregiver, capable),
            labels.label(labels.SCHOOL_STATUS, school),
            labels.label(labels.HEALTH, health),
            labels.labels(labels.CATEGORY, categories),
            grade_text,
            worker_name or "",
            last_visit,
            next_due,
        ]
        yield cells, list(categories or [])


def _sheet(book: Workbook, title: str):
    sheet = book.create_sheet(title)
    for index, (_header, width) in enumerate(EXPORT_HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    header = []
    for text, _width in EXPORT_HEADERS:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        header.append(cell)
    sheet.append(header)
    return sheet


def _dated(sheet, values: list) -> list:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=to_cell(value))
        if hasattr(value, "isoformat"):
            cell.number_format = "yyyy-mm-dd"
        cells.append(cell)
    return cells


def export_ledger(target: Target) -> tuple[tempfile.SpooledTemporaryFile, int]:
    """The workbook in a temporary file (rewound), and the number of minors in it."""
    book = Workbook(write_only=True)
    sheets = {ALL_SHEET: _sheet(book, ALL_SHEET)}
    for category in CATEGORIES:
        sheets[category] = _sheet(book, labels.CATEGORY[category])
    numbers = dict.fromkeys(sheets, 0)
    for cells, categories in ledger_rows(target):
        for key in (ALL_SHEET, *(c for c in categories if c in sheets)):
            numbers[key] += 1
            sheets[key].append(_dated(sheets[key], [numbers[key], *cells]))
    output = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed to send_file
    book.save(output)
    output.seek(0)
    return output, numbers[ALL_SHEET]
