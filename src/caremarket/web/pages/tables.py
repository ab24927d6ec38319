"""Tables for govukTable, built from plain rows: captions, column scopes, numeric columns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from markupsafe import Markup


def table(
    caption: str,
    head: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    numeric: Iterable[int] = (),
    row_headers: bool = True,
    caption_size: str = "m",
) -> dict[str, Any]:
    """govukTable's params; a cell that is Markup (a link) is HTML, anything else text."""
    right = set(numeric)
    return {
        "caption": caption,
        "captionClasses": f"govuk-table__caption--{caption_size}",
        "firstCellIsHeader": row_headers,
        "head": [_cell(h, "numeric" if i in right else None) for i, h in enumerate(head)],
        "rows": [
            [_cell(v, "numeric" if i in right else None) for i, v in enumerate(row)] for row in rows
        ],
    }


def radios(options: Mapping[Any, str], chosen: Any) -> list[dict[str, Any]]:
    """govukRadios' items from {value: text}, the chosen one checked."""
    return [{"value": v, "text": t, "checked": chosen == v} for v, t in options.items()]


def link(href: str, text: Any) -> Markup:
    return Markup('<a class="govuk-link" href="{}">{}</a>').format(href, text)


def _cell(value: Any, format: str | None) -> dict[str, Any]:
    shown = "" if value is None else value
    cell: dict[str, Any] = {"html": shown} if isinstance(shown, Markup) else {"text": str(shown)}
    if format:
        cell["format"] = format
    return cell


def choices(
    options: Iterable[Any], selected: Any, *, blank: str | None = "Any"
) -> list[dict[str, Any]]:
    """govukSelect's items from values or (value, text) pairs, the selected one marked."""
    items = [{"value": "", "text": blank}] if blank is not None else []
    for option in options:
        value, text = option if isinstance(option, tuple) else (option, option)
        items.append({"value": value, "text": text, "selected": str(value) == str(selected)})
    return items
