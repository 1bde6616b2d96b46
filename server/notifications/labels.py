"""Chinese / English names in notification titles and webhook messages, from
server/core/codes.py: report kinds and grades in their short written words (隐私部位非正常损伤,
红色), units and referral statuses as the app says them (处理中, where the ledger says 办理中)."""

from __future__ import annotations

from server.core import codes


def _pairs(name: str, written: bool) -> dict[str, tuple[str, str]]:
    zh, en = (codes.labels(name, lang, written=written) for lang in ("zh", "en"))
    return {code: (zh[code], en[code]) for code in zh}


REPORT_KINDS = _pairs("report_kind", written=True)
GRADES = _pairs("grade", written=True)
UNITS = _pairs("unit", written=False)
REFERRAL_STATUSES = _pairs("referral_status", written=False)


def zh(table: dict, key: str | None) -> str:
    return table.get(key, (key or "", key or ""))[0]


def en(table: dict, key: str | None) -> str:
    return table.get(key, (key or "", key or ""))[1]
