"""`make bench`: how fast a DETAILED lookup is next to the fastest it could be, cold and warm, and how
the adaptor behaves at the edge of BigCommerce's request quota.

Starts its own BigCommerce sandboxes, moto and local API gateways, and sends signed lookups as Gladly
does. Figures (every one printed in a table, then ONE line of JSON for machines):

- warm: the same DETAILED lookup for Martha Williams (10 orders, 5 shipped) N times through the
  gateway with 100 ms added to every BigCommerce answer, without the cache the containers share
  (each lookup a first-time one, as before that cache): median and p95 as a ratio to the lower bound
  (the 2 dependent calls x 100 ms: customer, orders and guest orders at once, then the shipments),
  upstream calls per lookup from the sandbox's request log; a BASIC search by email the same way
  (lower bound: one round trip). The container's first lookup, with the store information, group
  names and catalog images it also reads, is timed apart; its chain of dependent calls must stay 2.
- returning shopper (`returning_*`): the same lookup with the shared cache (lookup/shared_reads.py),
  after a first that fills it: calls per lookup and the median as a ratio to ONE round trip.
- import (`import_ms`): each function's handler imported in a fresh interpreter from a layout like
  the layer's (a copy of the runtime dependencies of `shared/requirements.txt` and the shared
  package, without any bytecode, then precompiled with `compileall --invalidation-mode
  unchecked-hash` as build.mk does), median of a few runs (bench/cold.py).
- cold process (`cold_process_ratio`): a fresh interpreter (`bench/cold_lookup.py`) that imports the
  lookup handler from that precompiled layout, as Lambda imports what `make build` ships, and
  answers one DETAILED lookup, a returning shopper's (a new container with the shared cache; same
  100 ms latency, credentials read from moto): interpreter start to the answer, as a ratio to the
  warm median, the import and the first answer apart.
- processing (`processing_ms`): a DETAILED lookup's own work, BigCommerce's answers replayed from
  memory (recorded once from the sandbox), the handler called with a signed event (no gateway, no
  HTTP): what is left is ours (verification, parsing, mapping, the response). `--profile` prints where
  it goes.
- quota edge: 10 agents opening Martha's profile for 60 s (an agent reopens it 0.2 s after each
  answer), the sandbox at BigCommerce's Standard quota (150 requests per 30 s) and 100 ms: answers over
  5 s, answers 200 (full or degraded), 503s, degraded profiles (and whether each says so in
  `detailsSkipped`), and requests the sandbox received while the store's quota was spent (its 429s)
  (bench/quota_edge.py).
- fleet quota edge (`fleet_edge_*`): production's shape (bench/fleet_bench.py): the functions in 4
  worker processes each (`CONTAINERS=4 make run`'s fleet), 20 agents opening 40 different shoppers
  for 60 s at the same quota and latency: full profiles per minute, and the same figures as above,
  with the shared cache and without it (`fleet_edge_without_cache_*`; `fleet_edge_gain` the ratio).

Targets (the bench exits 1 and names each missed one; speed is asserted here, never in a timed test):
detailed_median_ratio <= 1.2, basic_median_ratio <= 1.15, calls <= 8 and <= 2, cold_process_ratio
<= 3.5, quota_edge_over_5s = 0, quota_edge_calls_while_limited = 0, quota_edge_ok >= 80, every
degraded profile says so; returning_calls <= 3, returning_median_ratio <= 1.3, fleet_edge_gain >= 2
(in runs of 60 s or more), fleet_edge_over_5s = 0, fleet_edge_calls_while_limited = 0 (the containers
tell each other the quota is spent: bigcommerce/shared_quota.py; the run without the shared table
reports its own, as each container then knows the quota only from its own answers), every degraded
fleet profile says so. `BENCH_QUICK=1`
runs a short version (fewer runs, 15 s quota edges; the `quota_edge_ok` target scales with it).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
from collections.abc import Sequence
from contextlib import ExitStack, redirect_stdout
from dataclasses import dataclass
from functools import partial

from bench.cold import ColdProcess, cold_process_seconds, import_times, processing_ms, temporary_layout
from bench.fleet_bench import FleetFigures, fleet_quota_edge
from bench.quota_edge import EdgeFigures, quota_edge
from bench.stack import (
    AGENTS,
    BASIC,
    DEPENDENT_CHAIN,
    DETAILED,
    LATENCY_SECONDS,
    STANDARD_QUOTA,
    TARGET_BASIC_CALLS,
    TARGET_BASIC_RATIO,
    TARGET_COLD_RATIO,
    TARGET_DETAILED_CALLS,
    TARGET_DETAILED_RATIO,
    TARGET_FLEET_GAIN,
    TARGET_QUOTA_EDGE_OK_PER_MINUTE,
    TARGET_RETURNING_CALLS,
    TARGET_RETURNING_RATIO,
    UNLIMITED_QUOTA,
    WITHOUT_SHARED_CACHE,
    CallTimeline,
    Sample,
    Stack,
    local_stack,
    measure,
    percentile,
    signed_event,
)
from devtools.aws import create_resources_from_template, start_local_aws
from devtools.run import local_secret
from gladly_bigcommerce.observability import logger

# --- (warm) latency ----------------------------------------------------------------------------------


@dataclass
class WarmFigures:
    cold: Sample
    detailed: list[Sample]
    basic: list[Sample]

    @property
    def detailed_median(self) -> float:
        return statistics.median(sample.seconds for sample in self.detailed)

    @property
    def basic_median(self) -> float:
        return statistics.median(sample.seconds for sample in self.basic)


def returning_lookups(stack: Stack, runs: int) -> list[Sample]:
    """Martha's profile opened again and again, with the cache the containers share: after the first
    (which fills it) each is a returning shopper's, as in any container (what a container keeps in its
    own memory is kept in the shared cache too, and read from it in the same batch)."""
    timeline = CallTimeline(stack.sandbox)
    measure(stack.client, stack.sandbox, timeline, DETAILED)
    return [measure(stack.client, stack.sandbox, timeline, DETAILED) for _ in range(runs)]


def warm_lookups(stack: Stack, runs: int) -> WarmFigures:
    timeline = CallTimeline(stack.sandbox)
    # The container's first lookup also reads the secret, the store's information, the group names
    # and the catalog images: measured apart from the warm lookups Gladly sees nearly always.
    cold = measure(stack.client, stack.sandbox, timeline, DETAILED)
    detailed = [measure(stack.client, stack.sandbox, timeline, DETAILED) for _ in range(runs)]
    basic = [measure(stack.client, stack.sandbox, timeline, BASIC) for _ in range(max(5, runs // 3))]
    return WarmFigures(cold, detailed, basic)


# --- report ------------------------------------------------------------------------------------------


FLEET_GAIN_MIN_SECONDS = 60.0
"""The fleet's gain is a target in runs this long: the cache pays from an agent's second visit to a
shopper, and in a shorter run (`BENCH_QUICK`'s 15 s, half of the quota's window) hardly any happens."""


def report(
    warm: WarmFigures,
    cold_seconds: list[ColdProcess],
    imports: dict[str, dict[str, float]],
    processing: float,
    edge: EdgeFigures,
    fleet: FleetFigures,
    returning: list[Sample],
    fleet_without: FleetFigures,
) -> bool:
    detailed_bound = DEPENDENT_CHAIN * LATENCY_SECONDS
    basic_bound = LATENCY_SECONDS
    detailed_ratio = warm.detailed_median / detailed_bound
    basic_ratio = warm.basic_median / basic_bound
    detailed_calls = max(sample.calls for sample in warm.detailed)
    basic_calls = max(sample.calls for sample in warm.basic)
    chain = max(sample.chain for sample in warm.detailed)
    cold_process = statistics.median(run.seconds for run in cold_seconds)
    cold_import = statistics.median(run.import_seconds for run in cold_seconds)
    cold_handler = statistics.median(run.handler_seconds for run in cold_seconds)
    cold_ratio = cold_process / warm.detailed_median
    ok_target = round(TARGET_QUOTA_EDGE_OK_PER_MINUTE * edge.seconds / 60)
    returning_median = statistics.median(sample.seconds for sample in returning)
    returning_ratio = returning_median / LATENCY_SECONDS
    returning_calls = max(sample.calls for sample in returning)
    fleet_gain = fleet.edge.full_per_minute / max(fleet_without.edge.full_per_minute, 0.1)
    checks = [
        ("detailed_median_ratio", detailed_ratio <= TARGET_DETAILED_RATIO, f"{detailed_ratio:.2f} <= 1.2"),
        (
            "detailed_calls",
            detailed_calls <= TARGET_DETAILED_CALLS,
            f"{detailed_calls} <= {TARGET_DETAILED_CALLS}",
        ),
        ("basic_median_ratio", basic_ratio <= TARGET_BASIC_RATIO, f"{basic_ratio:.2f} <= 1.15"),
        ("basic_calls", basic_calls <= TARGET_BASIC_CALLS, f"{basic_calls} <= {TARGET_BASIC_CALLS}"),
        ("cold start chain", warm.cold.chain <= DEPENDENT_CHAIN, f"{warm.cold.chain} <= {DEPENDENT_CHAIN}"),
        ("cold_process_ratio", cold_ratio <= TARGET_COLD_RATIO, f"{cold_ratio:.2f} <= {TARGET_COLD_RATIO}"),
        ("quota_edge_over_5s", edge.over_5s == 0, f"{edge.over_5s} == 0"),
        ("quota_edge_calls_while_limited", edge.calls_while_limited == 0, f"{edge.calls_while_limited} == 0"),
        ("quota_edge_ok", edge.ok >= ok_target, f"{edge.ok} >= {ok_target}"),
        ("every degraded profile says so", edge.degraded_silent == 0, f"{edge.degraded_silent} silent"),
        (
            "returning_calls",
            returning_calls <= TARGET_RETURNING_CALLS,
            f"{returning_calls} <= {TARGET_RETURNING_CALLS}",
        ),
        (
            "returning_median_ratio",
            returning_ratio <= TARGET_RETURNING_RATIO,
            f"{returning_ratio:.2f} <= {TARGET_RETURNING_RATIO}",
        ),
        ("fleet_edge_over_5s", fleet.edge.over_5s == 0, f"{fleet.edge.over_5s} == 0"),
        (
            "fleet_edge_calls_while_limited",
            fleet.edge.calls_while_limited == 0,
            f"{fleet.edge.calls_while_limited} == 0",
        ),
        (
            "fleet: every degraded profile says so",
            fleet.edge.degraded_silent == 0,
            f"{fleet.edge.degraded_silent} silent",
        ),
    ]
    if fleet.edge.seconds >= FLEET_GAIN_MIN_SECONDS:
        checks.append(
            ("fleet_edge_gain", fleet_gain >= TARGET_FLEET_GAIN, f"{fleet_gain:.2f} >= {TARGET_FLEET_GAIN}")
        )
    ms = 1000
    print(
        f"Sandbox latency {LATENCY_SECONDS * ms:.0f} ms per BigCommerce request, lookups through the gateway."
    )
    print(f"{'figure':44} {'value':>12}  note")
    rows = [
        (
            "container's first DETAILED lookup",
            f"{warm.cold.seconds * ms:.1f} ms",
            f"{warm.cold.calls} calls, chain {warm.cold.chain}",
        ),
        (
            "DETAILED median (warm)",
            f"{warm.detailed_median * ms:.1f} ms",
            f"{detailed_ratio:.2f}x the {detailed_bound * ms:.0f} ms bound",
        ),
        (
            "DETAILED p95",
            f"{percentile([s.seconds for s in warm.detailed], 0.95) * ms:.1f} ms",
            f"{len(warm.detailed)} runs",
        ),
        ("DETAILED calls / chain", f"{detailed_calls} / {chain}", "per lookup (max)"),
        (
            "BASIC by email median",
            f"{warm.basic_median * ms:.1f} ms",
            f"{basic_ratio:.2f}x the {basic_bound * ms:.0f} ms bound",
        ),
        ("BASIC calls", f"{basic_calls}", ""),
        (
            "returning shopper's DETAILED median",
            f"{returning_median * ms:.1f} ms",
            f"{returning_ratio:.2f}x one round trip, {returning_calls} calls (shared cache)",
        ),
        (
            "cold process to first DETAILED answer",
            f"{cold_process * ms:.0f} ms",
            f"{cold_ratio:.2f}x the warm median ({len(cold_seconds)} runs)",
        ),
        ("  of which importing the handler", f"{cold_import * ms:.0f} ms", ""),
        ("  of which the first answer", f"{cold_handler * ms:.0f} ms", "credentials, store, lookup"),
        ("our processing per DETAILED lookup", f"{processing:.2f} ms", "BigCommerce replayed from memory"),
    ]
    rows += [
        (
            f"import {name} handler",
            f"{figures['no_bytecode']:.0f} ms",
            f"{figures['bytecode']:.0f} ms precompiled",
        )
        for name, figures in imports.items()
    ]
    rows += edge.rows(f"quota edge: {AGENTS} agents x {edge.seconds:.0f} s, one shopper")
    rows += fleet.rows()
    rows += fleet_without.rows()
    rows += [("fleet: full profiles, shared cache / without", f"{fleet_gain:.2f}x", "")]
    for name, value, note in rows:
        print(f"{name:44} {value:>12}  {note}")
    print()
    for name, passed, value in checks:
        print(f"  [{'PASS' if passed else 'FAIL'}] {name}: {value}")
    missed = [name for name, passed, _ in checks if not passed]
    if missed:
        print(f"Missed targets: {', '.join(missed)}")
    figures = {
        "detailed_median_ratio": round(detailed_ratio, 3),
        "detailed_calls": detailed_calls,
        "basic_median_ratio": round(basic_ratio, 3),
        "basic_calls": basic_calls,
        "detailed_median_ms": round(warm.detailed_median * ms, 1),
        "basic_median_ms": round(warm.basic_median * ms, 1),
        "cold_process_ms": round(cold_process * ms, 1),
        "cold_process_ratio": round(cold_ratio, 3),
        "cold_import_ms": round(cold_import * ms, 1),
        "cold_handler_ms": round(cold_handler * ms, 1),
        "import_ms": imports,
        "processing_ms": processing,
        **edge.figures("quota_edge"),
        **fleet.figures("fleet_edge"),
        **fleet_without.figures("fleet_edge_without_cache"),
        "fleet_edge_gain": round(fleet_gain, 2),
        "returning_calls": returning_calls,
        "returning_median_ms": round(returning_median * ms, 1),
        "returning_median_ratio": round(returning_ratio, 3),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "passed": not missed,
    }
    print(json.dumps(figures, separators=(",", ":")))
    return not missed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lookup_bench", description=__doc__)
    quick = bool(os.environ.get("BENCH_QUICK"))
    parser.add_argument("--runs", type=int, default=10 if quick else 30, help="warm DETAILED lookups timed")
    parser.add_argument("--edge-seconds", type=float, default=15.0 if quick else 60.0, help="quota-edge run")
    parser.add_argument("--profile", action="store_true", help="print a profile of our processing (stderr)")
    arguments = parser.parse_args(argv)
    with ExitStack() as running:
        # The code as it ships (bench/cold.py): its imports timed, then compiled for the cold process.
        layout = running.enter_context(temporary_layout())
        imports = import_times(layout, 1 if quick else 3)
        aws = start_local_aws()
        running.callback(aws.stop)
        resources = create_resources_from_template(aws, local_secret())
        # The handlers' log lines and metrics go to stdout, as in Lambda: keep them out of the report.
        logger.setLevel("ERROR")  # the quota edge logs a warning for every part a profile leaves out
        with redirect_stdout(io.StringIO()):
            # First-time lookups (nothing shared yet: the figures before the shared cache), then
            # returning shoppers' with it, and a cold container answering one
            with local_stack(
                resources, latency=LATENCY_SECONDS, quota=UNLIMITED_QUOTA, shared_cache=False
            ) as stack:
                warm = warm_lookups(stack, arguments.runs)
            with local_stack(resources, latency=LATENCY_SECONDS, quota=UNLIMITED_QUOTA) as stack:
                returning = returning_lookups(stack, arguments.runs)
                event = partial(signed_event, stack.gateway, DETAILED)
                cold_seconds = cold_process_seconds(
                    layout, stack.gateway.environment, event, 3 if quick else 5
                )
            processing = processing_ms(
                lambda: local_stack(resources, latency=0.0, quota=UNLIMITED_QUOTA, shared_cache=False),
                arguments.runs * 3,
                arguments.profile,
            )
            with local_stack(resources, latency=LATENCY_SECONDS, quota=STANDARD_QUOTA) as stack:
                edge = quota_edge(stack, arguments.edge_seconds)
            fleet = fleet_quota_edge(resources, arguments.edge_seconds, label="shared cache")
            fleet_without = fleet_quota_edge(
                resources,
                arguments.edge_seconds,
                environment=WITHOUT_SHARED_CACHE,
                label="without shared cache",
            )
        passed = report(warm, cold_seconds, imports, processing, edge, fleet, returning, fleet_without)
        return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
