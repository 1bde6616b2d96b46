"""The WSGI entry point for gunicorn (Procfile, deploy/humiao-web.service): ``server.wsgi:app``.

Configuration comes from the environment (server/config.py); migrations are not run here
but by the release step, ``humiao db upgrade``.
"""

from server import create_app

app = create_app()
