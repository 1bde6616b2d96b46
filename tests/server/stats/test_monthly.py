"""The monthly report: JSON, the printable page and the workbook say the same."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from server.core.localtime import local_today


def _month() -> str:
    return local_today().strftime("%Y-%m")


def test_monthly_json(client, login, street, world):
    body = client.get(f"/api/stats/monthly?month={_month()}", headers=login("admin")).json
    today = local_today()
    assert body["month"] == _month()
    assert body["title"] == f"城关街道{today.year}年{today.month}月未成年人保护工作统计"
    assert body["period"]["from"] == today.replace(day=1).isoformat()
    overview = body["overview"]
    assert overview["minors_total"] == 5
    assert overview["visits"]["overdue"] == 3
    assert [row["area"]["code"] for row in body["areas"]] == ["V1", "V2"]
    assert {"first_response", "urgent_reports"} <= set(body["reports"])
    assert set(body["referrals"]["by_unit"]) >= {"police", "school"}
    village = client.get(
        f"/api/stats/monthly?month={_month()}&area_id={world['areas']['V1']}", headers=login("village1")
    ).json
    assert village["area_name"] == "红旗村" and village["overview"]["minors_total"] == 4


def test_monthly_of_a_past_month_counts_only_that_month(client, login, street):
    body = client.get("/api/stats/monthly?month=2020-01", headers=login("admin")).json
    assert body["period"] == {"from": "2020-01-01", "to": "2020-01-31", "today": local_today().isoformat()}
    assert body["overview"]["visits"]["done"] == 0 and body["reports"]["total"] == 0
    assert body["overview"]["minors_total"] == 5  # the register as it stands


def test_monthly_bad_month(client, login, street):
    for month in ("2026-13", "2026-1", "november"):
        assert client.get(f"/api/stats/monthly?month={month}", headers=login("admin")).status_code == 422


def test_monthly_page_is_printable_chinese(client, login, street):
    response = client.get(f"/api/stats/monthly.html?month={_month()}", headers=login("admin"))
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "@page { size: A4" in page
    for heading in (
        "未成年人分级情况",
        "重点群体分类情况",
        "走访情况",
        "报告与响应",
        "转介办理",
        "分区域情况",
    ):
        assert heading in page
    assert "红旗村" in page and "龙泉村" in page
    assert "<script" not in page


def test_monthly_page_escapes_names(client, login, street, session):
    from tests.factories import area

    area("V2").name = "<b>龙泉村</b>"
    session.commit()
    page = client.get("/api/stats/monthly.html", headers=login("admin")).get_data(as_text=True)
    assert "<b>龙泉村</b>" not in page and "&lt;b&gt;龙泉村&lt;/b&gt;" in page


def test_monthly_workbook(client, login, street):
    response = client.get(f"/api/stats/monthly.xlsx?month={_month()}", headers=login("admin"))
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["月报"]
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert "未成年人保护工作统计" in values[0][0]
    flat = {cell for row in values for cell in row if cell is not None}
    assert {"一、未成年人分级情况", "红色", "农村留守儿童", "六、分区域情况", "红旗村"} <= flat
    grade_rows = {row[0]: row[1] for row in values if row[0] in ("红色", "橙色", "蓝色", "未定级")}
    assert grade_rows == {"红色": 1, "橙色": 2, "蓝色": 1, "未定级": 1}
