"""Build step that makes the wheel the whole product (everything else is in pyproject.toml).

The PWA, the migrations and alembic.ini live beside the Python packages in the repository;
an installed server needs them too. ``build_py`` copies them into ``server/bundled/`` of the
build, where ``server/paths.py`` finds them when no checkout is around. An editable install
keeps using the checkout's own files, so nothing is copied for it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# Development tooling that lives in pwa/ but is not part of the app the server serves.
PWA_EXCLUDED = shutil.ignore_patterns("tests", "node_modules", "__pycache__", "*.py", "*.pyc", "refresh.mjs")


class BuildWithAppFiles(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "server" / "bundled"
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        shutil.copytree(HERE / "pwa", target / "pwa", ignore=PWA_EXCLUDED)
        shutil.copytree(
            HERE / "migrations", target / "migrations", ignore=shutil.ignore_patterns("__pycache__")
        )
        shutil.copy2(HERE / "alembic.ini", target / "alembic.ini")


setup(cmdclass={"build_py": BuildWithAppFiles})
