"""Re-pointing a lot: the zones it covers changed by a commissioner, audited; packages of a zone
newly covered are offered in the lot; a zone not the vehicle's commissioners', or none at all,
refused; on a regional vehicle a code two councils share is named with its council's."""

from __future__ import annotations

import pytest

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.errors import InvalidLot, NotFound
from caremarket.domain.market import Vehicle, VehicleKind, Zone
from caremarket.services.lot_zones import lot_zones, set_lot_zones
from caremarket.services.ports import AuditFilter
from tests.builders import A_MOMENT, AN_ADMIN, a_commissioner, a_lot


@pytest.fixture
def regional(uow: SqlUnitOfWork) -> SqlUnitOfWork:
    """Vehicle REG of Herefordshire (zones A, B, C) and Wirral (zones A, W); its lot L1 covers
    Herefordshire's A, its lot L2 Wirral's W."""
    with uow:
        hfd, wir = a_commissioner(), a_commissioner(code="WIR", name="Wirral Council")
        zones = [Zone(hfd, code, f"Hereford {code}", (f"HR{n}",)) for n, code in enumerate("ABC")]
        zones += [Zone(wir, "A", "Wirral A", ("CH41",)), Zone(wir, "W", "Wirral W", ("CH43",))]
        for zone in zones:
            uow.zones.add(zone)
        lots = [
            a_lot(code="L1", name="Hereford", zones=[zones[0]]),
            a_lot(code="L2", name="Wirral", zones=[zones[4]]),
        ]
        uow.vehicles.add(Vehicle("REG", "Regional", VehicleKind.DPS, [hfd, wir], lots=lots))
        uow.commit()
    return uow


def test_a_lot_is_re_pointed_at_other_zones_and_its_packages_are_offered_there(regional) -> None:
    before = lot_zones(regional, "REG", "L1")
    assert before.chosen == ("HFD:A",)
    assert [c.key for c in before.choices] == ["HFD:A", "B", "C", "WIR:A", "W"]

    after = set_lot_zones(regional, "REG", "L1", ["B", "HFD:C"], by=AN_ADMIN, now=A_MOMENT)

    assert after.chosen == ("B", "C")
    assert lot_zones(regional, "REG", "L1").chosen == ("B", "C")
    with regional:
        hfd = regional.commissioners.get("HFD")
        zone_b = next(z for z in regional.zones.list(commissioner=hfd) if z.code == "B")
        zone_a = next(z for z in regional.zones.list(commissioner=hfd) if z.code == "A")
        assert [lot.code for lot in regional.vehicles.lots_for(hfd, zone=zone_b)] == ["L1"]
        assert regional.vehicles.lots_for(hfd, zone=zone_a) == []
        trail, _ = regional.audit.search(
            AuditFilter(object_type="lot", object_ref="REG/L1"), limit=5, offset=0
        )
        assert [(e.action, e.changes) for e in trail] == [
            ("lot zones changed", {"zones": ["HFD:A", "B, C"]})
        ]


def test_a_code_two_councils_share_is_named_with_its_councils(regional) -> None:
    with pytest.raises(InvalidLot, match=r"^A: not a zone of vehicle REG's commissioners"):
        set_lot_zones(regional, "REG", "L2", ["A"], by=AN_ADMIN, now=A_MOMENT)

    done = set_lot_zones(regional, "REG", "L2", ["WIR:A", "W", "W"], by=AN_ADMIN, now=A_MOMENT)

    assert done.chosen == ("WIR:A", "W")


def test_unknown_zones_or_none_are_refused_and_nothing_changes(regional) -> None:
    with pytest.raises(InvalidLot) as refused:
        set_lot_zones(regional, "REG", "L1", ["B", "Z", "HFD:W"], by=AN_ADMIN, now=A_MOMENT)
    assert str(refused.value) == (
        "Z and HFD:W: not a zone of vehicle REG's commissioners (HFD:A, B, C, WIR:A, W)"
    )
    with pytest.raises(InvalidLot, match="lot REG/L1 must cover at least one zone"):
        set_lot_zones(regional, "REG", "L1", [" "], by=AN_ADMIN, now=A_MOMENT)
    with pytest.raises(InvalidLot, match="vehicle REG has no lot L9"):
        set_lot_zones(regional, "REG", "L9", ["B"], by=AN_ADMIN, now=A_MOMENT)
    with pytest.raises(NotFound):
        set_lot_zones(regional, "NOPE", "L1", ["B"], by=AN_ADMIN, now=A_MOMENT)

    assert lot_zones(regional, "REG", "L1").chosen == ("HFD:A",)
    with regional:
        trail, _ = regional.audit.search(AuditFilter(object_type="lot"), limit=5, offset=0)
    assert trail == []
