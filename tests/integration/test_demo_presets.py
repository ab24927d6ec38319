import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from caremarket.domain.contracts import ContractStatus
from caremarket.domain.errors import NotFound
from caremarket.domain.postcodes import parse_postcode
from caremarket.holidays import working_week
from caremarket.reports.render import as_csv, as_text, as_xlsx
from caremarket.services import reports
from caremarket.services.contracts import contract_register, term_of
from caremarket.services.demo import PresetAlreadyLoaded, load_preset
from caremarket.services.policies import list_policies
from caremarket.services.requests import CareRequest, request_care
from tests.builders import A_MOMENT, AN_ADMIN

pytestmark = pytest.mark.slow

HEREFORDSHIRE = {  # zone or lot: clients, weekly hours, annual hours, indicative annual cost
    "A": ("161", "1,682", "87,464", "£1,381,931"),
    "B": ("178", "2,174", "113,048", "£1,786,158"),
    "C": ("152", "1,696", "88,192", "£1,393,434"),
    "D": ("191", "2,352", "122,304", "£1,932,403"),
    "E": ("86", "1,295", "67,340", "£1,063,972"),
    "Total O pathway": ("768", "9,199", "478,348", "£7,557,898"),
    "Complex A & B": ("29", "1,355", "70,460", "£965,302"),
    "Complex C,D,E": ("29", "975", "50,700", "£694,590"),
    "Total D pathway": ("58", "2,330", "121,160", "£1,659,892"),
}
LEICESTERSHIRE = {  # tier: people, hours a week, value a week, value a year, share of people
    "Lead provider": ("1,189", "12,533", "£208,166", "£10.8m", "67%"),
    "Supplementary provider": ("586", "6,092", "£101,195", "£5.3m", "33%"),
    "Total": ("1,775", "18,625", "£309,361", "£16.1m", "100%"),
}


def printed_figures(text: str, label: str, count: int) -> tuple[str, ...]:
    """The last ``count`` figures on the printed line labelled ``label``."""
    for line in text.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) > count and cells[-count - 1] == label:
            return tuple(cells[-count:])
    raise AssertionError(f"no line for {label!r} in\n{text}")


def test_herefordshire_preset_prints_the_published_zone_tables(uow):
    load_preset(uow, "herefordshire", by=AN_ADMIN, now=A_MOMENT)
    text = as_text(reports.zone_demand(uow, commissioner="HFD", on=date(2017, 4, 1)))
    for label, figures in HEREFORDSHIRE.items():
        assert printed_figures(text, label, len(figures)) == figures, label


def test_herefordshire_zone_demand_holds_exact_numbers(uow):
    load_preset(uow, "herefordshire", by=AN_ADMIN, now=A_MOMENT)
    table = reports.zone_demand(uow, commissioner="HFD", on=date(2017, 4, 1))
    assert table.value("A", "Clients") == 161
    assert table.value("A", "Weekly hours") == 1682
    assert table.value("A", "Annual hours") == 87_464
    assert table.value("A", "Indicative annual cost") == Decimal("1381931.20")
    assert table.value("Complex A & B", "Indicative annual cost") == 965_302
    assert table.value("Total O pathway", "Weekly hours") == 9199


def test_herefordshire_people_live_at_real_postcodes_of_their_zone(uow):
    load_preset(uow, "herefordshire", by=AN_ADMIN, now=A_MOMENT)
    with uow:
        packages = uow.packages.active_on(date(2017, 4, 1), commissioner_code="HFD")
        postcodes = {p.person.postcode for p in packages}
        assert uow.postcodes.known(postcodes) == postcodes
        for package in packages:
            postcode = parse_postcode(package.person.postcode)
            assert {postcode.district, postcode.sector} & set(package.zone.areas)


def test_leicestershire_preset_prints_the_published_market_share(uow):
    load_preset(uow, "leicestershire", by=AN_ADMIN, now=A_MOMENT)
    text = as_text(reports.market_share(uow, commissioner="LCC", on=date(2018, 8, 15)))
    for label, figures in LEICESTERSHIRE.items():
        assert printed_figures(text, label, len(figures)) == figures, label


def test_leicestershire_market_share_holds_exact_numbers(uow):
    load_preset(uow, "leicestershire", by=AN_ADMIN, now=A_MOMENT)
    table = reports.market_share(uow, commissioner="LCC", on=date(2018, 8, 15))
    assert table.value("Lead provider", "People served") == 1189
    assert table.value("Lead provider", "Hours a week") == 12_533
    assert round(table.value("Lead provider", "Value a week")) == 208_166
    assert round(table.value("Total", "Value a week")) == 309_361
    by_provider = reports.market_share(uow, commissioner="LCC", on=date(2018, 8, 15), by="provider")
    assert len(by_provider.rows) == 18
    assert by_provider.totals.cells[1] == 1775


def test_leicestershire_buys_some_care_for_the_ccgs(uow):
    load_preset(uow, "leicestershire", by=AN_ADMIN, now=A_MOMENT)
    with uow:
        packages = uow.packages.active_on(date(2018, 8, 15), commissioner_code="LCC")
        funders = {f.funder for p in packages for f in p.funding}
        assert {"ELRCCG", "WLCCG"} <= funders
        partnership = uow.partnerships.get("HTLAH")
        assert sum(s.share for s in partnership.shares) == 100


def test_reports_come_out_as_csv_and_xlsx(uow):
    load_preset(uow, "leicestershire", by=AN_ADMIN, now=A_MOMENT)
    table = reports.market_share(uow, commissioner="LCC", on=date(2018, 8, 15))
    assert "Lead provider,1189,12533,208166,10.8,67" in as_csv(table)
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx(table))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Total", 1775, 18625, 309361, 16.1, 1] in values


def test_both_presets_share_one_database(uow):
    summary = load_preset(uow, "all", by=AN_ADMIN, now=A_MOMENT)
    assert summary.commissioners == (
        *("HFD", "LCC", "ELRCCG", "WLCCG"),
        *("LIV", "KNO", "SEF", "STH", "HAL", "WIR", "CMICB"),
    )
    table = reports.zone_demand(uow, commissioner="HFD", on=date(2017, 4, 1))
    assert table.value("Total O pathway", "Clients") == 768


def test_loading_a_preset_twice_is_refused_and_changes_nothing(uow):
    load_preset(uow, "herefordshire", by=AN_ADMIN, now=A_MOMENT)
    with pytest.raises(PresetAlreadyLoaded, match="already loaded"):
        load_preset(uow, "herefordshire", by=AN_ADMIN, now=A_MOMENT)
    with uow:
        assert len(uow.packages.active_on(date(2017, 4, 1), commissioner_code="HFD")) == 826


def test_an_unknown_preset_is_refused():
    with pytest.raises(NotFound, match="no demo preset"):
        load_preset(None, "rutland", by=AN_ADMIN, now=A_MOMENT)  # type: ignore[arg-type]


def test_each_preset_sets_its_councils_sourcing_policy(uow):
    summary = load_preset(uow, "all", by=AN_ADMIN, now=A_MOMENT)
    assert summary.policies[:3] == ("HFD: herefordshire", "LCC: leicestershire", "LIV: liverpool")
    assert "sourcing policy HFD: herefordshire, LCC: leicestershire, LIV: liverpool" in str(summary)
    listed = {c.code: c.policy for c in list_policies(uow)}
    assert listed["HFD"] is not None and listed["HFD"].code == "herefordshire"
    assert listed["LCC"] is not None and listed["LCC"].code == "leicestershire"
    assert listed["ELRCCG"] is None  # the council sources for the partnership


def test_a_request_on_a_demo_database_is_sourced_under_the_councils_model(uow):
    load_preset(uow, "herefordshire", by=AN_ADMIN, now=A_MOMENT)
    reference = request_care(
        uow,
        CareRequest("HFD", "HFD-P-NEW", "HR6 8BY", "PC", "4x30 daily", date(2026, 11, 30)),
        by=AN_ADMIN,
        now=A_MOMENT,
        week=working_week(),
    )
    with uow:
        sourcing = uow.sourcings.current(uow.packages.get(reference))
        assert sourcing.state.policy.code == "herefordshire"
        # zone A's O pathway lot: Bircher Common Care and Pembridge Cross Care
        assert [o.provider for o in sourcing.state.offers] == [
            "Bircher Common Care",
            "Pembridge Cross Care",
        ]


def test_leicestershire_lead_provider_contracts_run_3_plus_1_plus_1_years_from_november_2016(
    uow,
):
    load_preset(uow, "leicestershire", by=AN_ADMIN, now=A_MOMENT)
    on = date(2018, 8, 15)
    lead = contract_register(uow, viewer=AN_ADMIN, on=on, vehicle="HTLAH-LEAD")
    assert len(lead) == 15 and len({c.provider for c in lead}) == 8
    phase_1 = [c for c in lead if c.starts_on == date(2016, 11, 7)]
    phase_2 = [c for c in lead if c.starts_on == date(2017, 11, 6)]
    assert (len(phase_1), len(phase_2)) == (12, 3)
    for contract in phase_1:
        assert contract.ends_on == date(2019, 11, 6)  # the initial three years
        assert contract.latest_end == date(2021, 11, 6)  # with both optional years
        assert (contract.next_option, contract.decide_by) == (1, date(2019, 11, 6))
        assert contract.status is ContractStatus.IN_FORCE
        assert contract.commissioner == "LCC"
    term = term_of(uow, "HTLAH-LEAD")
    assert term is not None and term.description == "3 + 1 + 1 years from 7 November 2016"
    supplementary = contract_register(uow, viewer=AN_ADMIN, on=on, vehicle="HTLAH-SUPP")
    assert len(supplementary) == 45
    expiring = contract_register(uow, viewer=AN_ADMIN, on=on, expiring_before=date(2019, 1, 1))
    assert {c.vehicle for c in expiring} == {"HTLAH-SUPP"}


def test_herefordshire_has_a_contract_for_each_provider_in_each_lot(uow):
    load_preset(uow, "herefordshire", by=AN_ADMIN, now=A_MOMENT)
    register = contract_register(uow, viewer=AN_ADMIN, on=date(2017, 7, 1), commissioner="HFD")
    with uow:
        members = sum(len(lot.members) for lot in uow.vehicles.get("HFD-HOMECARE-2017").lots)
    assert len(register) == members
    assert {(c.starts_on, c.ends_on, c.latest_end) for c in register} == {
        (date(2017, 7, 1), date(2020, 3, 31), date(2022, 3, 31))
    }
