"""Chinese labels of the codes, for ledgers and printed reports (the same words as the PWA)."""

from __future__ import annotations

GRADE = {"red": "红色", "orange": "橙色", "yellow": "黄色", "blue": "蓝色", "ungraded": "未定级"}
CATEGORY = {
    "left_behind": "农村留守儿童",
    "de_facto_unsupported": "事实无人抚养儿童",
    "orphan": "孤儿",
    "in_difficulty": "困境儿童",
    "idle": "闲散未成年人",
    "child_of_prisoner": "服刑在戒人员未成年子女",
    "serious_misbehavior": "有严重不良行为未成年人",
    "divorced_family": "离异家庭未成年人",
    "crime_victim": "未成年刑事案件受害人",
    "disabled": "残疾儿童",
}
GENDER = {"male": "男", "female": "女"}
HUKOU = {"rural": "农村", "urban": "城镇"}
LIVES_WITH_PARENTS = {
    "both": "与父母同住",
    "father": "仅与父亲",
    "mother": "仅与母亲",
    "neither": "不与父母同住",
}
SCHOOL_STATUS = {
    "preschool": "学前", "in_school": "在校", "dropped_out": "辍学", "not_enrolled": "未入学",
    "working": "务工", "graduated": "毕业未升学",
}  # fmt: skip
HEALTH = {"healthy": "健康", "chronic_illness": "慢性病", "serious_illness": "重病", "disability": "残疾"}
PARENT_STATUS = {
    "at_home": "在家", "migrant_away": "外出务工", "deceased": "死亡", "missing": "失踪",
    "lost_contact": "失联", "incarcerated": "服刑在押", "compulsory_rehab": "强制隔离戒毒",
    "restricted_liberty": "被限制人身自由", "severe_disability": "重残", "severe_illness": "重病",
    "guardianship_revoked": "被撤销监护资格", "deported": "被遣送(驱逐)出境",
    "divorced_away": "离异不在身边", "unknown": "情况不明",
}  # fmt: skip
CAREGIVER = {
    "parents": "父母", "father": "父亲", "mother": "母亲", "grandparents": "祖辈",
    "other_relative": "其他亲属", "none": "无人照料", "institution": "机构",
}  # fmt: skip
POVERTY = {"none": "一般", "low_income": "低保/低收入", "extreme_poverty": "特困"}
MISBEHAVIOR = {
    "smoking_drinking": "吸烟饮酒", "truancy": "旷课逃学", "staying_out": "夜不归宿",
    "internet_addiction": "沉迷网络", "bad_company": "结交不良人员", "barred_venues": "进入不适宜场所",
    "gambling_superstition": "参与赌博、迷信", "harmful_content": "接触有害信息", "other_bad": "其他不良行为",
    "affray": "结伙斗殴", "controlled_weapons": "携带管制器具", "assault_intimidation": "殴打、辱骂、恐吓他人",
    "theft_robbery": "盗窃、抢夺", "obscene_material": "传播淫秽物品", "prostitution": "卖淫嫖娼",
    "drugs": "吸毒", "large_gambling": "参与赌博(数额较大)", "criminal_act_underage": "未达刑责年龄的犯罪行为",
    "other_serious": "其他严重不良行为",
}  # fmt: skip
RISK_FLAG = {
    "abuse_suspected": "疑似受虐待", "neglect": "被忽视", "no_guardian": "无人监护",
    "sexual_assault": "疑似遭受性侵害", "bullying": "受欺凌", "runaway": "离家出走", "self_harm": "自伤自残",
    "early_marriage": "早婚", "trafficking": "疑似被拐卖", "begging": "流浪乞讨",
}  # fmt: skip
REPORT_STATUS = {
    "new": "已提交",
    "acknowledged": "已受理",
    "referred": "已转介",
    "resolved": "已处置",
    "closed": "已结案",
}
REPORT_SOURCE = {
    "school": "学校", "family": "家庭", "community": "社区", "social_org": "社会组织",
    "legal_unit": "政法单位", "hotline": "热线", "grid_worker": "网格员",
}  # fmt: skip
REPORT_KIND = {
    "private_parts_injury": "隐私部位非正常损伤", "sexual_assault_under14": "不满十四周岁女性遭受性侵害",
    "pregnancy_from_assault": "遭受性侵害所致怀孕", "injury_malnutrition_abuse": "多处损伤、严重营养不良",
    "self_harm_death": "自杀自残致重伤死亡", "abandoned_no_care": "被遗弃或长期无人照料",
    "missing_trafficked": "失踪或被拐卖", "organised_begging": "被组织乞讨", "other_serious_harm": "其他严重侵害",
    "bullying": "校园欺凌", "runaway": "离家出走", "neglect": "监护缺失、被忽视", "early_marriage": "早婚",
    "other": "其他",
}  # fmt: skip
REFERRAL_STATUS = {
    "sent": "已转介",
    "accepted": "已接收",
    "in_progress": "办理中",
    "done": "已办结",
    "declined": "已退回",
}
UNIT = {
    "police": "派出所", "civil_affairs": "民政", "school": "学校", "health": "卫生院", "justice": "司法所",
    "youth_league": "团委", "womens_federation": "妇联",
}  # fmt: skip
YES_NO = {True: "是", False: "否"}


def label(table: dict, code, default: str = "") -> str:
    if code is None or code == "":
        return default
    return table.get(code, str(code))


def labels(table: dict, codes, separator: str = "、") -> str:
    return separator.join(label(table, code) for code in codes or ())


def guardianship(father: str | None, mother: str | None, caregiver: str | None, capable: bool | None) -> str:
    """监护情况 in words: 父亲外出务工，母亲在家；由祖辈照料（无监护能力）."""
    parts = []
    if father or mother:
        parts.append(
            f"父亲{label(PARENT_STATUS, father, '情况不明')}，母亲{label(PARENT_STATUS, mother, '情况不明')}"
        )
    if caregiver == "none":
        parts.append("无人照料")
    elif caregiver:
        care = f"由{label(CAREGIVER, caregiver)}照料"
        if capable is False:
            care += "（照料人无监护能力）"
        parts.append(care)
    return "；".join(parts)
