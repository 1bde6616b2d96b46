"""Bounds every request meets before any schema sees it: JSON nesting, integer path ids.

Python's JSON decoder recurses; a body of a million brackets ends in RecursionError (a 500)
inside the parser, before any schema can refuse it. No request of ours nests deeper than a
few levels, so deeper JSON is refused as malformed. Integer ids in paths are bounded by the
database's integer and text in paths by 64 characters, so an id past them is simply not found.
"""

from __future__ import annotations

import re

from flask import Flask, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, UnicodeConverter

MAX_DEPTH = 32
STRINGS = re.compile(rb'"(?:\\.|[^"\\])*"')
BRACKETS = re.compile(rb"[\[\]{}]")
TOO_DEEP = "请求体嵌套过深 / The JSON body is nested too deeply."


def too_deep(body: bytes, limit: int = MAX_DEPTH) -> bool:
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for bracket in BRACKETS.findall(STRINGS.sub(b"", body)):
        depth += 1 if bracket in (b"[", b"{") else -1
        if depth > limit:
            return True
    return False


class DatabaseInteger(IntegerConverter):
    """<int:…> ids fit the database's 32-bit integer; anything larger matches no route (404)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


class BoundedText(UnicodeConverter):
    """Text in a path (record ids are UUIDs) is at most 64 characters; longer matches no route."""

    def __init__(self, map, minlength: int = 1, maxlength: int | None = 64, length=None) -> None:
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.maxlength = maxlength


def register(app: Flask) -> None:
    from server.core.extensions import api

    app.url_map.converters["int"] = DatabaseInteger
    app.url_map.converters["default"] = app.url_map.converters["string"] = BoundedText
    api.register_converter(
        BoundedText, lambda converter: {"type": "string", "maxLength": converter.maxlength}
    )

    @app.before_request
    def _bounded_json():
        if request.is_json and too_deep(request.get_data(cache=True)):
            raise BadRequest(TOO_DEEP)
