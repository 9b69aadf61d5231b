"""Characters and articles submitted and translated, per API key and UTC day, in Redis.

Layout: one hash per key and day, ``ringkas:usage:{key_id}:{YYYY-MM-DD}`` (``open`` for
jobs submitted in open mode), with the fields of `FIELDS`, kept ``retention_days``.

- *submitted* is counted by the API when it accepts a job (or a ``POST /v1/translate``):
  the article's text and title characters, as normalised. A job the API withdraws (quota,
  broker down) is refunded. A cancelled job stays counted: it was submitted.
- *translated* is counted once per article that succeeded, by whoever wrote its result
  (the compare-and-set in the job store lets exactly one writer through).

A characters-per-day limit is checked and counted in one Lua script, so concurrent
submissions cannot pass the check together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import redis

USAGE_PREFIX = "ringkas:usage:"
OPEN_OWNER = "open"
FIELDS = ("chars_submitted", "articles_submitted", "chars_translated", "articles_translated")

# -1: counted; otherwise refused, and the day's characters so far.
_RESERVE = """
local used = tonumber(redis.call('HGET', KEYS[1], 'chars_submitted') or '0')
local limit = tonumber(ARGV[3])
if limit >= 0 and used + tonumber(ARGV[1]) > limit then return used end
redis.call('HINCRBY', KEYS[1], 'chars_submitted', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'articles_submitted', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return -1
"""


@dataclass(frozen=True)
class UsageDay:
    date: str
    chars_submitted: int = 0
    articles_submitted: int = 0
    chars_translated: int = 0
    articles_translated: int = 0


@dataclass(frozen=True)
class Reservation:
    """What `UsageStore.reserve` counted, to give back if the submission is withdrawn."""

    owner: str | None
    day: str
    chars: int
    articles: int


def today() -> date:
    return datetime.now(UTC).date()


def seconds_to_midnight(now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
    return max(1, int((midnight - now).total_seconds()) + 1)


class DailyLimitExceeded(Exception):
    """A submission would take its key past its characters-per-day limit (HTTP 429)."""

    def __init__(self, limit: int, used: int, asked: int) -> None:
        self.limit, self.used, self.asked = limit, used, asked
        self.retry_after_s = seconds_to_midnight()
        super().__init__(
            f"this key may submit {limit:,} characters per day (UTC); {used:,} are used "
            f"today and this request has {asked:,}. The count starts again at 00:00 UTC, "
            f"in {self.retry_after_s} s"
        )


class UsageStore:
    def __init__(self, client: redis.Redis, retention_days: int) -> None:
        """``client`` must be created with ``decode_responses=True``."""
        self._redis = client
        self._retention_s = retention_days * 86400
        self._reserve = client.register_script(_RESERVE)

    @classmethod
    def from_url(cls, redis_url: str, retention_days: int) -> UsageStore:
        return cls(redis.Redis.from_url(redis_url, decode_responses=True), retention_days)

    def total(self, owner: str | None, days: int) -> UsageDay:
        """The sums of the last ``days`` days (today included)."""
        rows = self.days(owner, days)
        sums = [sum(getattr(r, f) for r in rows) for f in FIELDS]
        return UsageDay(f"last {days} days", *sums)

    @staticmethod
    def key(owner: str | None, day: str) -> str:
        return f"{USAGE_PREFIX}{owner or OPEN_OWNER}:{day}"

    def reserve(
        self, owner: str | None, chars: int, articles: int, limit: int | None
    ) -> Reservation:
        """Counts a submission against today's usage; raises `DailyLimitExceeded` when it
        would take the key past ``limit`` characters today (None: no limit)."""
        day = today().isoformat()
        used = int(
            self._reserve(
                keys=[self.key(owner, day)],
                args=[chars, articles, -1 if limit is None else limit, self._retention_s],
            )
        )
        if used >= 0 and limit is not None:
            raise DailyLimitExceeded(limit, used, chars)
        return Reservation(owner, day, chars, articles)

    def refund(self, reservation: Reservation) -> None:
        """Gives back a submission that was withdrawn before anything ran."""
        key = self.key(reservation.owner, reservation.day)
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(key, "chars_submitted", -reservation.chars)
            pipe.hincrby(key, "articles_submitted", -reservation.articles)
            pipe.execute()

    def add_translated(self, owner: str | None, chars: int, articles: int = 1) -> None:
        key = self.key(owner, today().isoformat())
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(key, "chars_translated", chars)
            if articles:
                pipe.hincrby(key, "articles_translated", articles)
            pipe.expire(key, self._retention_s)
            pipe.execute()

    def days(self, owner: str | None, count: int, until: date | None = None) -> list[UsageDay]:
        """The last ``count`` days up to ``until`` (default today), newest first; days
        without use are zeros."""
        last = until or today()
        dates = [(last - timedelta(days=n)).isoformat() for n in range(count)]
        with self._redis.pipeline(transaction=False) as pipe:
            for day in dates:
                pipe.hmget(self.key(owner, day), list(FIELDS))
            rows = pipe.execute()
        return [
            UsageDay(day, *(int(v or 0) for v in row)) for day, row in zip(dates, rows, strict=True)
        ]
