"""The server's REST API over real HTTP: what the tests check the phone's work against."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

PASSWORD = "demo-password-1"


class Rest:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self.tokens:
            body = {"username": username, "password": PASSWORD, "device_id": f"e2e-rest-{username}"}
            status, data = self.call("POST", "/api/auth/login", body=body)
            assert status == 200, data
            self.tokens[username] = data["access_token"]
        return self.tokens[username]

    def call(self, method: str, path: str, user: str | None = None, body=None):
        """(status, parsed JSON body) of one request, as ``user`` when given."""
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        if user:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        return status, json.loads(raw) if raw else None

    def get(self, path: str, user: str):
        status, data = self.call("GET", path, user)
        assert status == 200, (path, status, data)
        return data

    def post(self, path: str, user: str, body):
        status, data = self.call("POST", path, user, body)
        assert status in (200, 201), (path, status, data)
        return data

    def patch(self, path: str, user: str, body):
        status, data = self.call("PATCH", path, user, body)
        assert status == 200, (path, status, data)
        return data
