"""Running alembic from code: the CLI and the tests upgrade the same way the release step does."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig

from server.paths import ALEMBIC_INI, MIGRATIONS_DIR


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)
