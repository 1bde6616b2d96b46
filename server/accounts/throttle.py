"""Login throttling that slows guessing without letting a stranger lock a worker out.

Wrong passwords are counted in the database, so every web worker (gunicorn runs several) sees
the same counts. Three counts, each within ``LOGIN_WINDOW``:

- one account from one address: after a few failures each further try waits longer (doubling);
- one account from anywhere: the same, later and capped at a short wait, so guessing from many
  addresses is slowed while the worker, at worst, waits that long to log in;
- one address, any account: past a high count the address waits until the window frees.

A wait applies to the right password too (it is checked before the password), which is what
makes it a throttle; a success clears its own account-and-address count.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from server.accounts.models import LoginFailure
from server.core.extensions import db


def account_key(username: str) -> str:
    return username.strip().lower()[:64]


def wait_seconds(account: str, address: str, now: datetime | None = None) -> int:
    """How long this attempt must still wait (0: go ahead)."""
    now = now or datetime.now(UTC)
    config = current_app.config
    since = now - config["LOGIN_WINDOW"]
    pair, anywhere, from_address = _counts(account, address, since)
    waits = [
        _backoff(pair, *config["LOGIN_SLOWING_PER_ACCOUNT_AND_ADDRESS"], now),
        _backoff(anywhere, *config["LOGIN_SLOWING_PER_ACCOUNT"], now),
    ]
    count, first = from_address
    if count >= config["LOGIN_TRIES_PER_ADDRESS"] and first is not None:
        waits.append(first + config["LOGIN_WINDOW"] - now)
    longest = max(waits)
    return max(0, math.ceil(longest.total_seconds()))


def failed(account: str, address: str) -> None:
    now = datetime.now(UTC)
    db.session.add(LoginFailure(account=account, address=address[:64], at=now))
    stale = LoginFailure.at < now - current_app.config["LOGIN_WINDOW"]
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.account == account, stale))


def succeeded(account: str, address: str) -> None:
    db.session.execute(
        sa.delete(LoginFailure).where(LoginFailure.account == account, LoginFailure.address == address[:64])
    )


def purge(now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    stale = LoginFailure.at < now - current_app.config["LOGIN_WINDOW"]
    return db.session.execute(sa.delete(LoginFailure).where(stale)).rowcount or 0


def _counts(account: str, address: str, since: datetime) -> tuple[tuple[int, datetime | None], ...]:
    """The three counts in one statement (every login asks): (count, last failure) of the
    account from this address and of the account from anywhere, (count, first failure) of
    the address for any account."""
    pair = sa.and_(LoginFailure.account == account, LoginFailure.address == address)
    mine = LoginFailure.account == account
    here = LoginFailure.address == address
    row = db.session.execute(
        sa.select(
            sa.func.count().filter(pair),
            sa.func.max(LoginFailure.at).filter(pair),
            sa.func.count().filter(mine),
            sa.func.max(LoginFailure.at).filter(mine),
            sa.func.count().filter(here),
            sa.func.min(LoginFailure.at).filter(here),
        ).where(LoginFailure.at >= since, sa.or_(mine, here))
    ).one()
    return (row[0], _aware(row[1])), (row[2], _aware(row[3])), (row[4], _aware(row[5]))


def _backoff(count_and_last, free: int, first: timedelta, longest: timedelta, now: datetime) -> timedelta:
    """After ``free`` failures, wait ``first``, then twice that … since the last failure, never
    more than ``longest``."""
    count, last = count_and_last
    if count < free or last is None:
        return timedelta(0)
    delay = min(first * 2 ** min(count - free, 20), longest)
    return last + delay - now


def _aware(value: datetime | None) -> datetime | None:
    # Aggregates bypass the column type: SQLite gives naive text-parsed datetimes.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value
