"""Demo presets: councils' markets rebuilt from fictitious people and packages.

Each preset reproduces a published table exactly when its report is run; see its module.
"""

from __future__ import annotations

from collections.abc import Callable

from caremarket.demo import herefordshire, leicestershire, liverpool_city_region
from caremarket.demo.preset import Preset
from caremarket.domain.errors import NotFound
from caremarket.domain.market import ServiceType

PRESETS: dict[str, Callable[[dict[str, ServiceType]], Preset]] = {
    herefordshire.NAME: herefordshire.build,
    leicestershire.NAME: leicestershire.build,
    liverpool_city_region.NAME: liverpool_city_region.build,
}
DEFAULT_PRESET = herefordshire.NAME
ALL = "all"  # every preset, in one database


def preset_names(name: str) -> list[str]:
    """The presets a name stands for: itself, or every preset for "all"."""
    if name == ALL:
        return list(PRESETS)
    if name not in PRESETS:
        raise NotFound(f"there is no demo preset {name!r}: choose {', '.join([*PRESETS, ALL])}")
    return [name]
