"""Chinese labels of the codes, for ledgers and printed reports: the written words of
server/core/codes.py (服刑在押 where the app says 服刑)."""

from __future__ import annotations

from server.core import codes


def _written(name: str) -> dict[str, str]:
    return codes.labels(name, "zh", written=True)


GRADE = _written("grade")
CATEGORY = _written("categories")
GENDER = _written("gender")
HUKOU = _written("hukou")
LIVES_WITH_PARENTS = _written("lives_with_parents")
SCHOOL_STATUS = _written("school_status")
HEALTH = _written("health")
PARENT_STATUS = _written("parent_status")
CAREGIVER = _written("caregiver")
POVERTY = _written("poverty")
MISBEHAVIOR = _written("misbehavior")
RISK_FLAG = _written("risk_flags")
REPORT_STATUS = _written("report_status")
REFERRAL_STATUS = _written("referral_status")
UNIT = _written("unit")
# 红, not 红色: the one-character word of a table's column per grade.
GRADE_WORD = codes.labels("grade")


def label(table: dict, code, default: str = "") -> str:
    if code is None or code == "":
        return default
    return table.get(code, str(code))


def labels(table: dict, values, separator: str = "、") -> str:
    return separator.join(label(table, code) for code in values or ())


def guardianship(father: str | None, mother: str | None, caregiver: str | None, capable: bool | None) -> str:
    """监护情况 in words: 父亲外出务工，母亲在家；由祖辈照料（无监护能力）."""
    parts = []
    unknown = PARENT_STATUS["unknown"]
    if father or mother:
        parts.append(
            f"父亲{label(PARENT_STATUS, father, unknown)}，母亲{label(PARENT_STATUS, mother, unknown)}"
        )
    if caregiver == "none":
        parts.append(CAREGIVER["none"])
    elif caregiver:
        care = f"由{label(CAREGIVER, caregiver)}照料"
        if capable is False:
            care += "（照料人无监护能力）"
        parts.append(care)
    return "；".join(parts)
