"""Statistics (统计分析, plan 四(二)4): figures for a scope, computed in SQL.

Definitions (also in docs/statistics.md):

- **Period**: ``from`` .. ``to``, local calendar days (HUMIAO_TIMEZONE, Asia/Shanghai),
  both inclusive; by default the current calendar month. ``today`` is the local date.
- **Active minor**: not deleted and not archived (archived = aged out).
- **Grade**: the confirmed grade, else the rules' suggestion; neither -> ``ungraded``.
- **Category counts**: active minors having the category (a minor may count in several).
- **Registered**: minors created in the period, archived ones included, deleted ones not.
- **Visits due**: active minors whose ``next_visit_due`` falls in the period.
- **Visits done**: visits (not deleted) whose ``visited_at`` falls in the period, whoever
  logged them and whatever their review status (the split is given too).
- **Overdue**: active minors whose ``next_visit_due`` is before today: a snapshot at the time
  of asking, whatever the period (the register keeps no history of due dates).
- **Completion rate**: done / (done + overdue); null when both are zero.
- **Reports**: filed (``reported_at``) in the period; ``open`` counts those still new,
  acknowledged or referred, whenever filed. First response: see ``casework``.
- **Scope**: every query is filtered by the area path prefixes of the caller's scope or of
  the one area asked for; an area outside the scope answers 404, as if it did not exist.
"""
