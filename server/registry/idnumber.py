"""Resident ID numbers (居民身份证号码, GB 11643-1999): checksum, encryption, keyed hash, mask."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import date

from cryptography.fernet import Fernet, InvalidToken

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# The characters of an ID number that a search finds a child by (身份证后四位).
TAIL = 4
TAIL_SHAPE = re.compile(r"^\d{3}[\dXx]$")


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalise(value: str) -> str:
    return value.strip().upper()


def problem(value: str) -> str | None:
    """Why ``value`` is not a valid resident ID, in words a worker can act on; None if valid."""
    value = normalise(value)
    if len(value) != 18:
        return "身份证号码应为18位 / A resident ID has 18 characters."
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "身份证号码前17位应为数字，最后一位为数字或X / Digits only, the last may be X."
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号码中的出生日期无效 / The birth date inside the ID is not a real date."
    if check_char(value[:17]) != value[17]:
        return "身份证号码校验位错误，请核对 / The check digit is wrong: please re-check the number."
    return None


def birth_date_of(value: str) -> date:
    value = normalise(value)
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def mask(value: str) -> str:
    """Keep the region prefix and the last two characters: enough to tell records apart."""
    value = normalise(value)
    return value[:4] + "*" * 12 + value[-2:]


class FieldCipher:
    """Fernet encryption plus an HMAC for equality look-ups without decrypting."""

    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode() if isinstance(key, str) else key)
        raw = base64.urlsafe_b64decode(key)
        self._hash_key = hashlib.sha256(b"humiao-id-hash:" + raw).digest()

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(normalise(value).encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("ID number cannot be decrypted with the configured key") from exc

    def keyed_hash(self, value: str) -> str:
        return hmac.new(self._hash_key, normalise(value).encode(), hashlib.sha256).hexdigest()

    def tail_hash(self, value: str) -> str:
        """The keyed hash of a number's last four characters (身份证尾号): a list finds a child by
        them, and without the key the column tells nothing of them."""
        return hmac.new(
            self._hash_key, b"tail:" + normalise(value)[-TAIL:].encode(), hashlib.sha256
        ).hexdigest()
