"""Draw the app icons (a sprout held by two cupped hands: 护苗) as PNG, standard library only.

    python3 pwa/make_icons.py

Writes pwa/icons/icon-{192,512}.png (rounded, for launchers that show the icon as is) and
maskable-{192,512}.png (full bleed, the drawing inside the 80 % safe zone, for launchers
that cut their own shape). Run pwa/build_manifest.py afterwards.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

ICONS = Path(__file__).resolve().parent / "icons"
GREEN = (7, 193, 96)  # WeUI's primary green, which WeChat users read as "go"
WHITE = (255, 255, 255)
SAMPLES = 3  # supersampling per axis, for smooth edges


def _ellipse(x, y, cx, cy, rx, ry, angle):
    c, s = math.cos(angle), math.sin(angle)
    dx, dy = x - cx, y - cy
    u, v = dx * c + dy * s, -dx * s + dy * c
    return (u / rx) ** 2 + (v / ry) ** 2 <= 1


def _segment(x, y, ax, ay, bx, by, r):
    vx, vy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)))
    return (x - ax - t * vx) ** 2 + (y - ay - t * vy) ** 2 <= r * r


def _sprout(x, y):
    """The white drawing, in unit coordinates (0..1, y down)."""
    stem = _segment(x, y, 0.5, 0.70, 0.5, 0.41, 0.028)
    # Each leaf's inner tip meets the top of the stem; both point up and outwards.
    left = _ellipse(x, y, 0.389, 0.37, 0.125, 0.062, math.radians(32))
    right = _ellipse(x, y, 0.628, 0.33, 0.145, 0.068, math.radians(-32))
    d = math.hypot(x - 0.5, y - 0.56)
    hands = 0.215 <= d <= 0.265 and y >= 0.60 and abs(x - 0.5) > 0.03
    return stem or left or right or hands


def _inside_rounded(x, y, radius):
    qx = max(abs(x - 0.5) - (0.5 - radius), 0.0)
    qy = max(abs(y - 0.5) - (0.5 - radius), 0.0)
    return qx * qx + qy * qy <= radius * radius


def render(size: int, maskable: bool) -> bytes:
    """RGBA rows of the icon."""
    scale = 0.8 if maskable else 1.0  # maskable: keep the drawing in the safe zone
    rows = bytearray()
    n = SAMPLES * SAMPLES
    for py in range(size):
        rows.append(0)  # PNG filter type: none
        for px in range(size):
            bg = fg = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x = (px + (sx + 0.5) / SAMPLES) / size
                    y = (py + (sy + 0.5) / SAMPLES) / size
                    if not maskable and not _inside_rounded(x, y, 0.22):
                        continue
                    bg += 1
                    ux, uy = 0.5 + (x - 0.5) / scale, 0.5 + (y - 0.5) / scale
                    fg += _sprout(ux, uy)
            a = bg / n
            mix = fg / bg if bg else 0.0
            rgb = [round(g + (w - g) * mix) for g, w in zip(GREEN, WHITE, strict=True)]
            rows.extend((*rgb, round(a * 255)))
    return bytes(rows)


def png(size: int, rgba_rows: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rgba_rows, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    ICONS.mkdir(exist_ok=True)
    for size in (192, 512):
        for maskable in (False, True):
            name = f"{'maskable' if maskable else 'icon'}-{size}.png"
            (ICONS / name).write_bytes(png(size, render(size, maskable)))
            print(f"wrote pwa/icons/{name}")


if __name__ == "__main__":
    main()
