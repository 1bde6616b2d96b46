"""Short Chinese / English names used in notification titles and webhook messages."""

from __future__ import annotations

REPORT_KINDS = {
    "private_parts_injury": ("隐私部位非正常损伤", "injury to private parts"),
    "sexual_assault_under14": ("不满十四周岁女性遭受性侵害", "sexual assault of a girl under 14"),
    "pregnancy_from_assault": ("遭受性侵害所致怀孕", "pregnancy from assault"),
    "injury_malnutrition_abuse": ("疑似遭受暴力、虐待", "injuries or malnutrition from abuse"),
    "self_harm_death": ("自杀、自残或被殴打致重伤、死亡", "self-harm or beating, severe injury or death"),
    "abandoned_no_care": ("被遗弃或无人照料", "abandoned or without care"),
    "missing_trafficked": ("失踪或被拐卖", "missing or trafficked"),
    "organised_begging": ("被组织乞讨", "organised begging"),
    "other_serious_harm": ("其他严重侵害", "other serious harm"),
    "bullying": ("校园欺凌", "bullying"),
    "runaway": ("离家出走", "runaway"),
    "neglect": ("监护缺失、被忽视", "neglect"),
    "early_marriage": ("早婚", "early marriage"),
    "other": ("其他", "other"),
}

UNITS = {
    "police": ("派出所", "police station"),
    "civil_affairs": ("民政", "civil affairs"),
    "school": ("学校", "school"),
    "health": ("卫生院", "health centre"),
    "justice": ("司法所", "justice office"),
    "youth_league": ("团委", "youth league"),
    "womens_federation": ("妇联", "women's federation"),
}

GRADES = {
    "red": ("红色", "red"),
    "orange": ("橙色", "orange"),
    "yellow": ("黄色", "yellow"),
    "blue": ("蓝色", "blue"),
}

REFERRAL_STATUSES = {
    "sent": ("已发送", "sent"),
    "accepted": ("已接收", "accepted"),
    "in_progress": ("处理中", "in progress"),
    "done": ("已办结", "done"),
    "declined": ("已退回", "declined"),
}


def zh(table: dict, key: str | None) -> str:
    return table.get(key, (key or "", key or ""))[0]


def en(table: dict, key: str | None) -> str:
    return table.get(key, (key or "", key or ""))[1]
