"""UK postcodes: validation, normalisation, and the district and sector they sit in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from caremarket.domain.errors import InvalidPostcode

# The outward code (area + district) and inward code (sector digit + unit), after
# the Royal Mail rules on which letters may stand where.
_OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9][0-9]?"  # A9, A99
    r"|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"  # AA9, AA99
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"  # A9A
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"  # AA9A
)
_POSTCODE = re.compile(rf"^({_OUTWARD})([0-9][ABD-HJLNP-UW-Z]{{2}})$")
_AREA = re.compile(rf"^({_OUTWARD})(?: ([0-9]))?$")


@dataclass(frozen=True, order=True)
class Postcode:
    """A full unit postcode, normalised: 'HR4 0LE'."""

    outward: str
    inward: str

    def __str__(self) -> str:
        return f"{self.outward} {self.inward}"

    @property
    def district(self) -> str:
        """'HR4'"""
        return self.outward

    @property
    def sector(self) -> str:
        """'HR4 0'"""
        return f"{self.outward} {self.inward[0]}"


def parse_postcode(text: str) -> Postcode:
    """Validate and normalise: 'hr4 0le' -> Postcode('HR4', '0LE')."""
    compact = re.sub(r"\s+", "", str(text)).upper()
    match = _POSTCODE.match(compact)
    if not match:
        raise InvalidPostcode(f"{text!r} is not a valid UK postcode (e.g. HR4 0LE)")
    return Postcode(match.group(1), match.group(2))


def normalise_postcode(text: str) -> str:
    return str(parse_postcode(text))


def parse_area(text: str) -> str:
    """A zone's coverage entry: a postcode district ('HR4') or sector ('HR4 0'), normalised."""
    cleaned = " ".join(str(text).upper().split())
    match = _AREA.match(cleaned)
    if not match:
        raise InvalidPostcode(
            f"{text!r} is not a postcode district (e.g. HR4) or sector (e.g. HR4 0)"
        )
    return cleaned
