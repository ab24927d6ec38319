"""Sourcing rounds on a simulated clock: the sourcing engine (`domain/sourcing.py`) driven as
live brokerage drives it, without a database.

Each package's round is the engine's `Sourcing` state. The clock is the caller's: before
anything happens at a moment, `advance_to` ticks every round whose window closes on the way,
at the moment it closes (as the server's ticker and `caremarket rehearse` do).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable
from datetime import date, datetime
from decimal import Decimal

from caremarket.domain import sourcing as engine
from caremarket.domain.calendar import WorkingWeek
from caremarket.domain.policies import Candidate, SourcingPolicy

Key = Hashable
Listener = Callable[[Key, list[engine.Action], datetime], None]


class Broker:
    def __init__(self, week: WorkingWeek, listener: Listener | None = None) -> None:
        self.week = week
        self.rounds: dict[Key, engine.Sourcing] = {}
        self.begun_at: dict[Key, datetime] = {}
        self.awarded_at: dict[Key, datetime] = {}
        self._due: list[tuple[datetime, int, Key]] = []
        self._due_of: dict[Key, datetime | None] = {}  # each round's due_at, once worked out
        self._count = 0
        self._listener = listener

    def begin(
        self,
        key: Key,
        policy: SourcingPolicy,
        candidates: tuple[Candidate, ...],
        *,
        now: datetime,
        rate_cap: Decimal | None = None,
    ) -> list[engine.Action]:
        """A new round for the package (a hand-back begins another under the same key)."""
        self.awarded_at.pop(key, None)
        self.begun_at[key] = now
        state, actions = engine.begin(
            policy, candidates, now=now, week=self.week, rate_cap=rate_cap
        )
        return self._moved(key, state, actions, now)

    def accept(
        self, key: Key, provider: str, start_on: date | None, *, now: datetime
    ) -> list[engine.Action]:
        state, actions = engine.accept(self.rounds[key], provider, start_on, now=now)
        return self._moved(key, state, actions, now)

    def decline(
        self,
        key: Key,
        provider: str,
        *,
        reason: engine.DeclineReason = engine.DeclineReason.OTHER,
        now: datetime,
    ) -> list[engine.Action]:
        state, actions = engine.decline(
            self.rounds[key], provider, reason=reason, now=now, week=self.week
        )
        return self._moved(key, state, actions, now)

    def bid(
        self,
        key: Key,
        provider: str,
        *,
        hourly_rate: Decimal,
        earliest_start: date,
        now: datetime,
    ) -> list[engine.Action]:
        state, actions = engine.bid(
            self.rounds[key],
            provider,
            hourly_rate=hourly_rate,
            earliest_start=earliest_start,
            now=now,
        )
        return self._moved(key, state, actions, now)

    def offer_capacity(
        self, key: Key, provider: str, *, now: datetime, ends_at: datetime
    ) -> list[engine.Action]:
        state, actions = engine.offer_capacity(self.rounds[key], provider, now=now, ends_at=ends_at)
        return self._moved(key, state, actions, now)

    def drop_candidate(self, key: Key, provider: str, *, now: datetime) -> list[engine.Action]:
        state, actions = engine.drop_candidate(self.rounds[key], provider, now=now, week=self.week)
        return self._moved(key, state, actions, now)

    def next_due(self) -> datetime | None:
        while self._due:
            due, _, key = self._due[0]
            if self._due_of[key] == due:
                return due
            heapq.heappop(self._due)  # stale: the round moved on since
        return None

    def tick_due(self, now: datetime) -> None:
        """Tick every round due by `now` (each once, at `now`)."""
        ticked = set()
        while self._due and self._due[0][0] <= now:
            due, _, key = heapq.heappop(self._due)
            if key in ticked or self._due_of[key] != due:
                continue
            ticked.add(key)
            state, actions = engine.tick(self.rounds[key], now=now, week=self.week)
            self._moved(key, state, actions, now)

    def advance_to(self, at: datetime) -> None:
        """Tick at each moment a window closes, up to and including `at`."""
        while (due := self.next_due()) is not None and due <= at:
            self.tick_due(due)

    def _moved(
        self, key: Key, state: engine.Sourcing, actions: list[engine.Action], now: datetime
    ) -> list[engine.Action]:
        self.rounds[key] = state
        due = self._due_of[key] = state.due_at
        if due is not None:
            self._count += 1
            heapq.heappush(self._due, (due, self._count, key))
        if any(isinstance(a, engine.Awarded) for a in actions):
            self.awarded_at[key] = now
        if self._listener is not None and actions:
            self._listener(key, actions, now)
        return actions
