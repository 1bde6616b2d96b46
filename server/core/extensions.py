"""Extensions, created once and bound to the app in create_app."""

from flask import request
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy

from server.core.db import Base

db = SQLAlchemy(model_class=Base)
jwt = JWTManager()
api = Api()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def login_account_key() -> str:
    """Throttle key for one account, whatever address it is tried from."""
    body = request.get_json(silent=True) or {}
    username = body.get("username") if isinstance(body, dict) else None
    return f"account:{str(username or '').strip().lower()}"
