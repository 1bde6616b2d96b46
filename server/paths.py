"""Where the files beside the code are: the PWA, the migrations, alembic.ini, the instance.

In a checkout they are where the repository keeps them (``pwa/``, ``migrations/`` next to
``server/``). An installed wheel carries copies under ``server/bundled/`` (setup.py copies
them at build time), so ``humiao`` works from any folder without a checkout. The checkout
wins when both exist, so that an editable install always serves what is being edited.
"""

from __future__ import annotations

import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
BUNDLED = PACKAGE / "bundled"


def in_checkout() -> bool:
    """True when the code runs from the repository (plain or editable install), not a wheel."""
    return (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "migrations").is_dir()


def _located(name: str) -> Path:
    return CHECKOUT / name if in_checkout() else BUNDLED / name


PWA_DIR = _located("pwa")
MIGRATIONS_DIR = _located("migrations")
ALEMBIC_INI = _located("alembic.ini")


def default_instance() -> Path:
    """The instance folder (keys, trial database) when HUMIAO_INSTANCE does not name one.

    In a checkout it is ``instance/`` at its root, as before. Installed, it follows Flask's
    convention for installed apps, ``<prefix>/var/humiao-instance``: one place for the
    environment, whatever folder a command is run from, never inside site-packages.
    """
    if in_checkout():
        return CHECKOUT / "instance"
    return Path(sys.prefix) / "var" / "humiao-instance"
