"""Response headers that keep the browser on our side (docs/security.md).

Every answer: no MIME sniffing, no framing, no referrer, a strict Content-Security-Policy.
The app shell runs no inline script except its import map, which browsers load only inline;
it is allowed by its hash, taken from the shipped index.html at start, so an edited page
cannot widen it. API answers carry personal data and are never stored by a cache
(``no-store``). HSTS is sent when the request arrived over HTTPS (behind the TLS proxy of
docs/deploy.md, which sets X-Forwarded-Proto).
"""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, request

from server.pwa import PWA_DIR

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), geolocation=(self), microphone=(), payment=(), usb=()",
}


def inline_script_hashes(html: str) -> list[str]:
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in INLINE_SCRIPT.findall(html)
    ]


def policy(script_sources: list[str]) -> str:
    # Styles may be inline: the charts and Preact set element styles; scripts may not.
    return "; ".join(
        [
            "default-src 'self'",
            "script-src " + " ".join(["'self'", *script_sources]),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def register(app: Flask) -> None:
    index = PWA_DIR / "index.html"
    shell_policy = policy(inline_script_hashes(index.read_text(encoding="utf-8")) if index.exists() else [])
    # The API explorer's page starts Swagger UI with an inline script of its own; it shows no data.
    docs_policy = policy(["'unsafe-inline'"])
    docs_path = (app.config.get("OPENAPI_URL_PREFIX") or "") + (
        app.config.get("OPENAPI_SWAGGER_UI_PATH") or ""
    )

    @app.after_request
    def _security_headers(response):
        for name, value in COMMON.items():
            response.headers.setdefault(name, value)
        is_docs = bool(docs_path) and request.path.startswith(docs_path)
        response.headers.setdefault("Content-Security-Policy", docs_policy if is_docs else shell_policy)
        if request.path.startswith("/api/") and not is_docs:
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
