"""Configuration: the only module that reads os.environ."""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet

from server.paths import default_instance

INSTANCE = Path(os.environ.get("HUMIAO_INSTANCE") or default_instance())


def _development_keys(instance: Path) -> dict[str, str]:
    """Keys generated once and kept under instance/ so a first run just works."""
    private_folder(instance)
    path = instance / "keys.json"
    if path.exists():
        return json.loads(path.read_text())
    keys = {
        "SECRET_KEY": secrets.token_urlsafe(32),
        "JWT_SECRET_KEY": secrets.token_urlsafe(32),
        "HUMIAO_FIELD_KEY": Fernet.generate_key().decode(),
    }
    # Created owner-only, never readable by others even for a moment.
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.write(json.dumps(keys, indent=2))
    return keys


def private_folder(folder: Path) -> None:
    """The instance folder holds the keys and the trial database: the owner's alone."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)


def _database_url(instance: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        private_folder(instance)
        return f"sqlite:///{instance / 'humiao.sqlite3'}"
    # Heroku-style URLs name the driver "postgres"; psycopg 3 is the one we ship.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    INSTANCE_PATH = INSTANCE
    _keys = None

    def __init__(self) -> None:
        needs_dev_keys = not all(
            os.environ.get(k) for k in ("SECRET_KEY", "JWT_SECRET_KEY", "HUMIAO_FIELD_KEY")
        )
        keys = _development_keys(self.INSTANCE_PATH) if needs_dev_keys else {}
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or keys["SECRET_KEY"]
        self.JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY") or keys["JWT_SECRET_KEY"]
        self.HUMIAO_FIELD_KEY = os.environ.get("HUMIAO_FIELD_KEY") or keys["HUMIAO_FIELD_KEY"]
        # Where the field key is kept when it is not in the environment (humiao rotate-field-key).
        self.FIELD_KEY_FILE = None if os.environ.get("HUMIAO_FIELD_KEY") else self.INSTANCE_PATH / "keys.json"
        self.SQLALCHEMY_DATABASE_URI = _database_url(self.INSTANCE_PATH)

    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    JSON_SORT_KEYS = False
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    # Short access tokens; long refresh tokens so a worker can stay offline for weeks.
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=15)
    JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=60)
    JWT_TOKEN_LOCATION = ["headers"]

    # A retired refresh token is honoured once within this grace (its answer may have been lost).
    REFRESH_REPLAY_GRACE = timedelta(minutes=10)

    # Login throttling (server/accounts/throttle.py), counted in the database across workers:
    # (free failures, first wait, longest wait), doubling from the first.
    LOGIN_WINDOW = timedelta(minutes=15)
    LOGIN_SLOWING_PER_ACCOUNT_AND_ADDRESS = (5, timedelta(seconds=30), timedelta(minutes=15))
    LOGIN_SLOWING_PER_ACCOUNT = (10, timedelta(seconds=2), timedelta(minutes=1))
    LOGIN_TRIES_PER_ADDRESS = 50

    API_TITLE = "Humiao 护苗 API"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    OPENAPI_SWAGGER_UI_URL = "/api/docs/static/"
    API_SPEC_OPTIONS = {
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
        },
        "security": [{"bearer": []}],
    }

    COMPRESS_MIMETYPES = [
        "application/json",
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
    ]
    COMPRESS_ALGORITHM = ["gzip"]
    COMPRESS_MIN_SIZE = 500

    SYNC_MAX_BATCH = 1000
    SYNC_MAX_PULL = 1000
    SYNC_MAX_FUTURE_SKEW_MS = 5 * 60 * 1000

    HUMIAO_TIMEZONE = os.environ.get("HUMIAO_TIMEZONE", "Asia/Shanghai")

    # How many reverse proxies (Caddy, nginx) stand in front and set X-Forwarded-*: 0 = none.
    HUMIAO_PROXIES = int(os.environ.get("HUMIAO_PROXIES") or 0)

    # Where an urgent report is POSTed for an SMS gateway; empty disables it.
    HUMIAO_WEBHOOK_URL = os.environ.get("HUMIAO_WEBHOOK_URL", "")
    HUMIAO_WEBHOOK_TIMEOUT = float(os.environ.get("HUMIAO_WEBHOOK_TIMEOUT", "5"))
    # The address users open, so a webhook's link works from an SMS; empty gives "#/reports/<id>".
    HUMIAO_PUBLIC_URL = os.environ.get("HUMIAO_PUBLIC_URL", "")


class TestConfig(Config):
    TESTING = True
    LOGIN_TRIES_PER_ADDRESS = 1000

    def __init__(self, database_url: str | None = None, instance: Path | None = None) -> None:
        if instance is not None:
            self.INSTANCE_PATH = instance
        super().__init__()
        url = database_url or os.environ.get("TEST_DATABASE_URL")
        self.SQLALCHEMY_DATABASE_URI = url or f"sqlite:///{self.INSTANCE_PATH / 'test.sqlite3'}"
        self.HUMIAO_FIELD_KEY = Fernet.generate_key().decode() if instance else self.HUMIAO_FIELD_KEY
