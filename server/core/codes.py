"""Every code list and its labels: the one source (DESIGN §3, STYLE 13).

A code list is an enumeration whose codes travel on the wire and in the database
(``divorced_away``) and whose labels people read (离异不在身边 / divorced, away). Each list is
code -> ``{"zh", "en"}`` in display order: the words the app shows. Where the server writes
other words for the same code into ledgers, the printed monthly report or notifications
(服刑在押 in the ledger, 服刑 in the app), the entry adds them under ``"written"``.

Models, schemas, statistics and notifications read the lists here; the PWA reads
``pwa/src/codes.js``, which this module writes::

    python -m server.core.codes > pwa/src/codes.js

``tests/server/core/test_codes.py`` fails when that file is stale, and when a label is
spelled, or a code -> label map written, anywhere else.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable

Labels = dict[str, dict]

# fmt: off
_DATA: dict[str, Labels] = {
    # DESIGN §1: who uses the system.
    "role": {
        "grid_worker": {"zh": "网格员", "en": "grid worker"},
        "village_officer": {"zh": "村（社）儿童主任", "en": "village child director"},
        "street_admin": {"zh": "街道管理员", "en": "street admin"},
        "unit_liaison": {"zh": "成员单位联络员", "en": "unit liaison"},
        "sentinel": {"zh": "哨点监测员", "en": "sentinel"},
        "county_viewer": {"zh": "县级统计查看", "en": "county viewer (statistics)"},
    },
    # 成员单位: where referrals go and whom a liaison speaks for.
    "unit": {
        "police": {"zh": "派出所", "en": "police station"},
        "civil_affairs": {"zh": "民政", "en": "civil affairs"},
        "school": {"zh": "学校", "en": "school"},
        "health": {"zh": "卫生院", "en": "health centre"},
        "justice": {"zh": "司法所", "en": "justice office"},
        "youth_league": {"zh": "团委", "en": "youth league"},
        "womens_federation": {"zh": "妇联", "en": "women's federation"},
    },
    "level": {
        "street": {"zh": "街道", "en": "street"},
        "village": {"zh": "村（社区）", "en": "village"},
        "group": {"zh": "组", "en": "group"},
        "grid": {"zh": "网格", "en": "grid"},
    },
    "gender": {
        "male": {"zh": "男", "en": "male"},
        "female": {"zh": "女", "en": "female"},
    },
    "hukou": {
        "rural": {"zh": "农村", "en": "rural"},
        "urban": {"zh": "城镇", "en": "urban"},
    },
    "lives_with_parents": {
        "both": {"zh": "与父母同住", "en": "both parents"},
        "father": {"zh": "仅与父亲", "en": "father only"},
        "mother": {"zh": "仅与母亲", "en": "mother only"},
        "neither": {"zh": "不与父母同住", "en": "neither"},
    },
    "school_status": {
        "preschool": {"zh": "学前", "en": "preschool"},
        "in_school": {"zh": "在校", "en": "in school"},
        "dropped_out": {"zh": "辍学", "en": "dropped out"},
        "not_enrolled": {"zh": "未入学", "en": "never enrolled"},
        "working": {"zh": "务工", "en": "working"},
        "graduated": {"zh": "毕业未升学", "en": "graduated, not studying"},
    },
    "health": {
        "healthy": {"zh": "健康", "en": "healthy"},
        "chronic_illness": {"zh": "慢性病", "en": "chronic illness"},
        "serious_illness": {"zh": "重病", "en": "serious illness"},
        "disability": {"zh": "残疾", "en": "disability"},
    },
    # father_status and mother_status: both parents share one list.
    "parent_status": {
        "at_home": {"zh": "在家", "en": "at home"},
        "migrant_away": {"zh": "外出务工", "en": "migrant worker away"},
        "deceased": {"zh": "死亡", "en": "deceased"},
        "missing": {"zh": "失踪", "en": "missing"},
        "lost_contact": {"zh": "失联", "en": "lost contact"},
        "incarcerated": {"zh": "服刑", "en": "in prison", "written": {"zh": "服刑在押"}},
        "compulsory_rehab": {"zh": "强制隔离戒毒", "en": "compulsory drug rehab"},
        "restricted_liberty": {"zh": "被限制人身自由", "en": "liberty restricted"},
        "severe_disability": {"zh": "重残", "en": "severe disability"},
        "severe_illness": {"zh": "重病", "en": "severe illness"},
        "guardianship_revoked": {"zh": "被撤销监护资格", "en": "guardianship revoked"},
        "deported": {"zh": "被遣送（驱逐）出境", "en": "deported"},
        "divorced_away": {"zh": "离异不在身边", "en": "divorced, away"},
        "unknown": {"zh": "不清楚", "en": "unknown", "written": {"zh": "情况不明"}},
    },
    "caregiver": {
        "parents": {"zh": "父母", "en": "parents"},
        "father": {"zh": "父亲", "en": "father"},
        "mother": {"zh": "母亲", "en": "mother"},
        "grandparents": {"zh": "祖辈", "en": "grandparents"},
        "other_relative": {"zh": "其他亲属", "en": "other relative"},
        "none": {"zh": "无人照料", "en": "nobody"},
        "institution": {"zh": "机构", "en": "institution"},
    },
    "poverty": {
        "none": {"zh": "一般", "en": "ordinary"},
        "low_income": {"zh": "低保/低收入", "en": "low income"},
        "extreme_poverty": {"zh": "特困", "en": "extreme poverty"},
    },
    # 不良行为, 预防未成年人犯罪法 第28条.
    "misbehavior_ordinary": {
        "smoking_drinking": {"zh": "吸烟饮酒", "en": "smoking, drinking"},
        "truancy": {"zh": "旷课逃学", "en": "truancy"},
        "staying_out": {"zh": "夜不归宿", "en": "staying out at night"},
        "internet_addiction": {"zh": "沉迷网络", "en": "internet addiction"},
        "bad_company": {"zh": "结交不良人员", "en": "bad company"},
        "barred_venues": {"zh": "进入不适宜场所", "en": "barred venues"},
        "gambling_superstition": {"zh": "参与赌博、迷信", "en": "gambling, superstition"},
        "harmful_content": {"zh": "接触有害信息", "en": "harmful content"},
        "other_bad": {"zh": "其他不良行为", "en": "other"},
    },
    # 严重不良行为, 第38条.
    "misbehavior_serious": {
        "affray": {"zh": "结伙斗殴", "en": "affray"},
        "controlled_weapons": {"zh": "携带管制器具", "en": "carrying controlled weapons"},
        "assault_intimidation": {"zh": "殴打、辱骂、恐吓他人", "en": "assault, intimidation"},
        "theft_robbery": {"zh": "盗窃、抢夺", "en": "theft, robbery"},
        "obscene_material": {"zh": "传播淫秽物品", "en": "obscene material"},
        "prostitution": {"zh": "卖淫嫖娼", "en": "prostitution"},
        "drugs": {"zh": "吸毒", "en": "drugs"},
        "large_gambling": {"zh": "参与赌博（数额较大）", "en": "large-scale gambling"},
        "criminal_act_underage": {"zh": "未达刑责年龄的犯罪行为", "en": "criminal act under age of responsibility"},
        "other_serious": {"zh": "其他严重不良行为", "en": "other serious"},
    },
    "risk_flags": {
        "abuse_suspected": {"zh": "疑似受虐待", "en": "suspected abuse"},
        "neglect": {"zh": "被忽视", "en": "neglect"},
        "no_guardian": {"zh": "无人监护", "en": "no guardian"},
        "sexual_assault": {"zh": "疑似遭受性侵害", "en": "sexual assault"},
        "bullying": {"zh": "受欺凌", "en": "bullying"},
        "runaway": {"zh": "离家出走", "en": "runaway"},
        "self_harm": {"zh": "自伤自残", "en": "self-harm"},
        "early_marriage": {"zh": "早婚", "en": "early marriage"},
        "trafficking": {"zh": "疑似被拐卖", "en": "trafficking"},
        "begging": {"zh": "流浪乞讨", "en": "begging"},
    },
    # DESIGN §4, derived by the rules. The written names are the official ones: ledgers, the
    # rules' category names (server/registry/rules.py), the profile's chips.
    "categories": {
        "left_behind": {"zh": "农村留守儿童", "en": "left-behind child"},
        "de_facto_unsupported": {"zh": "事实无人抚养儿童", "en": "de facto unsupported",
                                 "written": {"en": "de facto unsupported child"}},
        "orphan": {"zh": "孤儿", "en": "orphan"},
        "in_difficulty": {"zh": "困境儿童", "en": "child in difficulty"},
        "idle": {"zh": "闲散未成年人", "en": "idle minor"},
        "child_of_prisoner": {"zh": "服刑在戒人员未成年子女", "en": "child of a prisoner"},
        "serious_misbehavior": {"zh": "有严重不良行为未成年人", "en": "serious misbehaviour",
                                "written": {"en": "minor with serious misbehaviour"}},
        "divorced_family": {"zh": "离异家庭", "en": "divorced family",
                            "written": {"zh": "离异家庭未成年人", "en": "child of a divorced family"}},
        "crime_victim": {"zh": "刑事案件受害人", "en": "crime victim",
                         "written": {"zh": "未成年刑事案件受害人", "en": "victim of a crime"}},
        "disabled": {"zh": "残疾儿童", "en": "disabled", "written": {"en": "disabled child"}},
    },
    # The app's badge says one character; what the server writes says the colour.
    # ``ungraded`` is never stored: it names a child with no grade yet (statistics, badges).
    "grade": {
        "red": {"zh": "红", "en": "Red", "written": {"zh": "红色", "en": "red"}},
        "orange": {"zh": "橙", "en": "Orange", "written": {"zh": "橙色", "en": "orange"}},
        "yellow": {"zh": "黄", "en": "Yellow", "written": {"zh": "黄色", "en": "yellow"}},
        "blue": {"zh": "蓝", "en": "Blue", "written": {"zh": "蓝色", "en": "blue"}},
        "ungraded": {"zh": "未定级", "en": "No grade"},
    },
    "visit_kind": {
        "home": {"zh": "入户", "en": "home"},
        "phone": {"zh": "电话", "en": "phone"},
        "school": {"zh": "到校", "en": "school"},
        "other": {"zh": "其他", "en": "other"},
    },
    # The five things a visit looks at, each found ok or of concern.
    "finding_area": {
        "living": {"zh": "生活", "en": "Living"},
        "health": {"zh": "健康", "en": "Health"},
        "study": {"zh": "学习", "en": "Study"},
        "safety": {"zh": "安全", "en": "Safety"},
        "mental": {"zh": "心理", "en": "Mental health"},
    },
    "finding_status": {
        "ok": {"zh": "正常", "en": "OK"},
        "concern": {"zh": "有问题", "en": "Concern"},
    },
    # 帮扶措施: kinds of assistance measure (visits record all but "other").
    "measures": {
        "psych_intervention": {"zh": "心理干预", "en": "psychological help"},
        "living_aid": {"zh": "生活救助", "en": "living aid"},
        "legal_aid": {"zh": "法律援助", "en": "legal aid"},
        "school_transfer": {"zh": "转学复学", "en": "school transfer"},
        "medical": {"zh": "医疗救助", "en": "medical aid"},
        "referral": {"zh": "转介", "en": "referral"},
        "guardian_education": {"zh": "监护人教育", "en": "guardian education"},
        "other": {"zh": "其他", "en": "other"},
    },
    "measure_status": {
        "planned": {"zh": "计划中", "en": "planned"},
        "in_progress": {"zh": "实施中", "en": "in progress"},
        "done": {"zh": "已完成", "en": "done"},
        "cancelled": {"zh": "已取消", "en": "cancelled"},
    },
    "review_status": {
        "submitted": {"zh": "待审核", "en": "submitted"},
        "approved": {"zh": "已通过", "en": "approved"},
        "returned": {"zh": "已退回", "en": "returned"},
    },
    # The append-only history of a visit's review.
    "decision": {
        "approved": {"zh": "通过", "en": "approved"},
        "returned": {"zh": "退回", "en": "returned"},
        "resubmitted": {"zh": "修改后重新提交", "en": "amended and resubmitted"},
        "reopened": {"zh": "重新打开", "en": "reopened"},
    },
    "report_source": {
        "school": {"zh": "学校", "en": "school"},
        "family": {"zh": "家庭", "en": "family"},
        "community": {"zh": "社区", "en": "community"},
        "social_org": {"zh": "社会组织", "en": "social organisation"},
        "legal_unit": {"zh": "政法单位", "en": "political-legal unit"},
        "hotline": {"zh": "热线", "en": "hotline"},
        "grid_worker": {"zh": "网格员", "en": "grid worker"},
    },
    # The nine situations of mandatory reporting (高检发〔2020〕9号): the app shows their
    # official wording; notifications and the webhook's SMS text name them in short.
    "report_kind_mandatory": {
        "private_parts_injury": {"zh": "隐私部位遭受或疑似遭受非正常损伤", "en": "Abnormal injury to private parts",
                                 "written": {"zh": "隐私部位非正常损伤", "en": "injury to private parts"}},
        "sexual_assault_under14": {"zh": "不满十四周岁女性遭受或疑似遭受性侵害、怀孕、流产",
                                   "en": "Sexual assault or pregnancy of a girl under 14",
                                   "written": {"zh": "不满十四周岁女性遭受性侵害",
                                               "en": "sexual assault of a girl under 14"}},
        "pregnancy_from_assault": {"zh": "十四周岁以上女性遭受或疑似遭受性侵害所致怀孕、流产",
                                   "en": "Pregnancy of an older girl from assault",
                                   "written": {"zh": "遭受性侵害所致怀孕", "en": "pregnancy from assault"}},
        "injury_malnutrition_abuse": {"zh": "身体多处损伤、严重营养不良、意识不清，疑似遭受暴力、欺凌、虐待",
                                      "en": "Injuries, malnutrition or impaired consciousness suspected from abuse",
                                      "written": {"zh": "疑似遭受暴力、虐待",
                                                  "en": "injuries or malnutrition from abuse"}},
        "self_harm_death": {"zh": "因自杀、自残、中毒、被殴打等致重伤、死亡",
                            "en": "Disability or death from suicide, self-harm, poisoning or beating",
                            "written": {"zh": "自杀、自残或被殴打致重伤、死亡",
                                        "en": "self-harm or beating, severe injury or death"}},
        "abandoned_no_care": {"zh": "被遗弃或长期处于无人照料状态", "en": "Abandoned or long without care",
                              "written": {"zh": "被遗弃或无人照料", "en": "abandoned or without care"}},
        "missing_trafficked": {"zh": "来源不明、失踪或被拐卖、收买", "en": "Unknown origin, missing or trafficked",
                               "written": {"zh": "失踪或被拐卖", "en": "missing or trafficked"}},
        "organised_begging": {"zh": "被组织乞讨", "en": "Organised begging",
                              "written": {"en": "organised begging"}},
        "other_serious_harm": {"zh": "其他严重侵害未成年人人身安全的情形", "en": "Other serious harm",
                               "written": {"zh": "其他严重侵害", "en": "other serious harm"}},
    },
    "report_kind_other": {
        "bullying": {"zh": "校园欺凌", "en": "Bullying", "written": {"en": "bullying"}},
        "runaway": {"zh": "离家出走", "en": "Runaway", "written": {"en": "runaway"}},
        "neglect": {"zh": "监护缺失、被忽视", "en": "Neglect", "written": {"en": "neglect"}},
        "early_marriage": {"zh": "早婚", "en": "Early marriage", "written": {"en": "early marriage"}},
        "other": {"zh": "其他", "en": "Other", "written": {"en": "other"}},
    },
    "report_status": {
        "new": {"zh": "已提交", "en": "filed"},
        "acknowledged": {"zh": "已受理", "en": "acknowledged"},
        "referred": {"zh": "已转介", "en": "referred"},
        "resolved": {"zh": "已处置", "en": "resolved"},
        "closed": {"zh": "已结案", "en": "closed"},
    },
    "referral_status": {
        "sent": {"zh": "已发送", "en": "sent"},
        "accepted": {"zh": "已接收", "en": "accepted"},
        "in_progress": {"zh": "处理中", "en": "in progress", "written": {"zh": "办理中"}},
        "done": {"zh": "已办结", "en": "done"},
        "declined": {"zh": "已退回", "en": "declined"},
    },
    # What a sync conflict record is about (sync/conflicts.py keeps the codes: it imports
    # nothing from the server; a test holds the two equal).
    "conflict_kind": {
        "field": {"zh": "同一项被两处修改", "en": "the same field changed twice"},
        "stale_delete": {"zh": "删除未生效（记录已被修改）", "en": "delete not applied (record changed)"},
        "edit_deleted": {"zh": "修改了已删除的记录", "en": "edit of a deleted record"},
    },
    "entity": {
        "minor": {"zh": "未成年人", "en": "minor"},
        "household": {"zh": "家庭", "en": "household"},
        "visit": {"zh": "走访", "en": "visit"},
        "report": {"zh": "报告", "en": "report"},
        "area": {"zh": "区域", "en": "area"},
        "measure": {"zh": "帮扶措施", "en": "measure"},
        "referral": {"zh": "转介", "en": "referral"},
    },
}
# fmt: on

# Lists made of others, in order: the app and the wire treat them as one.
_UNIONS = {
    "misbehavior": ("misbehavior_ordinary", "misbehavior_serious"),
    "report_kind": ("report_kind_mandatory", "report_kind_other"),
}
# Lists that are another list less some codes, with its labels.
_SUBSETS = {
    # Sentinels watch from these places; hotline calls and grid workers are not sentinels.
    "sentinel_kind": ("report_source", ("hotline", "grid_worker")),
    # What a visit may record as done.
    "visit_measures": ("measures", ("other",)),
}


def _build() -> dict[str, Labels]:
    lists = dict(_DATA)
    for name, parts in _UNIONS.items():
        lists[name] = {code: entry for part in parts for code, entry in _DATA[part].items()}
    for name, (parent, left_out) in _SUBSETS.items():
        lists[name] = {code: entry for code, entry in _DATA[parent].items() if code not in left_out}
    return lists


CODE_LISTS: dict[str, Labels] = _build()
LANGS = ("zh", "en")


def of(name: str, without: Iterable[str] = ()) -> tuple[str, ...]:
    """The codes of a list in order, less those in ``without``."""
    left_out = set(without)
    return tuple(code for code in CODE_LISTS[name] if code not in left_out)


def labels(name: str, lang: str = "zh", *, written: bool = False) -> dict[str, str]:
    """code -> label in ``lang``; ``written=True`` gives the words of ledgers, reports and notifications."""
    return {code: _pick(entry, lang, written) for code, entry in CODE_LISTS[name].items()}


def label(name: str, code: str, lang: str = "zh", *, written: bool = False) -> str:
    return _pick(CODE_LISTS[name][code], lang, written)


def _pick(entry: dict, lang: str, written: bool) -> str:
    if written and lang in entry.get("written", {}):
        return entry["written"][lang]
    return entry[lang]


def module_js() -> str:
    """pwa/src/codes.js: the lists as an ES module, one code a line."""
    blocks = []
    for name, entries in CODE_LISTS.items():
        lines = "".join(
            f"    {json.dumps(code)}: {json.dumps(entry, ensure_ascii=False)},\n"
            for code, entry in entries.items()
        )
        blocks.append(f"  {json.dumps(name)}: {{\n{lines}  }},\n")
    return (
        "// Generated from server/core/codes.py by `python -m server.core.codes > pwa/src/codes.js`.\n"
        "// Do not edit: change the lists there and run that again (tests fail while this is stale).\n"
        "// list -> code -> {zh, en, written?}, in display order; `written` is what the server writes\n"
        "// into ledgers and notifications where its words differ from the app's.\n"
        f"export const CODES = {{\n{''.join(blocks)}}};\n"
        "\n"
        "// The codes of a list, in order.\n"
        "export const codesOf = (list) => Object.keys(CODES[list]);\n"
        "\n"
        "// {list: {code: label}} in one language: the value labels of an i18n catalogue.\n"
        "export const labelsIn = (lang) => Object.fromEntries(Object.entries(CODES).map(([list, entries]) => [\n"
        "  list, Object.fromEntries(Object.entries(entries).map(([code, entry]) => [code, entry[lang]])),\n"
        "]));\n"
    )


if __name__ == "__main__":
    sys.stdout.write(module_js())
