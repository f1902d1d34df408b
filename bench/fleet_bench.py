"""The fleet quota edge of `make bench`: production's shape, many shoppers over many containers.

`make bench`'s first quota edge shows a container's memory at its best: 10 agents opening ONE profile
in ONE process. Here, as on Lambda with a team of agents: the functions run in `FLEET_CONTAINERS`
worker processes each (`CONTAINERS=4 make run`'s fleet, devtools/fleet.py: memory not shared,
DynamoDB shared), and `FLEET_AGENTS` agents open `FLEET_SHOPPERS` different shoppers
(devtools/sandbox/seed_fleet.py, added to the demo store), each agent walking through all of them
from its own starting point, for a minute, against a store at the Standard quota (150 requests per
30 s) with 100 ms per answer. The figure that matters is full profiles per minute: how many
complete profiles the store's quota buys (bench/quota_edge.py counts them, and what else came back).

`fleet_quota_edge(resources, seconds, environment=...)` is the hook for comparing two runs of the
same harness: `environment` adds variables to the functions' environment (e.g. one that turns a
cache off), and each call starts its own sandbox and fleet, so two calls differ only by it. Alone:

    .venv/bin/python -m bench.fleet_bench [--seconds 60] [--env NAME=VALUE ...] [--label without-cache]

prints the same rows as `make bench` and one line of JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from bench.quota_edge import EdgeFigures, Profile, run_agents
from bench.stack import LATENCY_SECONDS, STANDARD_QUOTA
from devtools.aws import LocalResources, create_resources_from_template, start_local_aws
from devtools.gateway import LocalGateway
from devtools.run import local_secret, sandbox_store, start_gateway
from devtools.sandbox.seed_fleet import FleetShopper, add_fleet_shoppers
from devtools.sandbox.server import SandboxServer

FLEET_CONTAINERS = 4
FLEET_AGENTS = 20
FLEET_SHOPPERS = 40
FLEET_WINDOW_PHASE = 0.5
"""How much of the store's current 30 s window is gone when the agents begin. A store in use (checkout,
its other apps) has its windows running on, and a team begins at any point of one: half is the
expected point. It is set, not left to how long the fleet took to start: the sandbox's first window
begins when it starts, so the point the agents met depended on the workers' start (about 13 s on a
warm checkout), and with it how many window resets fell within the minute: 3 at 13 s, 2 when the
window begins with the agents (`--phase 0`). Both runs of `make bench` begin at the same point, so
they differ only by the cache."""


@dataclass
class FleetFigures:
    """One run of the fleet quota edge: its settings and what the agents got."""

    edge: EdgeFigures
    containers: int
    shoppers: int
    label: str

    def rows(self) -> list[tuple[str, str, str]]:
        title = (
            f"fleet edge ({self.label}): {self.containers} containers, {self.edge.agents} agents, "
            f"{self.shoppers} shoppers x {self.edge.seconds:.0f} s"
        )
        return self.edge.rows(title)

    def figures(self, prefix: str = "fleet_edge") -> dict[str, object]:
        return {
            **self.edge.figures(prefix),
            f"{prefix}_answers": self.edge.answers,
            f"{prefix}_containers": self.containers,
            f"{prefix}_agents": self.edge.agents,
            f"{prefix}_shoppers": self.shoppers,
        }


def profile_of(shopper: FleetShopper) -> Profile:
    """The DETAILED lookup Gladly sends for the shopper, and what its full profile shows."""
    body = {
        "lookupLevel": "DETAILED",
        "uniqueMatchRequired": True,
        "query": {
            "id": f"fleet-profile-{shopper.customer_id}",
            "name": shopper.name,
            "emails": [shopper.email],
            "externalCustomerId": str(shopper.customer_id),
        },
    }
    return Profile(
        body, frozenset(map(str, shopper.order_ids)), frozenset(map(str, shopper.tracked_order_ids))
    )


@contextmanager
def fleet_stack(
    resources: LocalResources,
    log: Path,
    *,
    containers: int = FLEET_CONTAINERS,
    shoppers: int = FLEET_SHOPPERS,
    environment: Mapping[str, str] | None = None,
) -> Iterator[tuple[SandboxServer, LocalGateway, list[FleetShopper]]]:
    """A sandbox of its own at the Standard quota with the fleet's shoppers, and a fleet to it (its
    workers' output to `log`)."""
    sandbox = SandboxServer(latency=LATENCY_SECONDS, quota=STANDARD_QUOTA, window_seconds=30.0).start()
    resources.empty_table("LookupCacheTable")  # every sandbox has the same store: start with none of it
    try:
        added = add_fleet_shoppers(sandbox.store, shoppers)
        with log.open("w") as output:
            gateway = start_gateway(
                resources,
                sandbox_store(sandbox.url),
                access_log=False,
                containers=containers,
                environment=environment,
                worker_output=output,
            )
        try:
            yield sandbox, gateway, added
        finally:
            gateway.stop()
    finally:
        sandbox.stop()


def fleet_quota_edge(
    resources: LocalResources,
    seconds: float,
    *,
    environment: Mapping[str, str] | None = None,
    label: str = "today",
    containers: int = FLEET_CONTAINERS,
    agents: int = FLEET_AGENTS,
    shoppers: int = FLEET_SHOPPERS,
    phase: float = FLEET_WINDOW_PHASE,
) -> FleetFigures:
    """`agents` agents opening `shoppers` different shoppers through `containers` workers per
    function for `seconds`, beginning when `phase` of the store's window is gone; `environment`
    (added to the functions' environment) and `label` (in the report) tell two runs apart."""
    with tempfile.TemporaryDirectory(prefix="bench-fleet-") as directory:
        log = Path(directory) / "workers.log"
        try:
            with fleet_stack(
                resources, log, containers=containers, shoppers=shoppers, environment=environment
            ) as (sandbox, gateway, added):
                profiles = [profile_of(shopper) for shopper in added]
                stride = max(1, shoppers // agents)  # agent n starts at shopper n x stride
                sandbox.rate_limit.restart(elapsed_seconds=phase * sandbox.rate_limit.window_seconds)
                edge = run_agents(
                    gateway.url,
                    sandbox,
                    agents=agents,
                    seconds=seconds,
                    profile_for=lambda agent, turn: profiles[(agent * stride + turn) % len(profiles)],
                )
        except BaseException:
            print(f"The fleet's workers wrote:\n{log.read_text(errors='replace')[-4000:]}", file=sys.stderr)
            raise
    return FleetFigures(edge, containers, shoppers, label)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fleet_bench", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the agents open profiles")
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="functions' variable"
    )
    parser.add_argument("--label", default="today", help="the run's name in the report")
    parser.add_argument(
        "--phase",
        type=float,
        default=FLEET_WINDOW_PHASE,
        help="share of the store's window gone when the agents begin (0 to below 1)",
    )
    arguments = parser.parse_args(argv)
    environment = dict(item.split("=", 1) for item in arguments.env)
    with ExitStack() as running:
        aws = start_local_aws()
        running.callback(aws.stop)
        resources = create_resources_from_template(aws, local_secret())
        with redirect_stdout(io.StringIO()):
            fleet = fleet_quota_edge(
                resources,
                arguments.seconds,
                environment=environment,
                label=arguments.label,
                phase=arguments.phase,
            )
    for name, value, note in fleet.rows():
        print(f"{name:44} {value:>12}  {note}")
    print(json.dumps(fleet.figures(), separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
