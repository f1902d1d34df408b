"""The store's request quota as the containers tell each other, through the shared table.

Each container knows the store's quota from its own answers (`quota.py`): the requests left that
BigCommerce states on each. In a fleet, what one container sees is already old for the others, which
keep sending into a quota another has seen spent, and get 429s (requests the store counts while its
quota is spent, shared with checkout and its other apps). So, with a shared table:

- a container stops sending once `RESERVE_SHARE` of the quota is left, not none: the requests the
  other containers sent before they knew land in that reserve, not past the quota; and once the
  others, at the pace they have been spending, could take what is left above it before its next
  request lands, it sends one request at a time (`quota.py`), so a burst of the whole fleet stops in
  time too;
- when it stops (that reserve reached, a 429, or no request left), it writes "spent until T" (the
  store's reset time, seconds since the epoch) in the table: `QUOTA_KEY`, expiring at T;
- every DETAILED lookup asks for that key in the batched read it sends anyway alongside its first
  wave (`ProfileReads.start`), so hearing it costs no round trip: the lookup's later calls and the
  container's next lookups send nothing until T. A lookup whose container sees the quota near its
  end (`NEAR_SHARE` of it left, or less) waits for that read before its first wave: one DynamoDB
  round trip, only near the edge, so that it sends nothing into a quota already spent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .quota import QuotaView, StoreQuota
from .shared_cache import CacheKey, SharedCache

QUOTA_KEY = CacheKey("quota", "spent")
RESERVE_SHARE = 0.15
"""Share of the quota a container of a fleet leaves unsent (23 of the Standard plan's 150 per 30 s;
none before BigCommerce has stated the quota). In `make bench`'s fleet edge (4 containers, 20 agents,
every shopper new at first) each container's count of what is left ran 35 to 40 above the store's in
the opening burst, the others' waves in flight; with one request at a time near the reserve
(`quota.py`) and each container reading its store settings once, the store had 3 to 22 left when
the last container stopped in 24 windows of 8 runs (0 calls while spent). A fifth (30) left 7 to 27
and bought about a tenth fewer full profiles (50 to 68 a minute against 60 to 72); a tenth (15) left
0 to 13, and one run sent a call into a spent quota. A larger reserve stops a replay of `events/`
(`make replay RESET=1`, the sandbox reset before each event: its window restarts within the second,
which looks like the same window) before its end."""
NEAR_SHARE = 0.5
"""Share of the quota left under which a lookup hears the others before its first wave."""
FALLBACK_QUOTA = 150
"""The quota assumed near the edge before BigCommerce has stated one (the Standard plan's)."""


def share_quota(shared: SharedCache, quota: StoreQuota) -> None:
    """Make this container's quota one of the fleet's: a reserve, and its stops told to the others."""

    def told(seconds: float) -> None:
        until = shared.now() + seconds
        shared.put({QUOTA_KEY: ({"until": until}, until)})

    quota.share(RESERVE_SHARE, told)


def heard(found: Mapping[CacheKey, tuple[Any, float]], shared: SharedCache, quota: StoreQuota) -> None:
    """Send nothing until the time another container said the quota is spent, if it is still ahead."""
    entry = found.get(QUOTA_KEY)
    if entry is None:
        return
    try:
        seconds = float(entry[0]["until"]) - shared.now()
    except (KeyError, TypeError, ValueError):
        return  # an entry in another shape: not heard
    if seconds > 0:
        quota.hold(seconds)


def near_the_edge(view: QuotaView) -> bool:
    """True when the store's quota, as this container last saw it, is within `NEAR_SHARE` of its end."""
    if view.left is None:
        return False
    return view.left <= NEAR_SHARE * (view.quota or FALLBACK_QUOTA)
