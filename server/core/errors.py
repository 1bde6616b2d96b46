"""One JSON error shape for the whole API: {"code", "status", "message", "errors"?}.

Services raise the domain errors below and know nothing of HTTP; routes never catch them. The
one handler registered here rolls the request's writes back and answers in that shape.
"""

from __future__ import annotations

import logging

import marshmallow as ma
from flask import Flask, jsonify
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from server.core.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: "请求格式错误 / The request is malformed: send valid JSON.",
    401: "请先登录 / Log in first: the token is missing, expired or revoked.",
    403: "您的角色无权执行此操作 / Your role may not do this.",
    404: "未找到该记录，或不在您的辖区 / Not found, or not in your area.",
    405: "不支持该请求方法 / This method is not allowed here.",
    409: "记录已被修改，请刷新后重试 / The record changed meanwhile: reload and retry.",
    413: "提交的数据过大 / The request body is too large.",
    422: "提交的数据有误，请按提示修改 / Some fields are invalid: see errors.",
    429: "尝试次数过多，请稍后再试 / Too many attempts: wait a little and retry.",
    500: "服务器内部错误，已记录 / Internal error: it has been logged.",
}


class DomainError(Exception):
    """A request a service refuses; ``status`` is how the API answers it."""

    status = 400
    # For programs, like a refused token's ``reason`` (server/accounts/tokens.py).
    reason: str | None = None

    def __init__(self, errors: dict | None = None, message: str | None = None) -> None:
        super().__init__(errors or message)
        self.errors = errors or {}
        self.message = message

    def answer_errors(self) -> dict | None:
        """What the API answer lists under ``errors`` (none unless a subclass says)."""
        return None

    def headers(self) -> dict:
        return {}


class FieldErrors(DomainError, ValueError):
    """Per-field validation errors in marshmallow's shape; ``location`` names the input."""

    status = 422

    def __init__(self, errors: dict, location: str = "json") -> None:
        super().__init__(errors)
        self.location = location

    def answer_errors(self) -> dict | None:
        return {self.location: self.errors}


class NotPermitted(FieldErrors):
    """The fields are valid, but this role may not change them (403, or a rejected mutation)."""

    status = 403


class Forbidden(DomainError):
    """This role may not use this at all."""

    status = 403


class DeviceLost(DomainError):
    """A street admin marked this phone lost: no one logs in from it until the mark is cleared.
    ``reason`` tells the phone to wipe itself, as a refused token with this reason does."""

    status = 403
    reason = "device_lost"
    MESSAGE = (
        "此设备已被标记为丢失，本机数据已清除。请联系街道管理员 / "
        "This device was marked lost: its data is wiped. Contact the street office."
    )

    def __init__(self) -> None:
        super().__init__(message=self.MESSAGE)


class NotFound(DomainError):
    """No such record, or not in the caller's scope: the two are never told apart."""

    status = 404


class Conflict(DomainError):
    """The record's state forbids this now (a household with members, a handled conflict)."""

    status = 409

    def __init__(self, message: str) -> None:
        super().__init__({"_schema": [message]}, message)


class TooManyTries(DomainError):
    """Slowed down: try again after ``wait`` seconds."""

    status = 429

    def __init__(self, wait: int) -> None:
        super().__init__(
            message=f"尝试次数过多，请 {wait} 秒后再试 / Too many attempts: wait {wait} s and retry."
        )
        self.wait = wait

    def headers(self) -> dict:
        return {"Retry-After": str(self.wait)}


def error_payload(code: int, name: str, message: str | None = None, errors=None) -> dict:
    payload = {"code": code, "status": name, "message": message or MESSAGES.get(code, name)}
    if errors:
        payload["errors"] = errors
    return payload


def _handle_http(error: HTTPException):
    data = getattr(error, "data", None) or {}
    message = data.get("message")
    if message is None and error.description and error.description != type(error).description:
        message = error.description
    if error.code == 429:
        message = f"{MESSAGES[429]} ({error.description})"
    # A parser's own English words about bad JSON get ours; a message of ours (Chinese first) stays.
    said_by_us = bool(message) and not message.isascii()
    if error.code == 400 and error.description and "JSON" in error.description.upper() and not said_by_us:
        message = "请求体不是有效的 JSON / The request body is not valid JSON."
    response = jsonify(
        error_payload(error.code, error.name, message, data.get("messages") or data.get("errors"))
    )
    response.status_code = error.code
    for key, value in (data.get("headers") or {}).items():
        response.headers[key] = value
    if error.code == 429:
        response.headers.setdefault("Retry-After", "60")
    return response


def _handle_domain(error: DomainError):
    db.session.rollback()
    code = error.status
    payload = error_payload(code, HTTP_STATUS_CODES[code], error.message, error.answer_errors())
    if error.reason:
        payload["reason"] = error.reason
    response = jsonify(payload)
    response.status_code = code
    response.headers.update(error.headers())
    return response


def _handle_invalid(error: ma.ValidationError):
    """A schema applied inside a service (a sync payload, a restored value) refused the data."""
    return _handle_domain(FieldErrors(error.normalized_messages()))


OUT_OF_RANGE = "数值或日期超出范围 / A number or date is out of range."
NOT_STORABLE = "引用的记录不存在，或与已有记录重复 / It refers to a record that does not exist, or repeats one that does."
BAD_TEXT = "文本含有无效字符 / A text holds characters that are not valid Unicode."


def refusal_message(error: Exception) -> str:
    original = getattr(error, "orig", error)
    if isinstance(original, UnicodeError):
        return BAD_TEXT
    if isinstance(error, sa_exc.IntegrityError):
        return NOT_STORABLE
    return OUT_OF_RANGE


def _handle_storage(error: Exception):
    """What the database or a conversion refused: bad input the schemas did not catch, so a 422.

    Logged with its traceback, since a schema should have caught it first.
    """
    log.warning("input refused by the database or a conversion", exc_info=error)
    db.session.rollback()
    response = jsonify(error_payload(422, HTTP_STATUS_CODES[422], refusal_message(error)))
    response.status_code = 422
    return response


def _handle_statement(error: sa_exc.StatementError):
    if isinstance(error.orig, OverflowError | UnicodeError):
        return _handle_storage(error)
    return _handle_unexpected(error)


def _handle_unexpected(error: Exception):
    log.exception("unhandled error", exc_info=error)
    return _handle_http(InternalServerError())


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(DomainError, _handle_domain)
    app.register_error_handler(ma.ValidationError, _handle_invalid)
    app.register_error_handler(OverflowError, _handle_storage)
    app.register_error_handler(UnicodeError, _handle_storage)
    app.register_error_handler(sa_exc.IntegrityError, _handle_storage)
    app.register_error_handler(sa_exc.DataError, _handle_storage)
    app.register_error_handler(sa_exc.StatementError, _handle_statement)
    app.register_error_handler(Exception, _handle_unexpected)
