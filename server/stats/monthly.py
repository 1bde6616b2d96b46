"""The monthly report (月度统计分析报告, plan 四(二)4): one month's figures for a street or a village.

One JSON document; the printable page and the workbook are renderings of it, so the three
never disagree.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from server.core import codes
from server.core.db import utcnow
from server.core.localtime import timezone
from server.core.spreadsheet import to_cells
from server.registry.models import CATEGORIES, GRADES
from server.stats import casework, labels, service
from server.stats.figures import GRADE_KEYS
from server.stats.periods import Period
from server.stats.target import Target


def monthly(target: Target, period: Period, scope_name: str) -> dict:
    month = period.first.strftime("%Y-%m")
    children, totals = service.drill(target, period)
    return {
        "month": month,
        "title": f"{scope_name}{period.first.year}年{period.first.month}月未成年人保护工作统计",
        "area": target.to_wire(),
        "area_name": scope_name,
        "period": period.to_wire(),
        "generated_at": utcnow().astimezone(timezone()).isoformat(timespec="seconds"),
        "overview": service.overview_of(target, period, *totals),
        "areas": children,
        "reports": casework.report_stats(target, period),
        "referrals": casework.referral_stats(target, period),
    }


# A unit's answers to a referral, one column each.
ANSWERS = codes.of("referral_status", without=("sent",))


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def hours_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} 小时"


def sections(report: dict) -> list[tuple[str, list[str], list[list]]]:
    """The report's tables as (title, headers, rows): the page and the workbook share them."""
    overview = report["overview"]
    visits = overview["visits"]
    reports = report["reports"]
    referrals = report["referrals"]
    grade_rows = [[labels.GRADE[g], overview["minors_by_grade"][g]] for g in GRADE_KEYS]
    category_rows = [[labels.CATEGORY[c], overview["minors_by_category"][c]] for c in CATEGORIES]
    visit_rows = [
        ["本月应走访(到期)人数", visits["due"]],
        ["本月完成走访次数", visits["done"]],
        ["截至今日逾期未走访人数", visits["overdue"]],
        ["其中红色", visits["overdue_by_grade"]["red"]],
        ["其中橙色", visits["overdue_by_grade"]["orange"]],
        ["走访完成率", percent(visits["completion_rate"])],
        ["待审核走访", visits["by_review_status"]["submitted"]],
        ["已退回走访", visits["by_review_status"]["returned"]],
    ]
    first = reports["first_response"]
    urgent = reports["urgent_first_response"]
    report_rows = [
        ["本月接报", reports["total"]],
        ["其中紧急", reports["urgent"]],
        ["其中强制报告情形", reports["mandatory"]],
        ["首次响应时间中位数", hours_text(first["median_hours"])],
        ["紧急报告首次响应中位数", hours_text(urgent["median_hours"])],
        [f"{reports['sla_hours']}小时内响应", first["within_sla"]],
        [f"超过{reports['sla_hours']}小时响应", first["over_sla"]],
        ["尚未响应", first["unanswered"]],
        *([f"状态：{labels.REPORT_STATUS[s]}", n] for s, n in reports["by_status"].items()),
    ]
    referral_rows = [
        [
            labels.UNIT.get(unit, unit),
            row["total"],
            *(row[status] for status in ANSWERS),
        ]
        for unit, row in referrals["by_unit"].items()
    ]
    area_rows = [
        [
            row["area"]["name"],
            row["minors_total"],
            *(row["minors_by_grade"][grade] for grade in GRADES),
            row["visits"]["due"],
            row["visits"]["done"],
            row["visits"]["overdue"],
            percent(row["visits"]["completion_rate"]),
            row["reports"]["total"],
        ]
        for row in report["areas"]
    ]
    return [
        ("一、未成年人分级情况", ["等级", "人数"], grade_rows),
        ("二、重点群体分类情况", ["类别", "人数"], category_rows),
        ("三、走访情况", ["项目", "数值"], visit_rows),
        ("四、报告与响应", ["项目", "数值"], report_rows),
        ("五、转介办理", ["成员单位", "转介", *(labels.REFERRAL_STATUS[s] for s in ANSWERS)], referral_rows),
        (
            "六、分区域情况",
            [
                "区域",
                "登记人数",
                *(labels.GRADE_WORD[g] for g in GRADES),
                "应走访",
                "已走访",
                "逾期",
                "完成率",
                "接报",
            ],
            area_rows,
        ),
    ]


def workbook(report: dict) -> io.BytesIO:
    """The report as a workbook: one sheet, the sections one under another as on paper."""
    book = Workbook()
    sheet = book.active
    sheet.title = "月报"
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    sheet.append(to_cells([report["title"]]))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            f"统计期间：{report['period']['from']} 至 {report['period']['to']}　生成时间：{report['generated_at']}"
        ]
    )
    widths: dict[int, int] = {}
    for title, headers, rows in sections(report):
        sheet.append([])
        sheet.append(to_cells([title]))
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.append(to_cells(headers))
        for column in range(1, len(headers) + 1):
            cell = sheet.cell(sheet.max_row, column)
            cell.font, cell.fill = bold, header_fill
        for row in rows:
            sheet.append(to_cells(row))
        for index, text in enumerate(headers, start=1):
            longest = max([len(str(text)), *(len(str(r[index - 1])) for r in rows)])
            widths[index] = max(widths.get(index, 8), min(longest * 2 + 2, 40))
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(vertical="center")
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer
