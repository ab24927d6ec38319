"""The shape of the code: the domain stands on the standard library alone, and only the
database package speaks to SQLAlchemy and Alembic."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import caremarket

PACKAGE = Path(caremarket.__file__).parent
DOMAIN = PACKAGE / "domain"
DB = PACKAGE / "db"
DATABASE_LIBRARIES = ("sqlalchemy", "alembic")


def imports_of(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) for every import in a file, relative imports resolved."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = parts[:-1] if parts[-1] != "__init__" else parts
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(source: str, package: tuple[str, ...]) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield node.lineno, module


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(PACKAGE.parent)}:{line}"


def is_standard_library(module: str) -> bool:
    return module.split(".")[0] in sys.stdlib_module_names or module == "__future__"


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_domain_imports_only_the_standard_library_and_itself() -> None:
    offending = [
        f"{where(path, line)} imports {module}"
        for path in sorted(DOMAIN.rglob("*.py"))
        for line, module in imports_of(path)
        if not (is_standard_library(module) or within(module, "caremarket.domain"))
    ]
    assert not offending, "domain/ must use only the standard library:\n" + "\n".join(offending)


def test_only_the_database_package_imports_sqlalchemy_or_alembic() -> None:
    offending = [
        f"{where(path, line)} imports {module}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if DB not in path.parents
        for line, module in imports_of(path)
        if any(within(module, library) for library in DATABASE_LIBRARIES)
    ]
    assert not offending, "only caremarket/db/ may import SQLAlchemy or Alembic:\n" + "\n".join(
        offending
    )


def test_the_architecture_checks_see_the_domain_and_the_database_package() -> None:
    # guard against the checks passing vacuously because they looked in the wrong place
    domain_modules = {p.stem for p in DOMAIN.glob("*.py")}
    assert {"market", "money", "patterns", "rates"} <= domain_modules
    assert any(within(m, "sqlalchemy") for p in DB.rglob("*.py") for _, m in imports_of(p))


def test_imports_are_read_wherever_they_stand_and_relative_ones_resolved() -> None:
    source = (
        "import os, json.decoder\n"
        "from . import errors\n"
        "from .money import PENNY\n"
        "from ..db import tables\n"
        "def late():\n"
        "    import sqlalchemy.orm\n"
    )
    found = [m for _, m in imports_in(source, ("caremarket", "domain"))]
    assert found == [
        "os",
        "json.decoder",
        "caremarket.domain",
        "caremarket.domain.money",
        "caremarket.db",
        "sqlalchemy.orm",
    ]
    assert not is_standard_library("sqlalchemy.orm")
    assert not within("caremarket.db", "caremarket.domain")
    assert not within("caremarket.domainx", "caremarket.domain")
