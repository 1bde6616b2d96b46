"""Humiao (护苗): the street's central registry and sync server."""

from __future__ import annotations

import os

from flask import Flask

from server.config import Config


def create_app(config: Config | None = None) -> Flask:
    config = config or Config()
    app = Flask(__name__, instance_path=str(config.INSTANCE_PATH), static_folder=None)
    app.config.from_object(config)
    from server.core import input as bounded_input

    bounded_input.register(app)  # before the routes, so <int:…> is the bounded converter
    configure_extensions(app)
    register_blueprints(app)
    from server.core.errors import register_error_handlers

    register_error_handlers(app)
    from server import proxies, security

    security.register(app)
    proxies.apply(app)
    return app


def configure_extensions(app: Flask) -> None:
    from flask_compress import Compress

    from server.accounts import tokens
    from server.core.extensions import api, db, jwt
    from server.registry.idnumber import FieldCipher

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
    jwt.init_app(app)
    api.init_app(app)
    Compress(app)
    tokens.register(jwt)
    app.extensions["humiao.cipher"] = FieldCipher(app.config["HUMIAO_FIELD_KEY"])


def configure_sqlite(engine) -> None:
    """Real transactions on SQLite that wait for each other rather than fail.

    pysqlite's implicit BEGIN would break savepoints and locking. A plain (deferred) BEGIN is
    not enough either: most requests write (a full read is audited), and a transaction that
    read first cannot upgrade to writing while another writes -- SQLite answers "database is
    locked" at once, whatever the busy timeout. BEGIN IMMEDIATE takes the write lock up front,
    so concurrent requests queue on the busy timeout instead. WAL keeps readers of other
    connections unblocked meanwhile.
    """
    import sqlalchemy as sa

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # The busy timeout first: switching to WAL may itself wait for another connection.
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
        if engine.url.database and engine.url.database != ":memory:" and os.path.exists(engine.url.database):
            os.chmod(engine.url.database, 0o600)  # the registry is the owner's alone

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def register_blueprints(app: Flask) -> None:
    from server import health, pwa
    from server.accounts.routes import auth_blp, users_blp
    from server.areas.routes import blp as areas_blp
    from server.core.extensions import api
    from server.duplicates import routes as _duplicate_views  # noqa: F401  (views under /api/minors)
    from server.ledger.routes import blp as ledger_blp
    from server.measures.routes import blp as measures_blp  # /api/measures, and views under /api/minors
    from server.notifications.routes import blp as notifications_blp
    from server.referrals.routes import blp as referrals_blp
    from server.registry import grading_routes as _grading_views  # noqa: F401  (views under /api/minors)
    from server.registry.routes import households_blp, minors_blp
    from server.registry.settings_routes import rules_blp, settings_blp
    from server.reports.routes import blp as reports_blp
    from server.stats.routes import blp as stats_blp
    from server.sync_api.routes import register as register_sync
    from server.visits.routes import blp as visits_blp

    for blueprint in (
        auth_blp,
        users_blp,
        areas_blp,
        households_blp,
        minors_blp,
        settings_blp,
        rules_blp,
        visits_blp,
        reports_blp,
        referrals_blp,
        measures_blp,
        notifications_blp,
        stats_blp,
        ledger_blp,
    ):
        api.register_blueprint(blueprint)
    register_sync(api)
    app.register_blueprint(health.blp)
    app.register_blueprint(pwa.blp)
