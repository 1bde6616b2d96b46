"""Serves the PWA (pwa/, or its copy in an installed wheel): the shell at /, files by path,
the service worker uncached."""

from __future__ import annotations

from flask import Blueprint, abort, send_from_directory

from server.paths import PWA_DIR

# Tests and tooling live beside the app but are not part of it.
PRIVATE = {"tests", "node_modules"}

blp = Blueprint("pwa", __name__)


@blp.get("/")
def index():
    response = send_from_directory(PWA_DIR, "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@blp.get("/sw.js")
def service_worker():
    response = send_from_directory(PWA_DIR, "sw.js", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@blp.get("/<path:path>")
def asset(path: str):
    if path.startswith("api/") or path.split("/", 1)[0] in PRIVATE:
        abort(404)
    response = send_from_directory(PWA_DIR, path, max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
