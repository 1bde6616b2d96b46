"""``humiao rotate-field-key``: every resident ID number re-encrypted under a new field key.

What the field key protects (server/registry/idnumber.py, server/sync_api/sealed.py): each
minor's encrypted ID number and its keyed look-up hash, and the ID numbers sealed inside
conflict records and quarantined mutations. All of it is rewritten in one transaction, after
every value has been read with the old key; the masks and the records' versions do not
change (the numbers themselves do not, and phones never hold them).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlalchemy import orm as so

from server.registry.idnumber import FieldCipher
from server.registry.models import Minor
from server.sync_api.models import ConflictRecord, QuarantinedMutation
from server.sync_api.sealed import SEAL, is_sealed

BATCH = 500


@dataclass
class Rotated:
    minors: int = 0
    conflicts: int = 0
    quarantined: int = 0

    def __str__(self) -> str:
        return f"{self.minors} minors, {self.conflicts} conflict records, {self.quarantined} quarantined mutations"


def rotate(session: so.Session, old_key: str, new_key: str) -> Rotated:
    """Re-encrypt under ``new_key`` what is encrypted under ``old_key``; the caller commits.

    Raises ValueError, before anything is written to the database, if a value does not open
    with ``old_key``.
    """
    if old_key == new_key:
        raise ValueError("新旧密钥相同 / The new field key is the old one.")
    old, new = FieldCipher(old_key), FieldCipher(new_key)
    done = Rotated()
    minors = list(_minor_updates(session, old, new))
    for start in range(0, len(minors), BATCH):
        session.execute(sa.update(Minor), minors[start : start + BATCH])
    done.minors = len(minors)

    def reseal(value):
        if is_sealed(value):
            return {SEAL: new.encrypt(old.decrypt(value[SEAL]))}
        if isinstance(value, dict):
            return {k: reseal(v) for k, v in value.items()}
        if isinstance(value, list):
            return [reseal(v) for v in value]
        return value

    for conflict in session.scalars(sa.select(ConflictRecord)):
        kept, discarded = reseal(conflict.kept_value), reseal(conflict.discarded_value)
        if (kept, discarded) != (conflict.kept_value, conflict.discarded_value):
            conflict.kept_value, conflict.discarded_value = kept, discarded
            done.conflicts += 1
    for mutation in session.scalars(sa.select(QuarantinedMutation)):
        resealed = reseal(mutation.mutation)
        if resealed != mutation.mutation:
            mutation.mutation = resealed
            done.quarantined += 1
    session.flush()
    return done


def _minor_updates(session: so.Session, old: FieldCipher, new: FieldCipher):
    """New ciphertext and hash of every minor with an ID number, read in pages by id."""
    after = ""
    while True:
        page = session.execute(
            sa.select(Minor.id, Minor.id_number_enc)
            .where(Minor.id_number_enc.is_not(None), Minor.id > after)
            .order_by(Minor.id)
            .limit(BATCH)
        ).all()
        if not page:
            return
        for minor_id, token in page:
            number = old.decrypt(token)
            yield {
                "id": minor_id,
                "id_number_enc": new.encrypt(number),
                "id_number_hash": new.keyed_hash(number),
                "id_tail_hash": new.tail_hash(number),
            }
        after = page[-1].id


def key_from_file(path: Path) -> str:
    """The key in ``path``; a new one is written there (owner-only) if the file does not exist.

    The new key is on disk before any data is encrypted under it.
    """
    if not path.exists():
        key = Fernet.generate_key().decode()
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
            out.write(key + "\n")
        return key
    key = path.read_text(encoding="utf-8").strip()
    Fernet(key)  # ValueError if it is not a Fernet key
    return key


def update_keys_file(path: Path, **changes: str | None) -> None:
    """Set (or, with None, drop) entries of the instance's keys.json, replaced atomically."""
    keys = json.loads(path.read_text(encoding="utf-8"))
    for name, value in changes.items():
        if value is None:
            keys.pop(name, None)
        else:
            keys[name] = value
    fresh = path.with_name(path.name + ".new")
    fresh.unlink(missing_ok=True)
    with os.fdopen(os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.write(json.dumps(keys, indent=2))
    os.replace(fresh, path)
