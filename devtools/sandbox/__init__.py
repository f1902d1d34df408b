"""A faithful local fake of BigCommerce's REST API, for tests and local runs (never deployed).

    from devtools.sandbox import SandboxServer, ALL_SCOPES

    with SandboxServer() as server:            # seeded demo store, token "sandbox-token"
        server.url                             # http://127.0.0.1:<port>; API at {url}/stores/sandbox/v3/...
        server.faults.add(r"^/v2/orders$", 503, times=1)      # also: "rate_limit", "reset", "slow", ...
        server.store.add_customer(email="x@example.com", first_name="X", last_name="Y")
        server.store.set_decline_refunds(order_id)           # its card refunds come back declined

`python -m devtools.sandbox --port 3001` runs it alone. `devtools.sandbox.seed` documents the demo
data; `devtools.sandbox.contract` checks exchanges against BigCommerce's OpenAPI files.
"""

from devtools.sandbox.errors import ApiError
from devtools.sandbox.knobs import (
    FAULT_KINDS,
    Fault,
    FaultKind,
    FaultPlan,
    RateLimiter,
    RequestLog,
    RequestRecord,
)
from devtools.sandbox.records import PaymentProvider
from devtools.sandbox.routing import (
    ALL_SCOPES,
    CHANNELS,
    CHANNELS_READ,
    CUSTOMERS,
    CUSTOMERS_READ,
    INFORMATION,
    INFORMATION_READ,
    MARKETING,
    MARKETING_READ,
    ORDERS,
    ORDERS_READ,
    PRODUCTS,
    PRODUCTS_READ,
    SITES,
    SITES_READ,
    TRANSACTIONS,
    TRANSACTIONS_READ,
)
from devtools.sandbox.server import DEFAULT_STORE_HASH, DEFAULT_TOKEN, JAPAN_STORE_HASH, SandboxServer
from devtools.sandbox.store import SandboxStore

__all__ = [
    "ALL_SCOPES",
    "CHANNELS",
    "CHANNELS_READ",
    "CUSTOMERS",
    "CUSTOMERS_READ",
    "DEFAULT_STORE_HASH",
    "DEFAULT_TOKEN",
    "FAULT_KINDS",
    "INFORMATION",
    "INFORMATION_READ",
    "JAPAN_STORE_HASH",
    "MARKETING",
    "MARKETING_READ",
    "ORDERS",
    "ORDERS_READ",
    "PRODUCTS",
    "PRODUCTS_READ",
    "SITES",
    "SITES_READ",
    "TRANSACTIONS",
    "TRANSACTIONS_READ",
    "ApiError",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "PaymentProvider",
    "RateLimiter",
    "RequestLog",
    "RequestRecord",
    "SandboxServer",
    "SandboxStore",
]
