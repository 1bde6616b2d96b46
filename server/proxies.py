"""Behind a reverse proxy (docs/deploy.md): trust its X-Forwarded-* headers, and only its.

Caddy or nginx terminates TLS and passes the request on over plain HTTP from 127.0.0.1.
Without this, every request would look like plain HTTP from the proxy's own address: no HSTS,
``http://`` in generated links, and the login limit per address shared by the whole street.
``HUMIAO_PROXIES`` says how many proxies stand in front (1 for Caddy or nginx on the same
machine). It must not be larger: a client could then forge its address and scheme.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def apply(app: Flask) -> None:
    hops = int(app.config.get("HUMIAO_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
