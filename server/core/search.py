"""``?q=`` on the lists: every word of the query must match one of the columns (case-insensitive
substring), so "王 11号" finds 王小雨 of 李庄村11号. LIKE's wildcards in the query are literal.

Names are also found by their pinyin (``wxy`` or ``wangxiaoyu`` finds 王小雨), as on the phone
(``pwa/src/search.js``): SQL cannot spell Chinese, so a name's pinyin is stored beside it
(:func:`pinyin_key`, kept by the model whenever the name is written).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from pypinyin import Style, lazy_pinyin, pinyin

# The longest query a list takes: a name, an address and an ID tail with room to spare.
QUERY_MAX = 64
PINYIN_MAX = 500
HAN = re.compile(r"[\u3400-\u9fff]")


def pinyin_key(text: str | None) -> str | None:
    """The pinyin a name is searched by: its initials and its full spelling, lower case, one word
    each. A surname read several ways (单 dan/shan, 曾 zeng/ceng) gives one pair per reading.
    None for a text without Chinese characters (its own letters are searched as written)."""
    if not text or not HAN.search(text):
        return None
    text = text.strip()
    rest = [syllable.strip().lower() for syllable in lazy_pinyin(text[1:])]
    rest = [s for s in rest if s]
    first = pinyin(text[0], style=Style.NORMAL, heteronym=True)[0] if HAN.match(text[0]) else [text[0]]
    keys: list[str] = []
    for reading in dict.fromkeys(r.strip().lower() for r in first):
        if not reading:
            continue
        keys.append(reading[0] + "".join(s[0] for s in rest))
        keys.append(reading + "".join(rest))
    return " ".join(dict.fromkeys(k.replace(" ", "") for k in keys))[:PINYIN_MAX] or None


def contains(column, word: str) -> sa.ColumnElement[bool]:
    """``column`` holds ``word`` (case-insensitive), LIKE's wildcards in it taken literally."""
    literal = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{literal}%", escape="\\")


def search(
    stmt: sa.Select,
    q: str | None,
    *columns,
    also: Callable[[str], sa.ColumnElement[bool] | None] | None = None,
) -> sa.Select:
    """Narrow ``stmt`` by every word of ``q``; ``also(word)`` may add a match of its own (an ID
    tail compared by its keyed hash)."""
    for word in (q or "").split():
        matches = [contains(c, word) for c in columns]
        extra = also(word) if also else None
        if extra is not None:
            matches.append(extra)
        stmt = stmt.where(sa.or_(*matches))
    return stmt
