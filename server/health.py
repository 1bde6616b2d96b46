"""Liveness and readiness: /healthz answers 200 only when the database answers."""

import sqlalchemy as sa
from flask import Blueprint, jsonify

from server.core.extensions import db

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:
        return jsonify({"status": "error", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": db.engine.dialect.name})
