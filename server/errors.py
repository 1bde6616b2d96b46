"""One JSON error shape for the whole API: {"code", "status", "message", "errors"?}."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError

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
    if error.code == 400 and error.description and "JSON" in error.description.upper():
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


def _handle_unexpected(error: Exception):
    log.exception("unhandled error", exc_info=error)
    return _handle_http(InternalServerError())


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)
