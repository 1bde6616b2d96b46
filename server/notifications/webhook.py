"""The webhook of urgent reports (for an SMS gateway or a duty phone): POSTed after commit.

A delivery is written in the same transaction as the report, so a report that rolls back sends
nothing; it is sent once that transaction has committed (at the end of the request, when no row
lock is held), and its outcome is kept on the row. A failure is logged and recorded and never
touches the filing; ``humiao refresh`` retries failed deliveries.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import orm as so

from server.core.db import utcnow
from server.core.extensions import db
from server.notifications.models import WebhookDelivery

log = logging.getLogger(__name__)

_QUEUED = "humiao.webhooks.queued"
_COMMITTED = "humiao.webhooks.committed"
MAX_ATTEMPTS = 5


def send(url: str, payload: dict, timeout: float) -> None:
    """POST ``payload`` as JSON; any answer but 2xx raises. Tests replace this function."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        if not 200 <= response.status < 300:
            raise OSError(f"webhook answered {response.status}")


def queue(event: str, record_id: str, payload: dict) -> WebhookDelivery | None:
    """Write a delivery to be sent after commit; nothing when no webhook is configured."""
    url = current_app.config.get("HUMIAO_WEBHOOK_URL")
    if not url:
        return None
    delivery = WebhookDelivery(event=event, record_id=record_id, url=url, payload=payload)
    db.session.add(delivery)
    db.session.flush()
    db.session.info.setdefault(_QUEUED, []).append(delivery.id)
    return delivery


def _committed(session: so.Session) -> None:
    queued = session.info.pop(_QUEUED, None)
    if queued:
        session.info.setdefault(_COMMITTED, []).extend(queued)


sa.event.listen(so.Session, "after_commit", _committed)


def deliver(delivery: WebhookDelivery) -> bool:
    delivery.attempts += 1
    try:
        send(delivery.url, delivery.payload, current_app.config.get("HUMIAO_WEBHOOK_TIMEOUT", 5))
    except Exception as exc:  # any failure of the far end is recorded, never raised
        delivery.status = "failed"
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:1000]
        log.warning("webhook delivery %s for %s failed: %s", delivery.id, delivery.record_id, exc)
        return False
    delivery.status, delivery.last_error, delivery.sent_at = "sent", None, utcnow()
    return True


def deliver_committed(response):
    """After a request: send what this request committed, and keep each outcome.

    Ids of deliveries that were rolled back afterwards (a savepoint of a sync batch) find no
    pending row and are skipped.
    """
    if not db.session.registry.has():  # this request never opened a session
        return response
    ids = db.session.info.pop(_COMMITTED, None)
    if not ids:
        return response
    try:
        for delivery_id in ids:
            delivery = db.session.get(WebhookDelivery, delivery_id)
            if delivery is not None and delivery.status == "pending":
                deliver(delivery)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("recording webhook deliveries failed")
    return response


def retry_failed(older_than: timedelta = timedelta(minutes=1)) -> tuple[int, int]:
    """Send again what failed or was never sent (a crash between commit and send): (sent, failed)."""
    stmt = (
        sa.select(WebhookDelivery)
        .where(WebhookDelivery.status.in_(("pending", "failed")), WebhookDelivery.attempts < MAX_ATTEMPTS)
        .where(WebhookDelivery.created_at < utcnow() - older_than)
        .order_by(WebhookDelivery.id)
        .limit(500)
    )
    outcomes = [deliver(d) for d in db.session.scalars(stmt).all()]
    return outcomes.count(True), outcomes.count(False)
