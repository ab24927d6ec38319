"""The market's structure: zones and the postcodes they cover, lots and their members,
joint commissioning through pooled budgets."""

from __future__ import annotations

from decimal import Decimal

import pytest

from caremarket.domain.errors import (
    InvalidCqcLocationId,
    InvalidLot,
    InvalidMembership,
    InvalidPostcode,
    SharesDoNotAddUp,
    UnknownPostcode,
    ZonesOverlap,
)
from caremarket.domain.market import (
    Lot,
    Partnership,
    PoolShare,
    Tier,
    Vehicle,
    VehicleKind,
    ZoneMap,
    parse_cqc_location_id,
)
from caremarket.domain.postcodes import parse_postcode
from tests.builders import a_commissioner, a_lot, a_provider, a_service, a_zone

# zones


def test_a_zone_normalises_the_areas_it_covers() -> None:
    assert a_zone(areas=("hr6", " hr5   3 ")).areas == ("HR6", "HR5 3")


def test_a_zone_refuses_an_area_that_is_not_a_district_or_sector() -> None:
    with pytest.raises(InvalidPostcode):
        a_zone(areas=("HR6 8AA",))


def test_a_postcode_is_found_in_the_zone_covering_its_district() -> None:
    zone_a = a_zone(code="A", areas=("HR6",))
    zones = ZoneMap([zone_a, a_zone(code="B", areas=("HR4",))])
    assert zones.get(parse_postcode("hr6 8aa")) is zone_a


def test_a_zone_covering_a_sector_beats_one_covering_its_district() -> None:
    district = a_zone(code="A", areas=("HR4",))
    sector = a_zone(code="B", areas=("HR4 0",))
    for order in ([district, sector], [sector, district]):
        zones = ZoneMap(order)
        assert zones.get(parse_postcode("HR4 0LE")) is sector
        assert zones.get(parse_postcode("HR4 9AB")) is district


def test_two_zones_covering_the_same_area_are_refused() -> None:
    with pytest.raises(ZonesOverlap) as refused:
        ZoneMap([a_zone(code="A", areas=("HR4",)), a_zone(code="B", areas=("hr4", "HR5"))])
    assert str(refused.value) == "HR4 is in both zone A and zone B"


def test_two_zones_covering_the_same_sector_are_refused() -> None:
    with pytest.raises(ZonesOverlap, match="HR4 0 is in both zone A and zone B"):
        ZoneMap([a_zone(code="A", areas=("HR4 0",)), a_zone(code="B", areas=("HR4 0",))])


def test_a_zone_may_list_an_area_twice() -> None:
    zone = a_zone(areas=("HR4", "hr4"))
    assert ZoneMap([zone]).get(parse_postcode("HR4 0LE")) is zone


def test_a_postcode_in_no_zone_is_found_as_none() -> None:
    assert ZoneMap([a_zone(areas=("HR6",))]).find(parse_postcode("LE18 2NH")) is None


def test_a_postcode_in_no_zone_is_refused_with_a_clear_message() -> None:
    zones = ZoneMap([a_zone(areas=("HR6",))])
    with pytest.raises(UnknownPostcode) as refused:
        zones.get(parse_postcode("le18 2nh"))
    assert str(refused.value) == "LE18 2NH is not in any zone"


def test_a_sector_zone_does_not_cover_the_rest_of_its_district() -> None:
    zones = ZoneMap([a_zone(areas=("HR4 0",))])
    with pytest.raises(UnknownPostcode):
        zones.get(parse_postcode("HR4 9AB"))


# providers


def test_a_providers_cqc_location_ids_are_checked() -> None:
    assert a_provider(cqc_location_ids=(" 1-101634823 ",)).cqc_location_ids == ("1-101634823",)
    with pytest.raises(InvalidCqcLocationId, match="'1-ABC' is not a CQC location ID"):
        a_provider(cqc_location_ids=("1-ABC",))


@pytest.mark.parametrize("typed", ["101634823", "1-12345", "2-101634823", "1-123456789012", ""])
def test_what_is_not_a_cqc_location_id_is_refused(typed: str) -> None:
    with pytest.raises(InvalidCqcLocationId):
        parse_cqc_location_id(typed)


# lots


def test_a_lot_admits_providers_up_to_its_maximum() -> None:
    lot = a_lot(code="O-A", max_providers=2)
    lot.admit(a_provider(name="One"), Tier.LEAD)
    lot.admit(a_provider(name="Two"), Tier.APPROVED)
    with pytest.raises(InvalidMembership) as refused:
        lot.admit(a_provider(name="Three"), Tier.APPROVED)
    assert str(refused.value) == "lot O-A already has its maximum of 2 providers"
    assert [m.provider.name for m in lot.members] == ["One", "Two"]


def test_a_lot_without_a_maximum_admits_any_number_of_providers() -> None:
    lot = a_lot(max_providers=None)
    for n in range(20):
        lot.admit(a_provider(name=f"Provider {n}"), Tier.APPROVED)
    assert len(lot.members) == 20


def test_subcontractors_do_not_count_towards_a_lots_maximum() -> None:
    lot = a_lot(max_providers=1)
    lead = a_provider(name="Lead")
    lot.admit(lead, Tier.LEAD)
    lot.admit(a_provider(name="Sub one"), Tier.SUBCONTRACTOR, lead=lead)
    lot.admit(a_provider(name="Sub two"), Tier.SUBCONTRACTOR, lead=lead)
    assert len(lot.members) == 3


def test_a_subcontractor_is_admitted_under_a_lead_already_in_the_lot() -> None:
    lot = a_lot()
    lead = a_provider(name="Lead")
    sub = a_provider(name="Sub")
    lot.admit(lead, Tier.LEAD)
    membership = lot.admit(sub, Tier.SUBCONTRACTOR, lead=lead)
    assert membership.lead is lead
    assert lot.membership_of(sub) is membership


def test_a_subcontractor_must_name_a_lead() -> None:
    lot = a_lot(code="O-A")
    with pytest.raises(InvalidMembership) as refused:
        lot.admit(a_provider(), Tier.SUBCONTRACTOR)
    assert str(refused.value) == (
        "a subcontractor in lot O-A must name a lead or single provider already in the lot"
    )


def test_a_subcontractors_lead_must_already_be_in_the_lot() -> None:
    lot = a_lot()
    with pytest.raises(InvalidMembership, match="already in the lot"):
        lot.admit(a_provider(name="Sub"), Tier.SUBCONTRACTOR, lead=a_provider(name="Elsewhere"))
    assert lot.members == []


def test_a_subcontractor_cannot_subcontract_to_another_subcontractor() -> None:
    lot = a_lot()
    lead = a_provider(name="Lead")
    sub = a_provider(name="Sub")
    lot.admit(lead, Tier.LEAD)
    lot.admit(sub, Tier.SUBCONTRACTOR, lead=lead)
    with pytest.raises(InvalidMembership, match="must name a lead"):
        lot.admit(a_provider(name="Sub-sub"), Tier.SUBCONTRACTOR, lead=sub)


def test_only_a_subcontractor_names_a_lead() -> None:
    lot = a_lot()
    lead = a_provider(name="Lead")
    lot.admit(lead, Tier.LEAD)
    with pytest.raises(InvalidMembership, match="only a subcontractor names a lead provider"):
        lot.admit(a_provider(name="Other"), Tier.APPROVED, lead=lead)


def test_a_provider_cannot_join_a_lot_twice() -> None:
    lot = a_lot(code="O-A")
    provider = a_provider(name="Wyeside Home Care")
    lot.admit(provider, Tier.LEAD)
    with pytest.raises(InvalidMembership) as refused:
        lot.admit(provider, Tier.APPROVED)
    assert str(refused.value) == "Wyeside Home Care is already in lot O-A"
    assert len(lot.members) == 1


def test_a_provider_in_a_lot_is_found_by_its_membership() -> None:
    lot = a_lot()
    provider = a_provider()
    assert lot.membership_of(provider) is None
    assert lot.membership_of(None) is None
    membership = lot.admit(provider, Tier.PREFERRED)
    assert lot.membership_of(provider) is membership


def test_lead_and_preferred_providers_have_first_refusal() -> None:
    assert {t for t in Tier if t.first_refusal} == {Tier.LEAD, Tier.PREFERRED}


def test_a_lots_maximum_cannot_be_below_its_minimum() -> None:
    with pytest.raises(InvalidLot) as refused:
        Lot(code="D-N", name="D pathway north", min_providers=2, max_providers=1)
    assert str(refused.value) == (
        "lot D-N: the maximum number of providers (1) is below the minimum (2)"
    )


def test_a_lots_minimum_cannot_be_negative() -> None:
    with pytest.raises(InvalidLot, match="cannot be negative"):
        Lot(code="D-N", name="D pathway north", min_providers=-1)


def test_a_lot_covers_its_zones_services_and_pathway() -> None:
    zone_a, zone_b = a_zone(code="A", areas=("HR6",)), a_zone(code="B", areas=("HR4",))
    personal_care, live_in = a_service(), a_service(code="LIVE-IN", name="Live-in")
    lot = a_lot(zones=[zone_a], services=[personal_care], pathway="O")
    assert lot.covers(zone_a, personal_care, "O")
    assert not lot.covers(zone_b, personal_care, "O")
    assert not lot.covers(zone_a, live_in, "O")
    assert not lot.covers(zone_a, personal_care, "D")


def test_a_lot_without_services_or_pathway_covers_every_service_in_its_zones() -> None:
    zone = a_zone()
    lot = a_lot(zones=[zone], services=[], pathway=None)
    assert lot.covers(zone, a_service(code="ANY"), None)
    assert lot.covers(zone, a_service(code="ANY"), "D")


def test_a_vehicles_lot_is_found_by_its_code() -> None:
    north = a_lot(code="D-N")
    vehicle = Vehicle(code="HFD-DPS", name="Herefordshire DPS", kind=VehicleKind.DPS, lots=[north])
    assert vehicle.lot("D-N") is north
    with pytest.raises(InvalidLot, match="vehicle HFD-DPS has no lot D-S"):
        vehicle.lot("D-S")


# partnerships


def a_partnership(*shares: tuple[object, str], lead=None) -> Partnership:
    council = a_commissioner(code="WIR", name="Wirral Council")
    return Partnership(
        code="WIR-POOL",
        name="Wirral pooled fund",
        lead=lead or council,
        shares=[PoolShare(c, Decimal(s)) for c, s in shares],  # type: ignore[arg-type]
    )


def test_a_partnership_whose_shares_total_100_with_the_lead_holding_one_is_accepted() -> None:
    council = a_commissioner(code="WIR")
    icb = a_commissioner(code="ICB")
    a_partnership((council, "62.5"), (icb, "37.5"), lead=council).check()


def test_a_pooled_budget_must_add_up_to_100() -> None:
    council = a_commissioner(code="WIR")
    icb = a_commissioner(code="ICB")
    with pytest.raises(SharesDoNotAddUp) as refused:
        a_partnership((council, "60"), (icb, "30"), lead=council).check()
    assert str(refused.value) == (
        "the pooled budget of Wirral pooled fund must add up to exactly 100%, not 90%"
    )


def test_a_pooled_budget_needs_at_least_one_share() -> None:
    with pytest.raises(SharesDoNotAddUp, match="needs at least one share"):
        a_partnership().check()


def test_the_lead_commissioner_must_hold_a_share() -> None:
    council = a_commissioner(code="WIR")
    icb = a_commissioner(code="ICB")
    ccg = a_commissioner(code="CCG")
    with pytest.raises(InvalidMembership) as refused:
        a_partnership((icb, "50"), (ccg, "50"), lead=council).check()
    assert str(refused.value) == "the lead commissioner of Wirral pooled fund must hold a share"


def test_a_commissioner_cannot_hold_two_shares_of_one_pooled_budget() -> None:
    council = a_commissioner(code="WIR")
    with pytest.raises(InvalidMembership, match="appears twice"):
        a_partnership((council, "50"), (council, "50"), lead=council).check()


def test_a_partnership_that_does_not_add_up_cannot_even_be_made() -> None:
    council = a_commissioner(code="WIR")
    with pytest.raises(SharesDoNotAddUp):
        Partnership("WIR-POOL", "Wirral pooled fund", council, [PoolShare(council, Decimal(99))])
