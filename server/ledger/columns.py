"""The columns of the ledger (台账): what the export writes and what an import reads.

An import cell is parsed into the wire value of DESIGN §3 (Chinese labels or the codes
themselves are both accepted); the result is then validated by the REST API's own schemas.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from server.core import codes
from server.stats import labels

SEPARATORS = re.compile(r"[、,，;；/\s]+")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
# A row whose name starts so is the template's example: never imported.
EXAMPLE_MARK = "示例："
TRUE_WORDS = {"是", "有", "能", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"否", "无", "不能", "n", "no", "false", "0", "×"}


class CellError(ValueError):
    """A cell that cannot be read; the message tells the person what to write instead."""


def text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    result = str(value).strip()
    return result or None


def parse_text(value) -> str | None:
    return text(value)


def parse_id_number(value) -> str | None:
    if isinstance(value, float):
        # Excel keeps 15 significant digits: an ID typed as a number has lost its last ones.
        raise CellError("身份证号被Excel存成了数字，后几位已丢失；请把该列设为“文本”后重新填写")
    result = text(value)
    return result.upper() if result else None


def parse_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise CellError("日期格式应为 2014-05-20")


def parse_bool(value) -> bool | None:
    raw = text(value)
    if raw is None:
        return None
    word = raw.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("请填写“是”或“否”")


parse_bool.choices = ["是", "否"]


def parse_int(value) -> int | None:
    raw = text(value)
    if raw is None:
        return None
    digits = {"一": "1", "二": "2", "三": "3", "四": "4"}
    raw = digits.get(raw.rstrip("级"), raw.rstrip("级"))
    try:
        return int(raw)
    except ValueError as exc:
        raise CellError("请填写数字，如 2") from exc


def choice(table: dict, aliases: dict | None = None, strip: tuple[str, ...] = ()) -> Callable:
    """A cell holding one code: its Chinese label, an alias, or the code itself."""
    lookup = {v: k for k, v in table.items()} | {k: k for k in table} | (aliases or {})

    def parse(value) -> str | None:
        raw = text(value)
        if raw is None:
            return None
        for prefix in strip:
            raw = raw.removeprefix(prefix)
        if raw in lookup:
            return lookup[raw]
        raise CellError("可填：" + "、".join(table.values()))

    parse.choices = list(table.values())
    return parse


def many(table: dict) -> Callable:
    """A cell holding several codes, separated by 、 or commas."""
    single = choice(table)

    def parse(value) -> list[str] | None:
        raw = text(value)
        if raw is None:
            return None
        return list(dict.fromkeys(single(part) for part in SEPARATORS.split(raw) if part))

    parse.choices = list(table.values())
    parse.several = True
    return parse


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    target: str  # "household", "minor" or "row" (read by the importer itself)
    parse: Callable = parse_text
    required: bool = False
    example: object = None
    note: str = ""
    width: int = 12
    aliases: tuple[str, ...] = field(default=())


HUKOU_ALIASES = {
    "农业": "rural",
    "农村户籍": "rural",
    "农业户口": "rural",
    "非农业": "urban",
    "城镇户籍": "urban",
}
CAREGIVER_ALIASES = {
    "祖父母": "grandparents",
    "外祖父母": "grandparents",
    "爷爷奶奶": "grandparents",
    "外公外婆": "grandparents",
    "亲属": "other_relative",
    "无": "none",
}
# The app's word for an unknown parent (不清楚) is read as well as the ledger's (情况不明).
PARENT = choice(
    labels.PARENT_STATUS,
    {"不详": "unknown", codes.label("parent_status", "unknown"): "unknown"},
    strip=("父亲", "母亲"),
)

IMPORT_COLUMNS: tuple[Column, ...] = (
    Column(
        "网格编码",
        "grid_code",
        "row",
        required=True,
        example="V1G1W1",
        width=12,
        note="户所在网格的编码，见“网格编码”表",
        aliases=("网格代码",),
    ),
    Column("户主姓名", "head_name", "household", required=True, example="张大山", width=10),
    Column(
        "家庭住址",
        "address",
        "household",
        required=True,
        example="红旗村一组12号",
        width=24,
        note="同一网格内住址相同的记为同一户",
        aliases=("住址", "地址", "户籍地址/家庭住址"),
    ),
    Column("联系电话", "phone", "household", example="13800000000", width=14),
    Column(
        "姓名",
        "name",
        "minor",
        required=True,
        example=f"{EXAMPLE_MARK}张小明",
        width=10,
        note=f"以“{EXAMPLE_MARK}”开头的行是示例，不会导入",
    ),
    Column(
        "性别",
        "gender",
        "minor",
        choice(labels.GENDER),
        required=True,
        example=labels.GENDER["male"],
        width=6,
    ),
    Column(
        "出生日期",
        "birth_date",
        "minor",
        parse_date,
        required=True,
        example="2014-05-20",
        width=12,
        note="如 2014-05-20",
    ),
    Column(
        "身份证号",
        "id_number",
        "minor",
        parse_id_number,
        example="",
        width=20,
        note="18位，末位可为X；请设为文本格式，以免Excel截断",
        aliases=("身份证号码", "公民身份号码"),
    ),
    Column(
        "户籍类型",
        "hukou",
        "minor",
        choice(labels.HUKOU, HUKOU_ALIASES),
        example=labels.HUKOU["rural"],
        width=8,
    ),
    Column(
        "与父母同住",
        "lives_with_parents",
        "minor",
        choice(labels.LIVES_WITH_PARENTS),
        example=labels.LIVES_WITH_PARENTS["neither"],
        width=12,
    ),
    Column(
        "就学状况",
        "school_status",
        "minor",
        choice(labels.SCHOOL_STATUS),
        example=labels.SCHOOL_STATUS["in_school"],
        width=10,
        aliases=("就学状态",),
    ),
    Column("离校时间", "out_of_school_since", "minor", parse_date, width=12, note="辍学、未入学时填写"),
    Column("学校", "school", "minor", example="红旗小学", width=14),
    Column("健康状况", "health", "minor", choice(labels.HEALTH), example=labels.HEALTH["healthy"], width=8),
    Column("残疾等级", "disability_grade", "minor", parse_int, width=8, note="1-4，健康状况为残疾时填写"),
    Column("残疾类别", "disability_kind", "minor", width=10),
    Column(
        "父亲情况", "father_status", "minor", PARENT, example=labels.PARENT_STATUS["migrant_away"], width=12
    ),
    Column(
        "母亲情况", "mother_status", "minor", PARENT, example=labels.PARENT_STATUS["migrant_away"], width=12
    ),
    Column(
        "实际照料人",
        "caregiver",
        "minor",
        choice(labels.CAREGIVER, CAREGIVER_ALIASES),
        example=labels.CAREGIVER["grandparents"],
        width=10,
    ),
    Column("照料人有监护能力", "caregiver_capable", "minor", parse_bool, example="是", width=10),
    Column("经济状况", "poverty", "minor", choice(labels.POVERTY), example=labels.POVERTY["none"], width=12),
    Column("不良行为", "misbehavior", "minor", many(labels.MISBEHAVIOR), width=16, note="多项用顿号分隔"),
    Column("风险情形", "risk_flags", "minor", many(labels.RISK_FLAG), width=16, note="多项用顿号分隔"),
    Column("刑事案件受害人", "crime_victim", "minor", parse_bool, example="否", width=10),
    Column(
        "包保网格员账号",
        "worker",
        "row",
        width=14,
        note="网格员的登录账号；不填时，如该网格只有一名网格员即由其包保",
    ),
)

BY_HEADER = {column.header: column for column in IMPORT_COLUMNS} | {
    alias: column for column in IMPORT_COLUMNS for alias in column.aliases
}
HEADER_OF_FIELD = {column.field: column.header for column in IMPORT_COLUMNS}
REQUIRED_HEADERS = tuple(column.header for column in IMPORT_COLUMNS if column.required)

EXPORT_HEADERS: tuple[tuple[str, int], ...] = (
    ("序号", 6),
    ("村(社区)", 12),
    ("网格", 16),
    ("姓名", 10),
    ("性别", 6),
    ("出生日期", 12),
    ("身份证号(脱敏)", 20),
    ("户籍类型", 8),
    ("家庭住址", 26),
    ("户主", 10),
    ("联系电话", 14),
    ("监护情况", 34),
    ("就学状况", 10),
    ("健康状况", 8),
    ("类别", 28),
    ("等级", 8),
    ("包保网格员", 10),
    ("最近走访", 12),
    ("下次走访", 12),
)
