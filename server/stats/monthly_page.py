"""The printable monthly report: one self-contained A4 page, Chinese, no scripts, no network."""

from __future__ import annotations

from flask import render_template_string

from server.stats.monthly import sections

# Kept beside the code rather than in a templates folder: the package ships no data files
# but rules.json, and the page is small.
PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ report.title }}</title>
<style>
  @page { size: A4; margin: 18mm 16mm 20mm; }
  body { font-family: -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
         font-size: 11pt; color: #111; margin: 0 auto; max-width: 180mm; line-height: 1.5; }
  h1 { font-size: 18pt; text-align: center; margin: 0 0 4mm; letter-spacing: 0.05em; }
  .meta { text-align: center; color: #444; margin-bottom: 6mm; font-size: 10pt; }
  h2 { font-size: 12.5pt; margin: 6mm 0 2mm; border-left: 4px solid #1A73E8; padding-left: 2mm; }
  table { width: 100%; border-collapse: collapse; margin-bottom: 2mm; page-break-inside: avoid; }
  th, td { border: 1px solid #888; padding: 1.2mm 2mm; text-align: left; }
  th { background: #eef3fb; font-weight: 600; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; }
  .summary { display: flex; gap: 3mm; margin: 4mm 0; }
  .summary div { flex: 1; border: 1px solid #bbb; padding: 2mm; text-align: center; }
  .summary b { display: block; font-size: 15pt; }
  .grade-red { color: #D93026; } .grade-orange { color: #F07C00; }
  .sign { margin-top: 12mm; display: flex; justify-content: space-between; font-size: 10.5pt; }
  .note { color: #555; font-size: 9pt; margin-top: 6mm; }
  @media print { body { max-width: none; } h2 { page-break-after: avoid; } }
</style>
</head>
<body>
<h1>{{ report.title }}</h1>
<p class="meta">统计期间：{{ report.period['from'] }} 至 {{ report.period['to'] }}　生成时间：{{ report.generated_at.replace('T', ' ')[:16] }}</p>
<div class="summary">
  <div>登记未成年人<b>{{ o.minors_total }}</b></div>
  <div>红色 / 橙色<b><span class="grade-red">{{ o.minors_by_grade.red }}</span> /
    <span class="grade-orange">{{ o.minors_by_grade.orange }}</span></b></div>
  <div>本月走访<b>{{ o.visits.done }}</b></div>
  <div>逾期未走访<b>{{ o.visits.overdue }}</b></div>
  <div>本月接报<b>{{ report.reports.total }}</b></div>
</div>
{% for title, headers, rows in tables %}
<h2>{{ title }}</h2>
{% if rows %}
<table>
  <thead><tr>{% for h in headers %}<th>{{ h }}</th>{% endfor %}</tr></thead>
  <tbody>
  {% for row in rows %}<tr>{% for cell in row %}<td{% if not loop.first %} class="n"{% endif %}>{{ cell }}</td>{% endfor %}</tr>
  {% endfor %}
  </tbody>
</table>
{% else %}<p>本月无数据。</p>{% endif %}
{% endfor %}
<p class="note">口径说明：等级以确认等级为准，未确认的按系统建议等级统计；“应走访”为下次走访日期在本月的人数，
“已走访”为本月记录的走访次数，“逾期”为截至生成日下次走访日期已过的在册人数，完成率 = 已走访 ÷ (已走访 + 逾期)。
首次响应时间为报告提交至首次受理(或转介、处置)的时长。</p>
<div class="sign"><span>填报单位（盖章）：</span><span>审核人：</span><span>填报人：</span></div>
</body>
</html>
"""


def render(report: dict) -> str:
    return render_template_string(PAGE, report=report, o=report["overview"], tables=sections(report))
