"""The server's own hybrid logical clock, for edits made through the REST API."""

from __future__ import annotations

import threading
import time

_lock = threading.Lock()
_last = (0, 0)


def server_hlc() -> str:
    """``wall_ms:counter:server``, strictly increasing within this process."""
    global _last
    with _lock:
        now = int(time.time() * 1000)
        wall, counter = _last
        _last = (now, 0) if now > wall else (wall, counter + 1)
        return f"{_last[0]}:{_last[1]}:server"


def observe(hlc_wall_ms: int, counter: int) -> None:
    """Move the clock past an HLC the server accepted, so later server edits order after it."""
    global _last
    with _lock:
        if (hlc_wall_ms, counter) > _last:
            _last = (hlc_wall_ms, counter)
