"""Importing a ledger: validate every row, set duplicates aside, then write the rest at once.

The choice (DESIGN asks to document it): **validate all, then write all valid rows in one
transaction**. Invalid rows are reported with their errors and written nowhere; duplicates
(of the register or of an earlier row of the same file) are reported and skipped. The person
corrects the rejected rows and imports the file again: rows already imported are then
duplicates, so a re-import never doubles a child. ``all_or_nothing`` writes nothing at all
when any row is rejected; ``dry_run`` only reports what an import would do. Either way a
failure while writing rolls the whole transaction back: nothing is ever half imported.

A row duplicates a child when its resident ID (keyed hash) is already registered anywhere, or
when, without an ID, the same name and birth date live at the same address of the same grid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from server.audit.service import audit
from server.core.extensions import db
from server.core.scope import Scope
from server.ledger import writer
from server.ledger.reader import Ledger
from server.ledger.rows import Candidate, RowChecker, normalise_address
from server.registry.models import Household, Minor

PROGRESS_EVERY = 500
LIST_LIMIT = 1000
CHUNK = 500

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class Options:
    dry_run: bool = False
    all_or_nothing: bool = False


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def registered_hashes(hashes: list[str], scope: Scope) -> dict[str, str | None]:
    """ID hash -> the registered minor's id when in scope (else None: it exists elsewhere)."""
    found: dict[str, str | None] = {}
    for chunk in _chunks(hashes):
        rows = db.session.execute(
            sa.select(Minor.id_number_hash, Minor.id, Minor.area_path).where(
                Minor.id_number_hash.in_(chunk), Minor.deleted_at.is_(None)
            )
        )
        for key, minor_id, path in rows:
            found[key] = minor_id if scope.covers(path) else None
    return found


def registered_identities(candidates: list[Candidate]) -> dict[tuple, str]:
    """(grid, address, name, birth date) -> minor id, for the names and grids of the file."""
    grids = sorted({c.grid.id for c in candidates})
    names = sorted({c.minor["name"] for c in candidates})
    found: dict[tuple, str] = {}
    for chunk in _chunks(names):
        rows = db.session.execute(
            sa.select(Household.grid_id, Household.address, Minor.name, Minor.birth_date, Minor.id)
            .join(Household, Household.id == Minor.household_id)
            .where(Household.grid_id.in_(grids), Minor.name.in_(chunk), Minor.deleted_at.is_(None))
        )
        for grid_id, address, name, birth, minor_id in rows:
            found.setdefault((grid_id, normalise_address(address), name, birth), minor_id)
    return found


def split_duplicates(scope: Scope, candidates: list[Candidate]) -> tuple[list[Candidate], list[dict]]:
    """The candidates to write, and the duplicates: of the register, or of an earlier row."""
    by_hash = registered_hashes(sorted({c.id_hash for c in candidates if c.id_hash}), scope)
    by_identity = registered_identities(candidates)
    seen_hash: dict[str, int] = {}
    seen_identity: dict[tuple, int] = {}
    accepted, duplicates = [], []
    for c in candidates:
        entry = None
        if c.id_hash and c.id_hash in by_hash:
            entry = {
                "row": c.row,
                "reason": "id_number",
                "existing": "database",
                "minor_id": by_hash[c.id_hash],
            }
        elif c.id_hash and c.id_hash in seen_hash:
            entry = {
                "row": c.row,
                "reason": "id_number",
                "existing": "file",
                "first_row": seen_hash[c.id_hash],
            }
        elif c.identity in by_identity:
            entry = {
                "row": c.row,
                "reason": "name_birth_address",
                "existing": "database",
                "minor_id": by_identity[c.identity],
            }
        elif c.identity in seen_identity:
            entry = {
                "row": c.row,
                "reason": "name_birth_address",
                "existing": "file",
                "first_row": seen_identity[c.identity],
            }
        if entry:
            entry["message"] = MESSAGES[(entry["reason"], entry["existing"])]
            duplicates.append(entry)
            continue
        if c.id_hash:
            seen_hash[c.id_hash] = c.row
        seen_identity.setdefault(c.identity, c.row)
        accepted.append(c)
    return accepted, duplicates


MESSAGES = {
    ("id_number", "database"): "该身份证号已登记，未重复导入",
    ("id_number", "file"): "与本文件前面一行的身份证号相同",
    ("name_birth_address", "database"): "同一网格同一住址已有同名同生日的儿童，未重复导入",
    ("name_birth_address", "file"): "与本文件前面一行的姓名、出生日期、住址相同",
}


def import_ledger(
    scope: Scope,
    ledger: Ledger,
    options: Options,
    progress: Progress | None = None,
    job_id: str | None = None,
) -> dict:
    """Validate, sort out duplicates, write; the caller commits (or rolls back on an error)."""
    checker = RowChecker(scope)
    candidates: list[Candidate] = []
    rejected: list[dict] = []
    total = 0
    for number, raw in ledger.rows():
        total += 1
        checked = checker.check(number, raw)
        if isinstance(checked, Candidate):
            candidates.append(checked)
        else:
            rejected.append({"row": number, "errors": checked})
        if progress and total % PROGRESS_EVERY == 0:
            progress("validating", total)
    accepted, duplicates = split_duplicates(scope, candidates)
    blocked = options.all_or_nothing and bool(rejected)
    written = bool(accepted) and not options.dry_run and not blocked
    households = 0
    if written:
        if progress:
            progress("writing", total)
        households = writer.write(scope, accepted)
    summary = {
        "total": total,
        "accepted": len(accepted) if not blocked else 0,
        "valid": len(accepted),
        "rejected_count": len(rejected),
        "duplicates_count": len(duplicates),
        "households_created": households,
        "written": written,
        "dry_run": options.dry_run,
        "all_or_nothing": options.all_or_nothing,
    }
    audit("import", "ledger", job_id, user_id=scope.user.id, extra=summary)
    return {
        **summary,
        "rejected": rejected[:LIST_LIMIT],
        "duplicates": duplicates[:LIST_LIMIT],
        "truncated": len(rejected) > LIST_LIMIT or len(duplicates) > LIST_LIMIT,
    }
