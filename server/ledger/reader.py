"""Reading an uploaded ledger workbook: streaming (openpyxl read-only), headers checked first."""

from __future__ import annotations

from collections.abc import Iterator
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from server.core.spreadsheet import from_cell
from server.ledger import bounds
from server.ledger.columns import BY_HEADER, EXAMPLE_MARK, REQUIRED_HEADERS, Column
from server.ledger.errors import LedgerFileError

# Sheets of our own template that carry no records.
NOTE_SHEETS = ("填写说明", "网格编码")


class Ledger:
    """An open workbook: its record sheet, the column of each header, and its rows."""

    def __init__(self, source, limits: bounds.Limits | None = None) -> None:
        self.limits = limits or bounds.Limits()
        bounds.check(source, self.limits)
        try:
            self.book = load_workbook(source, read_only=True, data_only=True)
        except (BadZipFile, InvalidFileException, KeyError, OSError) as exc:
            raise LedgerFileError("无法读取该文件，请上传 .xlsx 格式的台账 / Not an .xlsx workbook.") from exc
        sheets = [s for s in self.book.worksheets if s.title not in NOTE_SHEETS]
        if not sheets:
            raise LedgerFileError("工作簿中没有数据表 / The workbook has no data sheet.")
        self.sheet = sheets[0]
        self.columns = self._columns()

    def close(self) -> None:
        self.book.close()

    def _columns(self) -> list[Column | None]:
        header = next(self.sheet.iter_rows(min_row=1, max_row=1, values_only=True), None) or ()
        names = [str(cell).strip() if cell is not None else "" for cell in header]
        while names and not names[-1]:
            names.pop()
        if len(names) > self.limits.columns:
            raise LedgerFileError(
                f"列数过多（最多 {self.limits.columns} 列）/ Too many columns: at most {self.limits.columns}."
            )
        columns = [BY_HEADER.get(name) for name in names]
        found = {c.header for c in columns if c}
        missing = [h for h in REQUIRED_HEADERS if h not in found]
        unknown = [name for name, column in zip(names, columns, strict=True) if column is None and name]
        repeated = sorted({c.header for c in columns if c and sum(1 for d in columns if d is c) > 1})
        if missing or unknown or repeated or any(not name for name in names):
            errors = {}
            if missing:
                errors["missing"] = missing
            if unknown:
                errors["unknown"] = unknown
            if repeated:
                errors["repeated"] = repeated
            if any(not name for name in names):
                errors["blank"] = [f"第{i}列表头为空" for i, name in enumerate(names, start=1) if not name]
            parts = []
            if missing:
                parts.append("缺少列：" + "、".join(missing))
            if unknown:
                parts.append("无法识别的列：" + "、".join(unknown))
            if repeated:
                parts.append("重复的列：" + "、".join(repeated))
            if errors.get("blank"):
                parts.append("有空白表头")
            message = "；".join(parts) + "。请使用台账模板的表头 / Use the template's column headers."
            raise LedgerFileError(message, {"columns": errors})
        return columns

    def row_count(self) -> int:
        """Data rows, from the sheet's dimension when it has one (Excel and openpyxl write it)."""
        if self.sheet.max_row and self.sheet.max_row > 1:
            counted = self.sheet.max_row - 1
        else:
            counted = sum(1 for _ in self.rows())
        self._within_rows(counted + 1)
        return counted

    def _within_rows(self, number: int) -> None:
        if number > self.limits.rows + 1:
            raise LedgerFileError(
                f"行数过多（最多 {self.limits.rows} 行），请拆分后分批导入 / Too many rows: at most {self.limits.rows}."
            )

    def rows(self) -> Iterator[tuple[int, dict[str, object]]]:
        """(Excel row number, {field: raw cell value}); blank rows and the example are skipped."""
        width = len(self.columns)
        for number, cells in enumerate(self.sheet.iter_rows(min_row=2, values_only=True), start=2):
            self._within_rows(number)  # the sheet's own dimension may lie
            values = {}
            for column, value in zip(self.columns, cells[:width], strict=False):
                if isinstance(value, str):
                    value = from_cell(value.strip())
                if value not in (None, ""):
                    values[column.field] = value
            if values and not str(values.get("name", "")).startswith(EXAMPLE_MARK):
                yield number, values
