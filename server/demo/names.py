"""Names, places, numbers and phrases of a county in Guizhou: the demo street's raw material."""

from __future__ import annotations

import random
import uuid
from datetime import date

from server.registry import idnumber

# The most common surnames, most common first, so that weighted picks look like a real village.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程龙"
_SURNAME_WEIGHTS = [max(1, 40 - i) for i in range(len(SURNAMES))]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Given names by generation: grandparents, parents, and children born after 2008.
_GIVEN = {
    ("old", "male"): _words("建国 德明 国强 志华 福贵 永福 玉山 成林 金海 长生 光荣 正和"),
    ("old", "female"): _words("秀英 桂兰 玉梅 凤英 翠花 秀珍 淑芬 桂芳 兰英 春梅 金凤 玉兰"),
    ("young", "male"): _words("伟 强 军 杰 涛 明 超 勇 磊 斌 鹏 辉 志刚 海波 建华 小龙"),
    ("young", "female"): _words("芳 娜 敏 静 丽 艳 娟 霞 燕 玲 红梅 小琴 雪梅 丹丹"),
    ("child", "male"): _words(
        "子轩 浩然 宇航 俊杰 梓豪 博文 一鸣 晨阳 泽宇 天佑 嘉豪 皓轩 思源 明哲 睿 阳 宇"
    ),
    ("child", "female"): _words(
        "欣怡 梓涵 雨桐 诗涵 一诺 可馨 紫萱 语嫣 佳怡 思琪 若曦 梦瑶 雨欣 婉清 悦 琳 萱"
    ),
}

# Work destinations of migrant parents from western Guizhou.
WORK_PLACES = ("浙江宁波", "浙江义乌", "广东东莞", "广东深圳", "福建晋江", "江苏苏州", "上海", "贵阳")

# Kindergartens and primary schools by village; secondary schools are the street's and county's.
KINDERGARTENS = {"V1": "红旗村幼儿园", "V2": "龙泉村幼儿园", "V3": "新华社区幼儿园"}
PRIMARY_SCHOOLS = {"V1": "红旗村小学", "V2": "龙泉村小学", "V3": "城关第一小学"}
MIDDLE_SCHOOLS = ("城关二中", "城关三中")
HIGH_SCHOOLS = ("县第一中学", "县第二中学", "县职业中学")

# Community streets: households in a 社区 have street addresses, not 组 numbers.
COMMUNITY_ROADS = ("新华路", "幸福巷", "建设路", "文化街", "人民路")

# County seat of a Guizhou county (~26.6N 106.6E); each village is a cluster around its centre.
VILLAGE_CENTRES = {"V1": (26.612, 106.583), "V2": (26.587, 106.621), "V3": (26.601, 106.604)}

# Administrative division codes (GB/T 2260) of the county and the city district next to it.
REGION_CODES = ("520123", "520123", "520123", "520102")

# Evidence notes (情况说明) for a parent's status; {year} is the year of *_status_since.
PARENT_EVIDENCE = {
    "migrant_away": ("{year}年起在{place}务工", "{year}年外出{place}打工，春节回家"),
    "incarcerated": ("{year}年判处有期徒刑{term}年", "{year}年因盗窃罪入狱，刑期{term}年"),
    "compulsory_rehab": ("{year}年起强制隔离戒毒二年",),
    "lost_contact": ("{year}年外出务工后失联，家人多方寻找未果", "{year}年离家后再无音讯，电话已停机"),
    "missing": ("{year}年外出后失踪，已向派出所报案",),
    "deceased": ("{year}年因病去世", "{year}年因车祸去世", "{year}年在工地事故中去世"),
    "severe_illness": (
        "{year}年确诊尿毒症，每周透析三次",
        "{year}年脑梗后长期卧床",
        "{year}年确诊肝癌，正在化疗",
    ),
    "severe_disability": ("{year}年工伤致肢体一级残疾",),
    "divorced_away": ("{year}年协议离婚，现居{place}", "{year}年离婚后再婚，很少回来看望孩子"),
}
_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "157",
    "158",
    "159",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
)

CHINESE_NUMERALS = "零一二三四五六七八九十"


def surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]


def given_name(rng: random.Random, generation: str, gender: str) -> str:
    return rng.choice(_GIVEN[(generation, gender)])


def person_name(rng: random.Random, generation: str, gender: str, family: str | None = None) -> str:
    """A full name; ``family`` gives the surname (children take their father's)."""
    return (family or surname(rng)) + given_name(rng, generation, gender)


def mobile_phone(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def numeral(n: int) -> str:
    """1..99 in Chinese numerals, as group names are written (一组, 十二组)."""
    if n <= 10:
        return CHINESE_NUMERALS[n]
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMERALS[tens] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones] if ones else "")


def resident_id(rng: random.Random, birth: date, gender: str, taken: set[str]) -> str:
    """A valid 18-character resident ID (GB 11643): region, birth date, sequence, check digit.

    The 17th character is odd for a boy and even for a girl; ``taken`` keeps them unique.
    """
    while True:
        sequence = rng.randrange(0, 100) * 10 + rng.choice(
            (1, 3, 5, 7, 9) if gender == "male" else (0, 2, 4, 6, 8)
        )
        first17 = f"{rng.choice(REGION_CODES)}{birth:%Y%m%d}{sequence:03d}"
        number = first17 + idnumber.check_char(first17)
        if number not in taken:
            taken.add(number)
            return number


def record_id(rng: random.Random) -> str:
    """A version-4 UUID drawn from ``rng``: the same seed gives the same record ids."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))
