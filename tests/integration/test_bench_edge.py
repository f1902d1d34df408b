"""What `make bench`'s quota edges count as a full profile (bench/quota_edge.py), held against real
answers: the lookup handler's DETAILED profiles of the fleet's shoppers (devtools/sandbox/seed_fleet.py),
through the local gateway. A full profile shows every order and every tracking number; one that
leaves something out is degraded, and counted apart when it does not say so."""

from __future__ import annotations

import copy
from typing import Any

from bench.fleet_bench import profile_of
from bench.quota_edge import EdgeFigures, Profile
from devtools.replay import GladlyClient
from devtools.sandbox import SandboxServer
from devtools.sandbox.seed_fleet import add_fleet_shoppers


def counted(profile: Profile, answer: dict[str, Any]) -> EdgeFigures:
    figures = EdgeFigures(seconds=60.0, agents=1)
    figures.count(profile, 200, answer, elapsed=0.5)
    return figures


def test_every_fleet_shoppers_detailed_profile_is_counted_full(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given the fleet's first eight shoppers (two of them with a guest order) in the demo store
    for shopper in add_fleet_shoppers(bc_sandbox.store, 8):
        profile = profile_of(shopper)
        # When an agent opens each one's profile
        response = gladly_client.post("/lookup", profile.body)
        assert response.status_code == 200, response.text
        # Then it shows each of the shopper's orders and the tracking of those that shipped: full
        figures = counted(profile, response.json())
        assert (figures.full, figures.degraded) == (1, 0), response.text


def test_a_profile_missing_a_tracking_number_or_an_order_is_degraded_and_silent_unless_it_says_so(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    (shopper,) = add_fleet_shoppers(bc_sandbox.store, 1)
    profile = profile_of(shopper)
    answer = gladly_client.post("/lookup", profile.body).json()
    untracked = copy.deepcopy(answer)
    for transaction in untracked["results"][0]["transactions"]:
        for fulfillment in transaction.get("fulfillments") or []:
            fulfillment.pop("trackingNumber", None)
    one_order_less = copy.deepcopy(answer)
    one_order_less["results"][0]["transactions"].pop()
    said = copy.deepcopy(untracked)
    said["results"][0]["customAttributes"]["detailsSkipped"] = "Shipments were left out: quota"
    for degraded in (untracked, one_order_less):
        figures = counted(profile, degraded)
        assert (figures.full, figures.degraded, figures.degraded_silent) == (0, 1, 1)
    figures = counted(profile, said)
    assert (figures.full, figures.degraded, figures.degraded_silent) == (0, 1, 0)
