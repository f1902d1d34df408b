"""`python -m devtools.sandbox`: run the BigCommerce sandbox in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import threading

from devtools.sandbox.routing import ALL_SCOPES
from devtools.sandbox.seed import DEMO
from devtools.sandbox.server import DEFAULT_STORE_HASH, DEFAULT_TOKEN, SandboxServer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3001)
    parser.add_argument("--store-hash", default=DEFAULT_STORE_HASH)
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the accepted X-Auth-Token (all scopes)")
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
    server = SandboxServer(
        store_hash=args.store_hash,
        tokens={args.token: ALL_SCOPES},
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
        print(f"BigCommerce sandbox: {server.url}  (API base {server.api_base})", flush=True)
        print(f"X-Auth-Token: {args.token}  store hash: {args.store_hash}  Ctrl-C stops it", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopping", flush=True)


if __name__ == "__main__":
    main()
