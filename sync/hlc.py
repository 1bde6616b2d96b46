"""Hybrid logical clock (混合逻辑时钟): ``wall_ms:counter:node`` ordered as (int, int, str).

An HLC stays close to wall time but never goes backwards and always orders an event after
the events it has seen, so edits are never ordered by a phone's wall clock alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["HLC", "MAX_INT", "Clock", "InvalidHLC", "clamp", "wall_clock_ms"]

# Both numbers are stored in signed 64-bit database columns.
MAX_INT = 2**63 - 1


class InvalidHLC(ValueError):
    """A malformed hybrid logical clock value."""


def _check_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidHLC(f"HLC {name} must be an integer, got {value!r}.")
    if not 0 <= value <= MAX_INT:
        raise InvalidHLC(f"HLC {name} must be between 0 and {MAX_INT}, got {value}.")


@dataclass(frozen=True, order=True)
class HLC:
    wall_ms: int
    counter: int
    node: str

    def __post_init__(self) -> None:
        _check_int("wall_ms", self.wall_ms)
        _check_int("counter", self.counter)
        if not isinstance(self.node, str) or not self.node:
            raise InvalidHLC("HLC node (the client id) must be a non-empty string.")

    @classmethod
    def parse(cls, text: str | HLC) -> HLC:
        """Parse the wire form ``"1764430000000:0:device-uuid"``."""
        if isinstance(text, HLC):
            return text
        if not isinstance(text, str):
            raise InvalidHLC(f"HLC must be a string like 'wall_ms:counter:node', got {text!r}.")
        # maxsplit=2 so that a node containing ':' still round-trips.
        parts = text.split(":", 2)
        if len(parts) != 3:
            raise InvalidHLC(f"HLC {text!r} must have three parts 'wall_ms:counter:node'.")
        wall, counter, node = parts
        return cls(_parse_int("wall_ms", wall, text), _parse_int("counter", counter, text), node)

    def __str__(self) -> str:
        return f"{self.wall_ms}:{self.counter}:{self.node}"


def _parse_int(name: str, part: str, text: str) -> int:
    # int() would also accept '+1', ' 1', '1_0' and non-ASCII digits; the wire form is stricter.
    if not (part.isascii() and part.isdigit()):
        raise InvalidHLC(f"HLC {text!r}: {name} must be a non-negative integer, got {part!r}.")
    if len(part) > 19:
        raise InvalidHLC(f"HLC {text!r}: {name} is too large.")
    return int(part)


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class Clock:
    """The HLC of one node: ``tick()`` for a local event, ``receive()`` on a remote one."""

    def __init__(
        self,
        node: str,
        now_ms: Callable[[], int] = wall_clock_ms,
        last: HLC | None = None,
    ) -> None:
        self.node = node
        self._now_ms = now_ms
        # Resuming from a stored ``last`` keeps the clock monotonic across restarts.
        self._wall = last.wall_ms if last else 0
        self._counter = last.counter if last else 0
        HLC(self._wall, self._counter, node)  # validates the node early

    @property
    def last(self) -> HLC:
        return HLC(self._wall, self._counter, self.node)

    def tick(self) -> HLC:
        now = self._now_ms()
        if now > self._wall:
            self._wall, self._counter = now, 0
        else:
            # The wall clock stalled or went back: keep the old wall time, count up.
            self._counter += 1
        return self.last

    def receive(self, remote: HLC) -> HLC:
        now = self._now_ms()
        wall = max(self._wall, remote.wall_ms, now)
        if wall == self._wall == remote.wall_ms:
            counter = max(self._counter, remote.counter) + 1
        elif wall == self._wall:
            counter = self._counter + 1
        elif wall == remote.wall_ms:
            counter = remote.counter + 1
        else:
            counter = 0
        self._wall, self._counter = wall, counter
        return self.last


def clamp(hlc: HLC, server_now_ms: int, max_skew_ms: int) -> tuple[HLC, bool]:
    """Pull an HLC that is more than ``max_skew_ms`` in the future back to the server's now.

    A phone with a wrong date would otherwise win every later-wins conflict for as long as
    its clock is ahead. Returns the HLC to use and whether it was clamped, so the server can
    record that it did.
    """
    if hlc.wall_ms > server_now_ms + max_skew_ms:
        return HLC(server_now_ms, hlc.counter, hlc.node), True
    return hlc, False
