"""The API's side of usage: count each submission, enforce the daily character limit.

The limit is a key's own (``ringkas keys limit``) or RINGKAS_CHARS_PER_DAY_PER_KEY; open
mode has no per-key limits, but its use is counted (as ``open``).
"""

from __future__ import annotations

from ringkas.keys import KeyStore
from ringkas.service.errors import ApiError
from ringkas.usage import DailyLimitExceeded, Reservation, UsageStore


class UsageGate:
    def __init__(self, usage: UsageStore, keys: KeyStore, default_limit: int | None) -> None:
        self.usage = usage
        self._keys = keys
        self._default_limit = default_limit

    def limit(self, key_id: str | None) -> int | None:
        """The key's characters per day; None: unlimited (always in open mode)."""
        return None if key_id is None else self._keys.daily_limit(key_id, self._default_limit)

    def reserve(self, key_id: str | None, chars: int, articles: int) -> Reservation:
        """Counts the submission; a 429 with the limit in the message when over it."""
        try:
            return self.usage.reserve(key_id, chars, articles, self.limit(key_id))
        except DailyLimitExceeded as exc:
            headers = {"Retry-After": str(exc.retry_after_s)}
            raise ApiError(429, "daily_limit", str(exc), headers=headers) from None

    def refund(self, reservation: Reservation) -> None:
        self.usage.refund(reservation)
