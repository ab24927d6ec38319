"""The import file readers are pure: they check rows without reaching a database."""

from __future__ import annotations

import ast
from pathlib import Path

import caremarket.imports

FORBIDDEN = ("sqlalchemy", "caremarket.db", "caremarket.services", "fastapi")


def test_import_readers_import_no_database_or_web_code() -> None:
    package = Path(caremarket.imports.__file__).parent
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in getattr(node, "names", [])] if isinstance(node, ast.Import) else []
            )
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"
