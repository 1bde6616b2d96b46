"""Assistance measures (帮扶措施) for the demo's red and orange children, as a street would have them."""

from __future__ import annotations

import random
from datetime import date, timedelta

from server.measures.service import create_measure

PLANS = {
    "red": [
        ("psych_intervention", "心理咨询师每周上门疏导一次", "health"),
        ("legal_aid", "协助申请法律援助，跟进监护问题", "justice"),
        ("living_aid", "申请临时救助金并落实生活照料", "civil_affairs"),
    ],
    "orange": [
        ("living_aid", "纳入事实无人抚养儿童基本生活保障", "civil_affairs"),
        ("guardian_education", "对祖辈监护人开展家庭教育指导", "womens_federation"),
        ("psych_intervention", "学校心理老师每月谈心一次", "school"),
    ],
}


def add_measures(rng: random.Random, registered, scope_of, today: date) -> int:
    """Most red and orange children get a measure; a couple of red ones are left for the 24 h flag."""
    made, left_unplanned = 0, 0
    for r in registered:
        grade = r.minor.grade or r.minor.grade_suggested
        if grade not in PLANS:
            continue
        if grade == "red" and left_unplanned < 2:
            left_unplanned += 1
            continue
        kind, description, unit = rng.choice(PLANS[grade])
        create_measure(
            scope_of(r.officer),
            r.minor,
            {
                "kind": kind,
                "description": description,
                "responsible_user_id": r.worker.id,
                "responsible_unit": unit,
                "due_date": today + timedelta(days=rng.randint(3, 30)),
            },
        )
        made += 1
    return made
