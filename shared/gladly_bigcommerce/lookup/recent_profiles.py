"""DETAILED profiles kept for a few minutes, to show again while BigCommerce refuses calls."""

from __future__ import annotations

from datetime import UTC, datetime

from gladly_bigcommerce.gladly.models import CustomerResult
from gladly_bigcommerce.lookup.expiring import ExpiringMap

# Profiles kept to answer from while BigCommerce refuses calls (a few kB each), and for how long.
RECENT_PROFILES_MAX = 256
RECENT_PROFILES_TTL_SECONDS = 5 * 60


class RecentProfiles(ExpiringMap[tuple[str, ...], tuple[datetime, CustomerResult]]):
    """DETAILED profiles answered in the last minutes, to show again while BigCommerce refuses calls.

    Kept in the container's memory only (never logged or written anywhere), at most `MAX_ENTRIES` for
    `TTL_SECONDS`, and used only when the store has said its quota is spent: every other lookup reads
    BigCommerce afresh.
    """

    TTL_SECONDS = RECENT_PROFILES_TTL_SECONDS
    MAX_ENTRIES = RECENT_PROFILES_MAX

    def remember(self, key: tuple[str, ...], profile: CustomerResult) -> None:
        self.put({key: (datetime.now(UTC), profile)})

    def recall(self, key: tuple[str, ...]) -> tuple[datetime, CustomerResult] | None:
        """When the profile was read, and the profile, while it is kept; else None."""
        return self.fresh([key]).get(key)


recent_profiles = RecentProfiles()
