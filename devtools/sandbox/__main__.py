"""`python -m devtools.sandbox`: run the BigCommerce sandbox in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Sequence

from devtools.sandbox.routing import ALL_SCOPES
from devtools.sandbox.seed import DEMO
from devtools.sandbox.server import DEFAULT_STORE_HASH, DEFAULT_TOKEN, SandboxServer


def parse_tokens(values: Sequence[str] | None) -> dict[str, frozenset[str]]:
    """`--token TOKEN` (every scope) or `--token TOKEN:SCOPE,SCOPE` (those OAuth scopes; `TOKEN:` none).

    Raises ValueError naming an unknown scope, with the accepted names.
    """
    tokens: dict[str, frozenset[str]] = {}
    for value in values or [DEFAULT_TOKEN]:
        token, separator, listed = value.partition(":")
        if not token:
            raise ValueError(f"--token {value!r}: the token before ':' is empty")
        scopes = frozenset(part.strip() for part in listed.split(",") if part.strip())
        unknown = sorted(scopes - ALL_SCOPES)
        if unknown:
            raise ValueError(
                f"--token {token}: unknown scope(s) {', '.join(unknown)}; use {', '.join(sorted(ALL_SCOPES))}"
            )
        tokens[token] = scopes if separator else ALL_SCOPES
    return tokens


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3001)
    parser.add_argument("--store-hash", default=DEFAULT_STORE_HASH)
    parser.add_argument(
        "--token",
        action="append",
        metavar="TOKEN[:SCOPE,SCOPE]",
        help=f"an accepted X-Auth-Token with these OAuth scopes (store_v2_orders, ...; none after ':' "
        f"means no scope; no ':' means every scope). Repeatable. Default: {DEFAULT_TOKEN} with every scope",
    )
    parser.add_argument("--latency-ms", type=int, default=0, help="added to every answer")
    parser.add_argument("--quota", type=int, default=150, help="requests per rate-limit window")
    parser.add_argument("--window-seconds", type=float, default=30.0, help="rate-limit window")
    parser.add_argument(
        "--empty", action="store_true", help="start with an empty store instead of the demo seed"
    )
    parser.add_argument(
        "--sparse",
        action="store_true",
        help="answer every success in its sparsest schema-valid form (devtools.sandbox.sparse)",
    )
    parser.add_argument(
        "--phone-in-no-split",
        action="store_true",
        help="match the phone:in filter as ONE literal string instead of a comma-separated list",
    )
    args = parser.parse_args(argv)
    try:
        tokens = parse_tokens(args.token)
    except ValueError as error:
        parser.error(str(error))
    server = SandboxServer(
        store_hash=args.store_hash,
        tokens=tokens,
        seed=None if args.empty else DEMO,
        host=args.host,
        port=args.port,
        latency=args.latency_ms / 1000,
        quota=args.quota,
        window_seconds=args.window_seconds,
        sparse=args.sparse,
        phone_in_no_split=args.phone_in_no_split,
    )
    with server:
        # BIGCOMMERCE_API_BASE is the root: the client appends /stores/<hash>/v3/... itself.
        print(
            f"BigCommerce sandbox: {server.url}  (BIGCOMMERCE_API_BASE; its API: {server.api_base}/v3/...)",
            flush=True,
        )
        print(f"store hash: {args.store_hash}  Ctrl-C stops it", flush=True)
        for token, scopes in tokens.items():
            granted = "every scope" if scopes == ALL_SCOPES else ", ".join(sorted(scopes)) or "no scope"
            print(f"X-Auth-Token: {token}  ({granted})", flush=True)
        for store_hash in server.stores:
            if store_hash != args.store_hash:
                currency, api = server.stores[store_hash].info.currency, server.api_base_of(store_hash)
                print(f"also store hash: {store_hash} ({currency}; its API: {api}/v3/...)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopping", flush=True)


if __name__ == "__main__":
    main()
