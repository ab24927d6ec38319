"""The market simulator: one simulated year of a county of 2,000 people and 30 providers.

    .venv/bin/python bench/simulation.py [--people 2000] [--providers 30] [--weeks 52]
        [--replications 100] [--processes N] [--policy liverpool] [--seed 1] [--profile FILE]

The county is `simulation.presets.county` (seeded): ten zones, each one lot of three to five
providers (the first preferred, the others approved), 2,000 people in care at the start with
packages of 3.5 to 28 hours a week, capacity 5 % above each provider's caseload, demand in
steady state (about 77 requests a week; packages last 26 weeks on average), 40 % of
requests hospital discharges, recruitment and attrition of care workers every week.

What is measured:
1. one replication on one core: the mean and the fastest of five runs (`simulate`, in this
   process), seconds on the clock, and the mean CPU time of the process (which a shared,
   loaded machine inflates less than the clock);
2. --replications replications through `compare` (the path `caremarket simulate` takes) in
   --processes processes (default: one a CPU), seconds in all, with a progress count.
--profile FILE writes cProfile statistics of one replication to FILE.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import statistics
import time

from caremarket.domain.policies import PRESETS
from caremarket.holidays import working_week
from caremarket.simulation.compare import compare
from caremarket.simulation.market import Option
from caremarket.simulation.presets import county
from caremarket.simulation.run import simulate
from caremarket.simulation.scenario import Scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--providers", type=int, default=30)
    parser.add_argument("--weeks", type=float, default=52)
    parser.add_argument("--replications", type=int, default=100)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--policy", default="liverpool")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile")
    args = parser.parse_args()

    market = county(people=args.people, providers=args.providers, seed=args.seed)
    option = Option(args.policy, PRESETS[args.policy])
    week = working_week()
    print(f"{market.name}; policy {args.policy}; {args.weeks:g} weeks; load {os.getloadavg()}")

    times, cpu = [], []
    for n in range(5):
        started, used = time.perf_counter(), time.process_time()
        result = simulate(
            market, option, weeks=args.weeks, seed=args.seed, replication=n, week=week
        )
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    print(
        f"one replication on one core: mean {statistics.mean(times):.2f} s, fastest"
        f" {min(times):.2f} s (of 5); CPU time mean {statistics.mean(cpu):.2f} s,"
        f" fewest {min(cpu):.2f} s; requests {result.metrics['requests']},"
        f" median days to start {result.metrics['time_to_start_median']:.2f},"
        f" waiting at the end {result.metrics['waiting_end']}"
    )
    if args.profile:
        cProfile.runctx(
            "simulate(market, option, weeks=args.weeks, seed=args.seed, week=week)",
            globals(),
            locals(),
            args.profile,
        )

    scenario = Scenario("bench", market, (option,), weeks=args.weeks, seed=args.seed)
    started = time.perf_counter()
    compare(
        scenario,
        replications=args.replications,
        processes=args.processes,
        week=week,
        progress=lambda done, total: print(f"\r{done}/{total}", end="", flush=True),
    )
    elapsed = time.perf_counter() - started
    print(
        f"\n{args.replications} replications in {args.processes} processes: {elapsed:.1f} s"
        f" ({elapsed / args.replications:.2f} s each); load {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
