"""Pages of a long list: which rows to fetch, and the govukPagination that moves between them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Query

PER_PAGE = 50


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int = PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def paging(page: int = Query(1, ge=1)) -> Paging:  # noqa: B008
    return Paging(page)


def pagination(
    path: str, query: dict[str, Any], paging: Paging, total: int
) -> dict[str, Any] | None:
    """govukPagination's params (None on a single page): numbered links keeping the filters,
    the first, last and neighbouring pages shown, the gaps as ellipses."""
    last = max(1, -(-total // paging.per_page))
    if last == 1:
        return None
    kept = {k: v for k, v in query.items() if v not in (None, "") and k != "page"}

    def href(number: int) -> str:
        return f"{path}?{urlencode(kept | {'page': number})}"

    items: list[dict[str, Any]] = []
    for number in range(1, last + 1):
        if number in (1, last) or abs(number - paging.page) <= 1:
            items.append({"number": number, "href": href(number), "current": number == paging.page})
        elif items and not items[-1].get("ellipsis"):
            items.append({"ellipsis": True})
    params: dict[str, Any] = {"items": items}
    if paging.page > 1:
        params["previous"] = {"href": href(paging.page - 1)}
    if paging.page < last:
        params["next"] = {"href": href(paging.page + 1)}
    return params


def showing(paging: Paging, total: int, shown: int) -> str:
    """'Showing 51 to 100 of 240'."""
    if not total:
        return "None found"
    return f"Showing {paging.offset + 1} to {paging.offset + shown} of {total:,}"
