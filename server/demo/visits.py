"""A year of home visits (走访) for the demo street: when, by whom, what was found, how reviewed.

Nothing here touches the database. Visits go to each minor in proportion to the grade's
schedule; the gap since the last visit is drawn so that some minors are overdue, some fall
due within days and most are on schedule, whatever the seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from server.core import codes
from server.demo.street import local_datetime
from server.registry.rules import DEFAULT_SETTINGS

TOTAL_RANGE = (1960, 2040)
# Visits per minor relative to one another, by the grade the schedule follows (None: no grade).
WEIGHTS = {"red": 30.0, "orange": 20.0, "yellow": 9.0, "blue": 2.6, None: 0.8}
# Closest two visits of one minor may be, in days, and the interval used without a grade.
MIN_SPACING = {"red": 1, "orange": 2, "yellow": 7, "blue": 20, None: 30}
UNGRADED_INTERVAL = 60
# Of the graded minors: shares overdue and due within the next days (the rest are on schedule).
OVERDUE_SHARE, DUE_SOON_SHARE = 0.15, 0.2
RETURNED_RANGE = (4, 8)

KINDS = {"home": 72, "phone": 12, "school": 12, "other": 4}
OPENINGS = {
    "home": ("入户走访", "到家中走访"),
    "phone": ("电话回访监护人", "与孩子视频通话"),
    "school": ("到校走访，与班主任交流",),
    "other": ("在村委会见到孩子", "在村卫生室碰到孩子和家人"),
}
CHILD_OK = {
    "preschool": ("孩子身体健康，饮食起居正常", "孩子吃饭睡觉都正常", "孩子活泼好动，发育正常"),
    "in_school": ("孩子在校表现良好", "孩子学习认真，成绩稳步提高", "孩子按时上学，作业能按时完成"),
    "out": ("孩子在家帮忙做农活", "孩子在县城学手艺，每周回家"),
}
CAREGIVER_OK = {
    "grandparents": ("爷爷身体欠佳", "奶奶照料用心", "爷爷奶奶身体尚可"),
    "parents": ("父母照料到位", "家庭氛围和睦"),
    "father": ("父亲在家务农，照料尚可",),
    "mother": ("母亲在家务农，照料尚可", "母亲独自照顾孩子，较为辛苦"),
    "other_relative": ("叔叔婶婶照料用心",),
    "none": ("孩子独自在家",),
}
CLOSINGS = {
    "grandparents": ("已提醒爷爷按时复诊。", "叮嘱老人有事及时联系网格员。"),
    "in_school": ("下次走访重点关注学习情况。",),
    "any": ("已提醒注意防溺水安全。", "已告知监护人网格员联系电话。", ""),
}
AREA_LABELS = codes.labels("finding_area")
MEASURE_PHRASES = {
    "psych_intervention": "已联系心理咨询师跟进",
    "living_aid": "已协助申请临时救助",
    "medical": "已提醒按时复诊",
    "referral": "已上报街道并转介相关部门",
    "guardian_education": "已对监护人进行家庭教育指导",
    "legal_aid": "已联系司法所提供法律援助",
    "school_transfer": "已协调学校做好劝返工作",
}
AREA_MEASURES = {
    "living": ("living_aid",),
    "health": ("medical",),
    "study": ("school_transfer", "guardian_education"),
    "safety": ("referral", "guardian_education"),
    "mental": ("psych_intervention",),
}
OK_NOTES = {
    "living": "饮食起居正常",
    "health": "身体健康",
    "study": "按时上学",
    "safety": "无安全隐患",
    "mental": "情绪稳定",
}
# Concern notes by area: (the profile tags they fit, note); an empty tuple fits anyone.
CONCERNS = {
    "living": (
        ((), "冬季取暖设施不足，被褥单薄"),
        (("poor", "de_facto", "orphan", "prisoner_no_care"), "家庭收入主要靠低保，生活较拮据"),
        (("left_behind", "alone", "neglect"), "老人腿脚不便，孩子常自己做饭"),
        (("alone", "neglect"), "家中卫生条件差，冰箱里没有食物"),
    ),
    "health": (
        ((), "近期感冒发烧，已就医"),
        (("disability",), "需定期到县医院康复训练"),
        (("chronic_illness",), "哮喘反复发作，药品需补充"),
        (("serious_illness",), "仍在县医院治疗，医药费负担较重"),
        (("neglect", "poor"), "营养状况一般，体重偏轻"),
    ),
    "study": (
        ((), "成绩下滑明显，经常不完成作业"),
        (("idle",), "已辍学在家，劝返工作正在进行"),
        (("ordinary_misbehavior", "serious_misbehavior", "runaway"), "有旷课情况，已与班主任沟通"),
        (("ordinary_misbehavior",), "沉迷手机游戏，学习兴趣下降"),
    ),
    "safety": (
        ((), "家附近有水塘，未设防护栏"),
        (("abuse_suspected",), "身上有新旧淤青，孩子回避回答"),
        (("runaway", "serious_misbehavior"), "夜不归宿，与社会闲散人员来往"),
        (("self_harm",), "手臂有划痕，已联系心理老师"),
        (("alone",), "晚上独自在家，门锁损坏"),
    ),
    "mental": (
        ((), "情绪低落，不愿与人交流"),
        (("left_behind", "left_behind_ill_parent", "one_migrant"), "想念在外务工的父母，性格较内向"),
        (("bullying",), "称在校被同学欺负，不愿上学"),
        (("orphan", "de_facto"), "提到父母时沉默，需持续关注"),
        (("self_harm",), "有厌世言语，情绪波动大"),
    ),
}
# Tags that make a concern in that area likely on any one visit.
CONCERN_LIKELY = {
    "living": {"poor", "de_facto", "orphan", "prisoner_no_care", "alone", "neglect"},
    "health": {"disability", "serious_illness", "chronic_illness"},
    "study": {"idle", "ordinary_misbehavior", "serious_misbehavior", "runaway"},
    "safety": {"abuse_suspected", "runaway", "self_harm", "alone", "serious_misbehavior"},
    "mental": {"left_behind", "alone", "self_harm", "bullying", "orphan", "de_facto", "abuse_suspected"},
}
RETURN_COMMENTS = (
    "走访记录过于简略，请补充孩子近期学习和生活情况。",
    "未写明监护人身体状况，请补充。",
    "发现的问题未写明处理措施，请补充。",
    "请补充与外出务工父母的联系情况。",
)


@dataclass
class Subject:
    """A minor as the visit plan sees it."""

    minor_id: str
    grade: str | None  # the confirmed grade: it sets the schedule
    registered: date
    tags: set[str]  # family situation and child traits
    school_status: str
    caregiver: str


@dataclass
class VisitPlan:
    minor_id: str
    day: date
    fields: dict  # VisitCreate wire fields
    by_officer: bool
    review: str = "approved"
    comment: str | None = None
    tags: set[str] = field(default_factory=set)


def plan_visits(rng: random.Random, subjects: list[Subject], today: date) -> list[VisitPlan]:
    """About 2,000 visits in the twelve months before ``today``, oldest first."""
    graded = rng.sample([s for s in subjects if s.grade], sum(1 for s in subjects if s.grade))
    overdue, soon = round(len(graded) * OVERDUE_SHARE), round(len(graded) * DUE_SOON_SHARE)
    status = {s.minor_id: "overdue" for s in graded[:overdue]}
    status.update({s.minor_id: "due_soon" for s in graded[overdue : overdue + soon]})
    windows = {s.minor_id: _window(rng, s, status.get(s.minor_id), today) for s in subjects}
    counts = _allocate(rng, subjects, windows, rng.randint(*TOTAL_RANGE))
    plans = []
    for subject in subjects:
        first, last = windows[subject.minor_id]
        for day in _days(rng, subject, first, last, counts[subject.minor_id]):
            plans.append(_visit(rng, subject, day))
    plans.sort(key=lambda p: (p.day, p.minor_id))
    _reviews(rng, plans, today)
    return plans


def interval(grade: str | None) -> int:
    """Days between visits: the rules' defaults, which the demo street keeps."""
    return DEFAULT_SETTINGS["visit_interval_days"][grade] if grade else UNGRADED_INTERVAL


def _window(rng: random.Random, subject: Subject, status: str | None, today: date) -> tuple[date, date]:
    """First and last visit day; the last one sets when the next visit falls due (last + interval)."""
    step = interval(subject.grade)
    soon = 7 if step >= 30 else 2 if step >= 7 else 1
    if not subject.grade:
        gap = rng.randint(1, step)
    elif status == "overdue":
        gap = rng.randint(step + 1, step + max(3, step // 2))
    elif status == "due_soon":
        gap = rng.randint(step - soon, step)
    else:
        gap = rng.randint(1, max(1, step - soon - 1))
    return subject.registered + timedelta(days=1), today - timedelta(days=gap)


def _allocate(rng: random.Random, subjects: list[Subject], windows: dict, total: int) -> dict[str, int]:
    """Visits per minor in proportion to its grade's weight, none more than its window holds."""
    room = {}
    for s in subjects:
        first, last = windows[s.minor_id]
        room[s.minor_id] = max(0, (last - first).days // MIN_SPACING[s.grade] + 1) if last >= first else 0
    weight = {s.minor_id: WEIGHTS[s.grade] * rng.uniform(0.7, 1.3) for s in subjects}
    counts = dict.fromkeys(room, 0)
    while True:
        open_ = [k for k in counts if counts[k] < room[k]]
        left = total - sum(counts.values())
        if left <= 0 or not open_:
            return counts
        scale = left / sum(weight[k] for k in open_)
        for k in open_:
            counts[k] = min(room[k], counts[k] + int(weight[k] * scale))
        if total - sum(counts.values()) == left:  # nothing moved: hand out the rest one by one
            for k in rng.sample(open_, min(left, len(open_))):
                counts[k] += 1


def _days(rng: random.Random, subject: Subject, first: date, last: date, n: int) -> list[date]:
    """``n`` visit days in [first, last], ending at ``last``.

    The most recent third keep the grade's interval (the current schedule); the others are
    scattered over the rest of the year, as visits were before the child's grade settled.
    """
    if n == 0:
        return []
    span = (last - first).days
    step = interval(subject.grade)
    recent = n // 3 + 1
    if step * (n - 1) > span:  # no room for the schedule: spread evenly
        return sorted(first + timedelta(days=round(i * span / max(1, n - 1))) for i in range(n))
    days, offset = [last], 0.0
    for _ in range(recent - 1):
        offset += step * rng.uniform(0.7, 1.1)
        days.append(last - timedelta(days=round(offset)))
    earlier = (days[-1] - first).days
    days += [first + timedelta(days=rng.randrange(max(1, earlier))) for _ in range(n - recent)]
    return sorted(days)


def _pick(rng: random.Random, weighted: dict) -> str:
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def _visit(rng: random.Random, subject: Subject, day: date) -> VisitPlan:
    kind = _pick(rng, KINDS)
    if kind == "school" and subject.school_status != "in_school":
        kind = "home"
    findings, measures = {}, []
    for area, notes in CONCERNS.items():
        likely = bool(CONCERN_LIKELY[area] & subject.tags)
        if rng.random() < (0.45 if likely else 0.04):
            fitting = [note for tags, note in notes if not tags or set(tags) & subject.tags]
            specific = [note for tags, note in notes if set(tags) & subject.tags]
            note = rng.choice(specific if specific and rng.random() < 0.8 else fitting)
            findings[area] = {"status": "concern", "note": note}
            if rng.random() < 0.6:
                measures.append(rng.choice(AREA_MEASURES[area]))
        else:
            findings[area] = {"status": "ok", "note": OK_NOTES[area] if rng.random() < 0.5 else None}
    if subject.tags & {"abuse_suspected", "self_harm", "runaway", "alone"} and rng.random() < 0.5:
        measures.append("referral")
    measures = sorted(set(measures))
    by_officer = subject.grade in ("red", "orange") and rng.random() < 0.2
    return VisitPlan(
        minor_id=subject.minor_id,
        day=day,
        fields={
            "minor_id": subject.minor_id,
            "visited_at": local_datetime(day, rng.uniform(8.5, 17.5)),
            "kind": kind,
            "findings": findings,
            "measures": measures,
            "summary": _summary(rng, subject, kind, findings, measures),
        },
        by_officer=by_officer,
        tags=subject.tags,
    )


def _summary(rng: random.Random, subject: Subject, kind: str, findings: dict, measures: list[str]) -> str:
    """As a worker writes it: 入户走访，孩子在校表现良好，爷爷身体欠佳。已提醒爷爷按时复诊。"""
    opening = rng.choice(OPENINGS[kind])
    concerns = [(area, f["note"]) for area, f in findings.items() if f["status"] == "concern"]
    if concerns:
        found = "".join(f"{AREA_LABELS[area]}：{note}。" for area, note in concerns[:2])
        done = "，".join(MEASURE_PHRASES[m] for m in measures)
        return f"{opening}。{found}{done}{'。' if done else ''}"
    school = subject.school_status if subject.school_status in ("preschool", "in_school") else "out"
    body = rng.choice(CHILD_OK[school])
    caregiver = CAREGIVER_OK.get(subject.caregiver)
    if caregiver and rng.random() < 0.7:
        body += "，" + rng.choice(caregiver)
    closings = CLOSINGS["any"] + CLOSINGS.get(subject.caregiver, ()) + CLOSINGS.get(subject.school_status, ())
    return f"{opening}，{body}。{rng.choice(closings)}"


def _reviews(rng: random.Random, plans: list[VisitPlan], today: date) -> None:
    """Older visits are approved; the last ten days' are half still waiting; a few were returned."""
    recent_from = today - timedelta(days=10)
    older = []
    for plan in plans:
        if plan.day >= recent_from:
            plan.review = "submitted" if rng.random() < 0.6 else "approved"
        elif rng.random() < 0.02:
            plan.review = "submitted"
        else:
            older.append(plan)
    for plan in rng.sample(older, min(len(older), rng.randint(*RETURNED_RANGE))):
        plan.review, plan.comment = "returned", rng.choice(RETURN_COMMENTS)
