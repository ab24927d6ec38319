"""Reading rehearsal files: what they hold, and problems named by event and field."""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from caremarket.domain.calendar import LONDON
from caremarket.domain.market import Tier
from caremarket.domain.policies import Method, SourcingPolicy
from caremarket.domain.priority import Risk
from caremarket.domain.sourcing import DeclineReason
from caremarket.rehearsals.script import (
    Accept,
    Bid,
    Decline,
    InvalidRehearsal,
    RequestCare,
    Source,
    Tick,
    load_script,
    read_script,
)

EXAMPLES = Path(__file__).parents[2] / "examples"
MARKET = '[market]\npreset = "herefordshire"\n'
REQUEST = """
[[events]]
at = 2026-11-20T15:00:00
[events.request]
label = "friday"
person = "P-1"
postcode = "HR6 8BY"
service = "PC"
visits = "4x30 daily"
start_on = 2026-11-23
"""


def read(text: str, base: Path = EXAMPLES):
    return read_script(text, base=base)


def problem(text: str, base: Path = EXAMPLES) -> str:
    with pytest.raises(InvalidRehearsal) as caught:
        read(text, base)
    return str(caught.value)


def test_a_script_holds_its_market_policy_and_events_in_order() -> None:
    script = read(
        MARKET
        + '[policy]\npreset = "liverpool"\n'
        + REQUEST
        + """
[[events]]
at = "2026-11-20T16:10"
[events.decline]
package = "friday"
provider = "Arrow Vale Homecare"
reason = "No capacity"
note = "none free"

[[events]]
at = 2026-11-23T10:40:00
accept = { package = "friday", provider = "Bircher Common Care", start_on = 2026-11-24 }

[[events]]
at = 2026-11-23T11:00:00
[events.bid]
package = "friday"
provider = "Bircher Common Care"
hourly_rate = "17.25"
earliest_start = "2026-11-25"

[[events]]
at = 2026-11-23T12:00:00
source = { package = "HFD-00001" }

[[events]]
at = 2026-11-23T18:00:00
tick = true
"""
    )
    assert script.market.preset == "herefordshire" and script.market.files == ()
    assert script.policy.policy == "liverpool"
    assert [e.number for e in script.events] == [1, 2, 3, 4, 5, 6]
    assert script.events[0].at == datetime(2026, 11, 20, 15, tzinfo=LONDON)
    assert script.events[0].action == RequestCare(
        "friday", "P-1", "HR6 8BY", "PC", "4x30 daily", date(2026, 11, 23)
    )
    assert script.events[1].action == Decline(
        "friday", "Arrow Vale Homecare", DeclineReason.NO_CAPACITY, "none free"
    )
    assert script.events[1].at == datetime(2026, 11, 20, 16, 10, tzinfo=LONDON)
    assert script.events[2].action == Accept("friday", "Bircher Common Care", date(2026, 11, 24))
    assert script.events[3].action == Bid(
        "friday", "Bircher Common Care", Decimal("17.25"), date(2026, 11, 25)
    )
    assert script.events[4].action == Source("HFD-00001")
    assert script.events[5].action == Tick()
    assert [e.kind for e in script.events] == [
        "request",
        "decline",
        "accept",
        "bid",
        "source",
        "tick",
    ]


def test_a_request_reads_need_and_discharge_fields() -> None:
    script = read(
        MARKET
        + REQUEST
        + 'risk = "high"\ncarer_breakdown = true\nfit_for_discharge_on = 2026-11-19\n'
    )
    action = script.events[0].action
    assert isinstance(action, RequestCare)
    assert (action.risk, action.carer_breakdown, action.fit_for_discharge_on) == (
        Risk.HIGH,
        True,
        date(2026, 11, 19),
    )


def test_times_with_an_offset_keep_it_and_others_are_london_time() -> None:
    script = read(MARKET + '[[events]]\nat = "2026-07-01T09:00+00:00"\ntick = true\n')
    assert script.events[0].at.utcoffset().total_seconds() == 0
    summer = read(MARKET + "[[events]]\nat = 2026-07-01T09:00:00\ntick = true\n")
    assert summer.events[0].at.astimezone(LONDON).hour == 9
    assert summer.events[0].at.utcoffset().total_seconds() == 3600


def test_a_whole_policy_can_be_written_inline_with_lots_of_their_own() -> None:
    script = read(
        MARKET
        + """
[policy]
code = "three-hours"
name = "Preferred for three hours, then everyone"
[[policy.stages]]
tiers = ["preferred"]
method = "all-at-once"
window = "3 business hours"
[[policy.stages]]
method = "all-at-once"
window = "24 hours"
otherwise = "waiting-list"
[[policy.lots]]
vehicle = "HFD-HOMECARE-2017"
lot = "D-AB"
preset = "halton"

[[tiers]]
vehicle = "HFD-HOMECARE-2017"
lot = "O-A"
provider = "Bircher Common Care"
tier = "Preferred"
"""
        + REQUEST
    )
    policy = script.policy.policy
    assert isinstance(policy, SourcingPolicy)
    assert policy.code == "three-hours"
    assert [s.method for s in policy.stages] == [Method.ALL_AT_ONCE, Method.ALL_AT_ONCE]
    assert [(lot.vehicle, lot.lot, lot.policy) for lot in script.policy.lots] == [
        ("HFD-HOMECARE-2017", "D-AB", "halton")
    ]
    assert script.tiers[0].tier is Tier.PREFERRED


def test_market_files_take_their_kind_from_their_name_or_say_it(tmp_path: Path) -> None:
    (tmp_path / "zones.csv").write_text("commissioner,code,name,areas\n")
    (tmp_path / "more-zones.csv").write_text("commissioner,code,name,areas\n")
    script = read(
        '[market]\nfiles = ["zones.csv", { file = "more-zones.csv", kind = "zones",'
        ' commissioner = "HFD" }]\n' + REQUEST,
        tmp_path,
    )
    assert [(f.kind, f.path.name, f.commissioner) for f in script.market.files] == [
        ("zones", "zones.csv", None),
        ("zones", "more-zones.csv", "HFD"),
    ]


def test_every_example_reads() -> None:
    for path in sorted(EXAMPLES.glob("*.toml")):
        if "tender" in tomllib.loads(path.read_text()):
            continue  # a tender evaluation for `caremarket evaluate`, not a rehearsal
        assert load_script(path).events, path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (REQUEST, "the file, field 'market': missing"),
        (MARKET, "the file, field 'events': missing"),
        (MARKET + REQUEST + "colour = 'blue'\n", "event 1 (request), field 'colour': not a field"),
        (
            MARKET + REQUEST.replace("start_on = 2026-11-23", 'start_on = "23rd"'),
            "event 1 (request), field 'start_on': '23rd' is not a date",
        ),
        (
            MARKET + REQUEST.replace('person = "P-1"\n', ""),
            "event 1 (request), field 'person': missing",
        ),
        (
            MARKET + REQUEST.replace("4x30 daily", "four a day"),
            "event 1 (request), field 'visits'",
        ),
        (
            MARKET + REQUEST.replace("HR6 8BY", "nowhere"),
            "event 1 (request), field 'postcode'",
        ),
        (
            MARKET + REQUEST + 'risk = "severe"\n',
            "event 1 (request), field 'risk': 'severe' is not one of low, medium, high",
        ),
        (
            MARKET + REQUEST + "[[events]]\nat = 2026-11-20T14:00:00\ntick = true\n",
            "event 2, field 'at': 2026-11-20 14:00 is before event 1's time",
        ),
        (
            MARKET + "[[events]]\nat = 2026-11-20\ntick = true\n",
            "event 1, field 'at': '2026-11-20' is not a date and time",
        ),
        (
            MARKET + "[[events]]\nat = 2026-11-20T09:00:00\n",
            "event 1, field 'at': an event does one thing: one of request, accept, decline,"
            " bid, source, tick (found none)",
        ),
        (
            MARKET
            + "[[events]]\nat = 2026-11-20T09:00:00\ntick = true\nsource = { package = 'X' }\n",
            "(found source, tick)",
        ),
        (
            MARKET + "[[events]]\nat = 2026-11-20T09:00:00\ntick = false\n",
            "event 1, field 'tick': write tick = true",
        ),
        (
            MARKET + REQUEST + "[[events]]\nat = 2026-11-20T16:00:00\n"
            'accept = { package = "friday" }\n',
            "event 2 (accept), field 'provider': missing",
        ),
        (
            MARKET + REQUEST + "[[events]]\nat = 2026-11-20T16:00:00\n"
            'decline = { package = "friday", provider = "A", reason = "bored" }\n',
            "event 2 (decline), field 'reason': 'bored' is not one of no capacity, zone,"
            " skills, other",
        ),
        (
            MARKET + REQUEST + "[[events]]\nat = 2026-11-20T16:00:00\n"
            'bid = { package = "friday", provider = "A", hourly_rate = "cheap",'
            " earliest_start = 2026-11-23 }\n",
            "event 2 (bid), field 'hourly_rate': 'cheap' is not an amount of pounds",
        ),
        (
            MARKET + REQUEST + "[[events]]\nat = 2026-11-20T16:00:00\n"
            'bid = { package = "friday", provider = "A", hourly_rate = 17.255,'
            " earliest_start = 2026-11-23 }\n",
            "event 2 (bid), field 'hourly_rate': 17.255 is not an amount in pounds and pence",
        ),
        (
            MARKET + REQUEST + "[[events]]\nat = 2026-11-20T16:00:00\naccept = 'friday'\n",
            "event 2, field 'accept': accept is a table of fields",
        ),
        (
            MARKET + REQUEST + REQUEST.replace("15:00", "16:00"),
            "event 2, field 'label': 'friday' names an earlier request",
        ),
        (
            "[market]\n" + REQUEST,
            "[market], field 'preset': give a demo preset, CSV files to import, or both",
        ),
        (
            '[market]\nfiles = ["nowhere/zones.csv"]\n' + REQUEST,
            "[market] file 1, field 'file': there is no file",
        ),
        (
            '[market]\nfiles = ["liverpool/NOTICE.md"]\n' + REQUEST,
            "[market] file 1, field 'kind': 'notice.md' is not a kind of import",
        ),
        (
            MARKET + '[policy]\npreset = "liverpool"\ncode = "mine"\n' + REQUEST,
            "[policy], field 'preset': give a preset or a whole policy, not both ('code')",
        ),
        (
            MARKET + '[policy]\ncode = "mine"\n[[policy.stages]]\nmethod = "lottery"\n' + REQUEST,
            "[policy]: stage 1: 'lottery' is not a valid Method",
        ),
        (
            MARKET
            + '[[tiers]]\nvehicle = "V"\nlot = "L"\nprovider = "P"\ntier = "gold"\n'
            + REQUEST,
            "tier change 1, field 'tier': 'gold' is not one of lead, preferred",
        ),
        ("[market\n", "not TOML"),
    ],
)
def test_problems_name_the_event_or_table_and_the_field(text: str, expected: str) -> None:
    assert expected in problem(text)


def test_a_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidRehearsal, match="cannot read .*missing.toml"):
        load_script(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text(MARKET)
    with pytest.raises(InvalidRehearsal, match=r"bad\.toml: the file, field 'events': missing"):
        load_script(bad)
