"""No plain resident ID number at rest in what sync keeps aside: quarantine and conflicts.

A rejected mutation is kept as it came, and a value a merge discarded is kept for a supervisor
to restore; either may hold a whole ID number. Before they are stored, ID numbers are sealed
with the field key (the same Fernet key as ``Minor.id_number_enc``): the value under an
``id_number`` key, and any text that carries something shaped like one (a malformed payload
may put it anywhere). Readers see the mask; only a restore opens the seal.
"""

from __future__ import annotations

import re

from server.registry import idnumber
from server.registry.service import cipher

SEALED_FIELDS = frozenset({"id_number"})
ID_SHAPED = re.compile(r"\d{17}[\dXx]|\d{15}")
SEAL = "sealed"


def seal(value):
    return {SEAL: cipher().encrypt(value)} if isinstance(value, str) else value


def is_sealed(value) -> bool:
    return isinstance(value, dict) and set(value) == {SEAL} and isinstance(value[SEAL], str)


def unseal(value):
    return cipher().decrypt(value[SEAL]) if is_sealed(value) else value


def masked(value):
    """What a reader of a conflict sees of a sealed value."""
    return idnumber.mask(unseal(value)) if is_sealed(value) else value


def seal_payload(payload, key: str | None = None):
    """``payload`` (any JSON) with every ID number in it sealed."""
    if isinstance(payload, dict):
        return {k: seal_payload(v, k if isinstance(k, str) else None) for k, v in payload.items()}
    if isinstance(payload, list):
        return [seal_payload(v) for v in payload]
    if isinstance(payload, str) and (key in SEALED_FIELDS or ID_SHAPED.search(payload)):
        return seal(payload)
    return payload


def seal_value(field: str | None, value):
    """A conflict's kept or discarded value of ``field``, ready to store."""
    return seal_payload(value, field)
