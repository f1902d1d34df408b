"""Check a BigCommerce store before going live: the store hash, the token, and each scope a feature needs.

BigCommerce's 403 for a missing scope does not name the scope (reference FACTS.md), so each scope is
found from the STATUS of one probe through the one client: a read, or a write that cannot succeed
(`ProbingClient.probe_*` below, a refund quote, which moves no money, for an order that cannot exist).
403 means the scope is missing; any other refusal (404, 400, 422) means the request got past the
scope check. That ordering is our reading, not a documented guarantee: BigCommerce answers even a
malformed store hash with the scope 403, so the check is made before the resource is looked up
(openillumi.com "BigCommerce API 403 scope error fix"), and the sandbox checks in the same order.
The probes are harmless under every reading: none can create, change or refund anything.

`devtools/check_store.py` (`make check-store`) is the command around `check_store` and `render`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from gladly_bigcommerce.bigcommerce import scopes
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import (
    BigCommerceError,
    Forbidden,
    NotFound,
    Unauthorized,
    UpstreamUnavailable,
    ValidationFailed,
)
from gladly_bigcommerce.bigcommerce.models import RefundItem
from gladly_bigcommerce.settings.model import ActionName

NO_SUCH_ORDER_ID = 0  # order ids are positive: the target of the harmless probes below


class ProbingClient(BigCommerceClient):
    """The adaptor's client plus two writes that cannot succeed, sent only by `make check-store` to learn
    from the status alone whether a modify scope is granted: 403 (`Forbidden`) means missing; 404/400/
    422 mean the request got past the scope check. Each is harmless whichever BigCommerce checks first:
    the target cannot exist and the body changes nothing. Never retried."""

    def probe_order_update(self, *, deadline: Deadline | None = None) -> None:
        """An empty update (`{}`: no field to set) of order 0 (no order has id 0): "Orders modify"."""
        self._request(
            "PUT",
            "/v2/orders/{order_id}",
            path={"order_id": NO_SUCH_ORDER_ID},
            body={},
            parse=lambda payload: None,
            retry=False,
            deadline=deadline,
        )

    def probe_customer_update(self, *, deadline: Deadline | None = None) -> None:
        """An update of no customers (`[]`: customers.v3 ``updateCustomers`` takes 1 to 10, so refused):
        "Customers modify", which store credit needs."""
        self._request(
            "PUT", "/v3/customers", body=[], parse=lambda payload: None, retry=False, deadline=deadline
        )

    def probe_promotion_create(self, *, deadline: Deadline | None = None) -> None:
        """An empty promotion (`{}`: no name, rules or redemption type, so refused): "Marketing modify"."""
        self._request(
            "POST", "/v3/promotions", body={}, parse=lambda payload: None, retry=False, deadline=deadline
        )


# An address no customer can have (`.invalid` is reserved, RFC 2606): the customer and order probes
# read nothing personal.
PROBE_EMAIL = "check-store@example.invalid"
# Any product id: reading the catalog changes nothing; what comes back is not used.
PROBE_PRODUCT_ID = 1


def _refund_quote(client: ProbingClient) -> None:
    # A quote moves no money (orders.v3 `createOrderRefundQuotes`), and this one is for an order that
    # cannot exist: it is never a refund, whatever the answer.
    item = RefundItem(item_type="ORDER", item_id=NO_SUCH_ORDER_ID, amount=Decimal("0.01"))
    client.create_refund_quote(NO_SUCH_ORDER_ID, [item])


Probe = Callable[[ProbingClient], object]

# Each probe once, by name; several capabilities may share one.
PROBES: dict[str, Probe] = {
    "store": lambda client: client.get_store(),
    "customers": lambda client: client.search_customers(emails=[PROBE_EMAIL], include=(), limit=1),
    "customer_groups": lambda client: client.list_customer_groups(),
    "orders": lambda client: client.list_orders(email=PROBE_EMAIL, limit=1, include_consignments=False),
    "shipments": lambda client: client.list_shipments(NO_SUCH_ORDER_ID),
    "catalog": lambda client: client.get_product_images([PROBE_PRODUCT_ID]),
    "channels": lambda client: client.list_channels(),
    "sites": lambda client: client.list_sites(),
    "refund_quote": _refund_quote,
    "order_update": lambda client: client.probe_order_update(),
    "promotion_create": lambda client: client.probe_promotion_create(),
    "customer_update": lambda client: client.probe_customer_update(),
}


@dataclass(frozen=True)
class Capability:
    feature: str
    scope: str
    loss: str
    """What agents lose without it."""
    probe: str
    always_needed: bool = False
    """Lookups cannot work without it."""
    needed_by: frozenset[ActionName] = frozenset()
    """The actions that cannot work without it (when enabled)."""


CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        "customer search",
        scopes.CUSTOMERS_READ,
        "finding and linking customers: every lookup fails",
        "customers",
        always_needed=True,
        needed_by=frozenset({"discount", "store_credit"}),
    ),
    Capability(
        "orders",
        scopes.ORDERS_READ,
        "the customer's orders: every detailed lookup fails",
        "orders",
        always_needed=True,
        needed_by=frozenset({"refund", "cancel", "staff_note", "shipping_address"}),
    ),
    Capability(
        "shipments", scopes.ORDERS_READ, "tracking numbers and shipping status on orders", "shipments"
    ),
    Capability("product images", scopes.PRODUCTS_READ, "product pictures on order lines", "catalog"),
    Capability(
        "store information",
        scopes.INFORMATION_READ,
        "storefront links, the store's currency and its countries (discount codes, store credit and "
        "addresses need them)",
        "store",
        needed_by=frozenset({"discount", "store_credit", "shipping_address"}),
    ),
    Capability(
        "customer groups", scopes.CUSTOMERS_READ, "the customer group name on profiles", "customer_groups"
    ),
    Capability(
        "storefronts",
        scopes.CHANNELS_READ,
        "which storefront each order came from, and one profile per shopper across storefronts",
        "channels",
    ),
    Capability(
        "storefront sites",
        scopes.SITES_READ,
        "shopper order links on storefronts other than the default",
        "sites",
    ),
    Capability(
        "refunds",
        scopes.REFUNDS,
        "refunding orders from Gladly",
        "refund_quote",
        needed_by=frozenset({"refund"}),
    ),
    Capability(
        "order changes",
        scopes.ORDERS_MODIFY,
        "cancelling orders, adding staff notes and changing addresses from Gladly",
        "order_update",
        needed_by=frozenset({"cancel", "staff_note", "shipping_address"}),
    ),
    Capability(
        "discount codes",
        scopes.MARKETING_MODIFY,
        "creating discount codes from Gladly",
        "promotion_create",
        needed_by=frozenset({"discount"}),
    ),
    Capability(
        "store credit",
        scopes.CUSTOMERS_MODIFY,
        "giving store credit from Gladly",
        "customer_update",
        needed_by=frozenset({"store_credit"}),
    ),
)


class Access(Enum):
    GRANTED = "granted"
    MISSING = "missing"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ProbeResult:
    access: Access
    detail: str = ""
    """Why the access is unknown (a fixed sentence with a status, never BigCommerce's wording)."""


@dataclass(frozen=True)
class Line:
    capability: Capability
    result: ProbeResult
    needed_by_enabled: tuple[ActionName, ...]
    """The enabled actions that cannot work without it."""

    @property
    def needed(self) -> bool:
        return self.capability.always_needed or bool(self.needed_by_enabled)

    @property
    def blocking(self) -> bool:
        return self.needed and self.result.access is not Access.GRANTED

    @property
    def label(self) -> str:
        if self.result.access is Access.GRANTED:
            return "OK"
        if not self.needed:
            return "WARNING"
        return "MISSING" if self.result.access is Access.MISSING else "UNKNOWN"


@dataclass(frozen=True)
class StoreCheck:
    """The outcome: `problem` (a bad store hash or token, found once) or one line per capability."""

    store_hash: str
    api_base: str
    actions_enabled: frozenset[ActionName]
    lines: tuple[Line, ...] = ()
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and not any(line.blocking for line in self.lines)


class _StoreUnusable(Exception):
    """The store hash or the token is wrong: no scope can be learned, so the check stops."""


def _probe(client: ProbingClient, probe: Probe, *, first: bool) -> ProbeResult:
    try:
        probe(client)
    except Forbidden:
        return ProbeResult(Access.MISSING)
    except Unauthorized:
        raise _StoreUnusable(
            "BigCommerce refused the access token (401): it is wrong, revoked, or belongs to another "
            "store. Copy the Access Token of the store's API account (Settings > API > Store-level API "
            "accounts) into BIGCOMMERCE_ACCESS_TOKEN, or access_token in the secret file."
        ) from None
    except NotFound:
        if first:  # GET /v2/store exists on every store: a 404 there means there is no such store
            raise _StoreUnusable(
                "No store answers to this store hash (404). Copy the hash "
                "from the API path of the store's API account (https://api.bigcommerce.com/stores/<hash>/)."
            ) from None
        return ProbeResult(Access.GRANTED)  # past the scope check: the order 0 the probe named is absent
    except ValidationFailed:
        return ProbeResult(Access.GRANTED)  # past the scope check: the probe's body was refused
    except UpstreamUnavailable as error:
        if first:
            raise _StoreUnusable(
                f"BigCommerce could not be reached or failed ({error.status or 'no answer'}): try again "
                "later, and check BIGCOMMERCE_API_BASE (API_BASE) if it is set."
            ) from None
        return ProbeResult(Access.UNKNOWN, f"BigCommerce failed ({error.status or 'no answer'})")
    except BigCommerceError as error:
        return ProbeResult(Access.UNKNOWN, f"BigCommerce answered {error.status or 'unreadably'}")
    return ProbeResult(Access.GRANTED)


def check_store(
    client: ProbingClient, actions_enabled: Collection[ActionName], *, api_base: str
) -> StoreCheck:
    """Run every probe once (the store information first: it tells a bad store hash or token).

    `api_base` is the one the client was made with, for the report.
    """
    enabled = frozenset(actions_enabled)
    results: dict[str, ProbeResult] = {}
    try:
        for name, probe in PROBES.items():
            results[name] = _probe(client, probe, first=not results)
    except _StoreUnusable as unusable:
        return StoreCheck(client.store_hash, api_base, enabled, problem=str(unusable))
    lines = tuple(
        Line(capability, results[capability.probe], tuple(sorted(capability.needed_by & enabled)))
        for capability in CAPABILITIES
    )
    return StoreCheck(client.store_hash, api_base, enabled, lines)


def render(check: StoreCheck) -> list[str]:
    """The report, one line per capability, then what to do."""
    where = f"Store {check.store_hash} at {check.api_base}"
    if check.problem is not None:
        return [f"{where}: cannot check the scopes.", check.problem]
    enabled = ", ".join(sorted(check.actions_enabled)) or "none"
    lines = [f"{where}: the token is accepted. Actions enabled: {enabled}.", ""]
    width = max(len(capability.feature) for capability in CAPABILITIES)
    for line in check.lines:
        lines.append(f"{line.label:<8} {line.capability.feature:<{width}}  {_describe(line)}")
    lines.append("")
    blocking = [line for line in check.lines if line.blocking]
    if all(line.result.access is Access.MISSING for line in check.lines):
        lines.append(
            "Every probe was refused (403): the API account has none of these scopes, or the store hash "
            "is wrong (BigCommerce has been seen answering a malformed one with this same 403)."
        )
    if blocking:
        features = ", ".join(line.capability.feature for line in blocking)
        lines.append(
            f"NOT READY: {features} cannot work. Grant the scopes named above to the store's API account "
            "(Settings > API > Store-level API accounts), or disable the action (ACTIONS_ENABLED), then "
            "run this check again."
        )
    else:
        lines.append("READY: every feature the settings enable can work.")
        if any(line.label == "WARNING" for line in check.lines):
            lines.append("Each WARNING is an optional extra agents go without, or a disabled action's scope.")
    return lines


def _describe(line: Line) -> str:
    capability, result = line.capability, line.result
    text = f"{capability.scope}: {result.access.value}"
    if result.access is Access.UNKNOWN:
        text += f" ({result.detail}; run the check again)"
    text += f". Without it agents lose {capability.loss}"
    if result.access is Access.GRANTED:
        return text + "."
    if capability.always_needed:
        return text + "; lookups need it."
    if line.needed_by_enabled:
        return text + f"; needed by the enabled action(s) {', '.join(line.needed_by_enabled)}."
    if capability.needed_by:
        return text + f"; not needed while {', '.join(sorted(capability.needed_by))} is not enabled."
    return text + " (optional enrichment)."
