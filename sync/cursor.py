"""Opaque, tamper-evident pull cursor (同步游标).

The device stores the token and sends it back unchanged; the HMAC makes any edit of it
detectable, so a client can neither skip ahead nor read another scope's position.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass

__all__ = ["Cursor", "InvalidCursor", "decode_cursor", "encode_cursor"]

_VERSION = 1
_TAG_BYTES = 16  # truncated HMAC-SHA256: 128 bits is ample against forgery
_MAX_TOKEN_CHARS = 2048
_MAX_POSITION = 2**63 - 1
# Derive a key of our own so the cursor tag can never be replayed as another MAC made with
# the same application secret.
_KEY_LABEL = b"humiao.sync.cursor.v1"


class InvalidCursor(ValueError):
    """A cursor that was tampered with, truncated, or made with another secret."""


@dataclass(frozen=True)
class Cursor:
    position: int
    scope_key: str | None


def _key(secret: bytes | str) -> bytes:
    if isinstance(secret, str):
        secret = secret.encode()
    if not secret:
        raise ValueError("The cursor secret must not be empty.")
    return hmac.new(secret, _KEY_LABEL, hashlib.sha256).digest()


def _tag(secret: bytes | str, payload: bytes) -> bytes:
    return hmac.new(_key(secret), payload, hashlib.sha256).digest()[:_TAG_BYTES]


def encode_cursor(position: int, scope_key: str, secret: bytes | str) -> str:
    """Encode a pull position within a scope as a URL-safe token."""
    if isinstance(position, bool) or not isinstance(position, int):
        raise TypeError("position must be an int")
    if not 0 <= position <= _MAX_POSITION:
        raise ValueError(f"position must be between 0 and {_MAX_POSITION}")
    if not isinstance(scope_key, str):
        raise TypeError("scope_key must be a str")
    payload = json.dumps([_VERSION, position, scope_key], separators=(",", ":")).encode()
    token = base64.urlsafe_b64encode(payload + _tag(secret, payload)).rstrip(b"=").decode()
    if len(token) > _MAX_TOKEN_CHARS:
        raise ValueError("scope_key is too long for a cursor")
    return token


def decode_cursor(token: str | None, secret: bytes | str) -> Cursor:
    """Decode a token from ``encode_cursor``; None or "" is the start of a first pull."""
    if token is None or token == "":
        return Cursor(position=0, scope_key=None)
    if not isinstance(token, str) or len(token) > _MAX_TOKEN_CHARS:
        raise InvalidCursor("The cursor is not valid: pull again without a cursor.")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidCursor("The cursor is not valid base64: pull again without one.") from exc
    # Re-encoding must give the token back: no stray characters or non-canonical padding.
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != token:
        raise InvalidCursor("The cursor is not valid base64: pull again without one.")
    payload, tag = raw[:-_TAG_BYTES], raw[-_TAG_BYTES:]
    if len(raw) <= _TAG_BYTES or not hmac.compare_digest(tag, _tag(secret, payload)):
        raise InvalidCursor("The cursor was altered or made by another server: pull again.")
    try:
        version, position, scope_key = json.loads(payload)
    except (ValueError, TypeError) as exc:
        raise InvalidCursor("The cursor payload is malformed.") from exc
    if (
        version != _VERSION
        or isinstance(position, bool)
        or not isinstance(position, int)
        or position < 0
        or not isinstance(scope_key, str)
    ):
        raise InvalidCursor("The cursor payload is malformed.")
    return Cursor(position=position, scope_key=scope_key)
