import base64

import pytest

from sync.cursor import Cursor, InvalidCursor, decode_cursor, encode_cursor

SECRET = b"test-secret"


def _flip(token: str, index: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[index] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("position", "scope_key"),
    [(0, ""), (1, "grid:W5"), (2**63 - 1, "user:42/areas:/S1/V3/"), (987, "村/社区 ✓")],
)
def test_round_trip(position, scope_key):
    token = encode_cursor(position, scope_key, SECRET)
    assert decode_cursor(token, SECRET) == Cursor(position, scope_key)


def test_token_is_url_safe_and_opaque():
    token = encode_cursor(123456, "scope/with+odd=chars", SECRET)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert "scope" not in token


@pytest.mark.parametrize("token", [None, ""])
def test_no_cursor_is_the_start(token):
    assert decode_cursor(token, SECRET) == Cursor(position=0, scope_key=None)


def test_a_str_secret_works_like_its_bytes():
    assert decode_cursor(encode_cursor(5, "s", "abc"), b"abc") == Cursor(5, "s")


def test_another_secret_is_rejected():
    token = encode_cursor(5, "s", SECRET)
    with pytest.raises(InvalidCursor, match="altered"):
        decode_cursor(token, b"other-secret")


def test_every_flipped_bit_is_detected():
    token = encode_cursor(42, "scope", SECRET)
    length = len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    for index in range(length):
        with pytest.raises(InvalidCursor):
            decode_cursor(_flip(token, index), SECRET)


def test_a_forged_position_is_rejected():
    token = encode_cursor(42, "scope", SECRET)
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    forged = raw.replace(b"42", b"99")
    assert forged != raw
    with pytest.raises(InvalidCursor):
        decode_cursor(base64.urlsafe_b64encode(forged).rstrip(b"=").decode(), SECRET)


def test_truncated_and_extended_tokens_are_rejected():
    token = encode_cursor(42, "scope", SECRET)
    for bad in (token[:-1], token[:-4], token[:4], token + "A", token + "AAAA", token + "="):
        with pytest.raises(InvalidCursor):
            decode_cursor(bad, SECRET)


@pytest.mark.parametrize(
    "garbage",
    ["x", "!!!!", "not a cursor", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Zm9v", "é", "a" * 5000, 17],
)
def test_garbage_is_rejected(garbage):
    with pytest.raises(InvalidCursor):
        decode_cursor(garbage, SECRET)


def test_invalid_cursor_is_a_value_error():
    assert issubclass(InvalidCursor, ValueError)


@pytest.mark.parametrize("position", [-1, 2**63, True, 1.0])
def test_encode_rejects_bad_positions(position):
    with pytest.raises((TypeError, ValueError)):
        encode_cursor(position, "s", SECRET)


def test_encode_rejects_an_empty_secret():
    with pytest.raises(ValueError):
        encode_cursor(1, "s", b"")
