"""Static files at /assets: GOV.UK Frontend's stylesheet, script and images, and our own.

GOV.UK Frontend comes from npm (``npm ci``) and is never committed. Its GDS Transport fonts
are not served: they are for GOV.UK alone, and a council's service uses Arial
(``caremarket.css`` sets it).
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.staticfiles import StaticFiles

OWN = Path(__file__).parent / "pages" / "static"
GOVUK_FILES = frozenset({"govuk-frontend.min.css", "govuk-frontend.min.js"})
OWN_FILES = frozenset(p.name for p in OWN.iterdir()) if OWN.is_dir() else frozenset()


class Assets(StaticFiles):
    """Only what the pages use: the files above and GOV.UK's images, nothing else."""

    def __init__(self, govuk_dist: Path) -> None:
        super().__init__(directory=govuk_dist, check_dir=False)
        self.all_directories = [OWN, govuk_dist, govuk_dist / "assets"]

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        if not served(path):
            return "", None
        return super().lookup_path(path)


def served(path: str) -> bool:
    path = path.replace("\\", "/").lstrip("/")
    if ".." in path.split("/"):
        return False
    return path in GOVUK_FILES or path in OWN_FILES or path.startswith("images/")
