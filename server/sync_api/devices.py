"""Devices: how each phone syncs, for supervisors, and a lost phone marked by a street admin.

Marking a phone lost (标记丢失) ends at once every login session made on it: its access and
refresh tokens are refused on the very next request with reason ``device_lost``, and the phone
wipes itself at that contact (unsent work on it is lost). Until the mark is cleared no one logs
in from it; the same user on another phone is not touched. The device id is the phone's own
(sent at login): the mark stops the app on that phone, it does not stop someone who knows the
password (disable the account or reset its password for that).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm as so

from server.accounts import sessions
from server.accounts.models import LoginSession, User
from server.accounts.service import managed_users
from server.audit.service import audit
from server.core.db import utcnow
from server.core.errors import NotFound
from server.core.events import device_refused
from server.core.extensions import db
from server.core.scope import Scope
from server.sync_api.models import Device


def _watched(scope: Scope) -> sa.Select:
    """Devices of the users wholly inside the scope. An account that spans streets (a county
    viewer) is no street's to watch."""
    in_scope = managed_users(scope).with_only_columns(User.id)
    return sa.select(Device).where(Device.user_id.in_(in_scope))


def listed(scope: Scope) -> list[Device]:
    """The devices a supervisor watches, the longest silent first: who has not synced for days."""
    stmt = (
        _watched(scope)
        .options(so.selectinload(Device.user), so.selectinload(Device.lost_by_user))
        .order_by(sa.func.coalesce(Device.last_push_at, Device.last_pull_at).asc().nulls_first())
    )
    return list(db.session.scalars(stmt))


def watched_device(scope: Scope, client_id: str) -> Device:
    """One device of the scope, by the scope's rule now; another's or an unknown one is 404."""
    if "\x00" in client_id:  # no id holds one, and PostgreSQL refuses it in a query
        raise NotFound()
    device = db.session.scalar(_watched(scope).where(Device.client_id == client_id).with_for_update())
    if device is None:
        raise NotFound()
    return device


def mark_lost(scope: Scope, device: Device) -> int:
    """Mark the phone lost and end every session made on it, whoever logged in; returns how many
    ended. Marking it again keeps the first mark's time and author."""
    if device.lost_at is None:
        device.lost_at, device.lost_by = utcnow(), scope.user.id
    live = db.session.scalars(
        sa.select(LoginSession).where(
            LoginSession.device == device.client_id, LoginSession.ended_at.is_(None)
        )
    ).all()
    for session in live:
        sessions.end(session, sessions.DEVICE_LOST)
    _audit("mark_lost", device, sessions_ended=len(live))
    return len(live)


def clear_lost(device: Device) -> None:
    """Found again: logins from the phone are taken again. The sessions the mark ended stay ended."""
    device.lost_at, device.lost_by = None, None
    _audit("clear_lost", device)


def _audit(action: str, device: Device, **extra) -> None:
    # The audit's record id holds 36 characters; a device id may have 64, so it is kept whole beside.
    audit(
        action,
        "device",
        device.client_id[:36],
        extra={"client_id": device.client_id, "owner_id": device.user_id, **extra},
    )


@device_refused.connect
def _lost(_sender, device_id: str) -> bool:
    """A login from a phone marked lost is refused (server/accounts/routes.py)."""
    return bool(
        db.session.scalar(sa.select(Device.lost_at.is_not(None)).where(Device.client_id == device_id[:64]))
    )
