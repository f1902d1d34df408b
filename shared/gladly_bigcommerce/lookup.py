"""Gladly lookups over BigCommerce: the BASIC search and the DETAILED profile (protocol sections 1-3, 5).

One logic function per use case, each taking the parsed `LookupRequest` and `LookupDeps`:
`manual_search`, `auto_link_lookup` and `detailed_lookup`; `answer_lookup` routes a request to one.

Latency is what matters (Gladly waits 5 s): independent BigCommerce calls run at once, and a
DETAILED profile costs one wave of calls (customer, its orders, guest orders by email) plus one
shipments call per order that shipped something, alongside which the products' catalog images are
read (one call, and none once they are cached: `product_images`). Store configuration (store
information, customer group names) is kept per container (`StoreSetting`) and read, when not kept,
alongside the first wave. Only failing to read the shopper is an error; a failed enrichment
(shipments, separately listed products, images, group names) leaves that part out, logged and counted.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Generic, TypeVar

from gladly_bigcommerce.actions.declare import customer_actions as declare_customer_actions
from gladly_bigcommerce.actions.declare import order_actions as declare_order_actions
from gladly_bigcommerce.api import Dependencies
from gladly_bigcommerce.auto_link import answer_auto_link
from gladly_bigcommerce.bigcommerce import (
    BigCommerceClient,
    BigCommerceError,
    CallBudget,
    Customer,
    Deadline,
    Order,
    OrderProduct,
    RequestRecord,
    Shipment,
    StoreInfo,
)
from gladly_bigcommerce.config import AdaptorSecret, AdaptorSettings
from gladly_bigcommerce.customer_search import (
    ContactMatches,
    CustomerRef,
    GuestRef,
    GuestShopper,
    RegisteredRef,
    find_by_contacts,
    guest_orders,
    normalize_email,
    parse_customer_ref,
    result,
    submit,
    unique_emails,
)
from gladly_bigcommerce.gladly import limits
from gladly_bigcommerce.gladly.models import Action, CustomerResult, LookupKind, LookupRequest, LookupResponse
from gladly_bigcommerce.mapping import (
    consignment_lines,
    customer_attributes,
    customer_result,
    guest_result,
    lines_are_complete,
    merge_orders,
    needs_shipments,
    order_transaction,
    store_links,
    with_search_columns,
)
from gladly_bigcommerce.observability import count, logger, mask_email
from gladly_bigcommerce.product_images import product_images

T = TypeVar("T")

# How long customer group names are trusted before they are read again.
GROUP_NAMES_TTL_SECONDS = 15 * 60

# Orders read per shopper for the profile's order count and lifetime value; the newest
# `recent_orders` of them become transactions. Beyond this many, the count says "50+".
SUMMARY_ORDER_LIMIT = 50

_METRIC_BY_KIND: dict[LookupKind, str] = {
    "manual_search": "LookupsManualSearch",
    "auto_link": "LookupsAutoLink",
    "detailed": "LookupsDetailed",
}


# --- dependencies ------------------------------------------------------------------------------------


class StoreSetting(Generic[T]):
    """A piece of store configuration (not per shopper), read at most once per `ttl_seconds`.

    `fetch` answers at once from memory while the value is fresh; otherwise it starts a read
    alongside the lookup's other calls. A failed read is not remembered: the next lookup tries again.
    Concurrent cold lookups may each read it; the last answer wins, and all are the same store's.
    """

    def __init__(
        self,
        load: Callable[[Deadline], T],
        ttl_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._ttl = ttl_seconds
        self._clock = clock
        self._value: tuple[float, T] | None = None  # (expires, value)
        self._lock = threading.Lock()

    @property
    def value(self) -> T | None:
        """The remembered value while it is fresh, else None."""
        with self._lock:
            if self._value is None or self._value[0] <= self._clock():
                return None
            return self._value[1]

    def fetch(self, deadline: Deadline) -> Future[T]:
        """The fresh value as a finished future, or a read of it started now."""
        cached = self.value
        if cached is not None:
            done: Future[T] = Future()
            done.set_result(cached)
            return done
        return submit(lambda: self.load(deadline))

    def load(self, deadline: Deadline) -> T:
        """Read the value now and remember it."""
        value = self._load(deadline)
        expires = math.inf if self._ttl is None else self._clock() + self._ttl
        with self._lock:
            self._value = (expires, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._value = None


class StoreConnection:
    """One store's BigCommerce client, and the store's configuration once read.

    Store information (storefront domain, default currency) is read at most once per container,
    alongside the first DETAILED lookup, and read again only if that failed. Customer group names
    change more often (a merchant adds or renames a group) and are kept for `GROUP_NAMES_TTL_SECONDS`.
    """

    def __init__(self, client: BigCommerceClient) -> None:
        self.client = client
        self.store = StoreSetting(lambda deadline: client.get_store(deadline=deadline))
        self.group_names = StoreSetting(
            partial(_read_group_names, client), ttl_seconds=GROUP_NAMES_TTL_SECONDS
        )


def _read_group_names(client: BigCommerceClient, deadline: Deadline) -> dict[int, str]:
    return {group.id: group.name for group in client.list_customer_groups(deadline=deadline)}


_connections: dict[tuple[str, str, str, str], StoreConnection] = {}
_connections_lock = threading.Lock()
_metrics_lock = threading.Lock()


def _record_upstream_call(record: RequestRecord) -> None:
    """Count every BigCommerce attempt, and the failed ones (the client calls this from pool threads)."""
    with _metrics_lock:
        count("UpstreamCalls")
        if record.status is None or record.status >= 400:
            count("UpstreamErrors")


def forget_store_settings() -> None:
    """Forget the store configuration every connection has read, as a new container would have."""
    with _connections_lock:
        for connection in _connections.values():
            connection.store.clear()
            connection.group_names.clear()


def store_connection(settings: AdaptorSettings, secret: AdaptorSecret) -> StoreConnection:
    """The container's connection for these credentials (a new one after the token is rotated)."""
    token = secret.access_token.get_secret_value()
    client_id = secret.client_id.get_secret_value()
    key = (settings.api_base, settings.store_hash, token, client_id)
    with _connections_lock:
        connection = _connections.get(key)
        if connection is None:
            client = BigCommerceClient(
                settings.store_hash,
                token,
                client_id=client_id,
                api_base=settings.api_base,
                on_request=_record_upstream_call,
            )
            _connections.clear()  # credentials of the past are not used again
            connection = _connections[key] = StoreConnection(client)
        return connection


@dataclass(frozen=True)
class LookupDeps:
    """What a lookup needs: the settings, the store connection, the deadline for BigCommerce, and the
    API's public base URL (``Dependencies.public_base_url``), on which action form URLs are built."""

    settings: AdaptorSettings
    connection: StoreConnection
    deadline: Deadline
    public_base_url: str

    @property
    def client(self) -> BigCommerceClient:
        return self.connection.client


def lookup_deadline(settings: AdaptorSettings, received_at: datetime, calls: int) -> Deadline:
    """The lookup's budget, counted from when the request arrived (verification time included), and
    the BigCommerce calls it may make (``gladly/limits.py``)."""
    spent = (datetime.now(UTC) - received_at).total_seconds()
    return Deadline.after(
        settings.lookup_deadline_seconds - max(0.0, spent),
        budget=CallBudget(calls, limits.RETRIES_PER_REQUEST),
    )


def lookup_calls(kind: LookupKind, settings: AdaptorSettings) -> int:
    """The cap on a lookup's BigCommerce calls (``gladly/limits.py``): a DETAILED profile's grows with
    ``RECENT_ORDERS``; a search or an auto-link's with the emails and phones a lookup may carry."""
    if kind == "detailed":
        return limits.detailed_lookup_calls(settings.recent_orders)
    return limits.basic_lookup_calls()


# --- extension points for actions --------------------------------------------------------------------


def order_actions(order: Order, customer_ref: CustomerRef, deps: LookupDeps) -> list[Action]:
    """Buttons under an order card: refund and cancel, as `actions.declare` decides for the order."""
    return declare_order_actions(order, deps.settings, deps.public_base_url)


def customer_actions(customer_ref: CustomerRef, deps: LookupDeps) -> list[Action]:
    """Buttons in the profile's "+" menu: the discount code, as `actions.declare` decides."""
    return declare_customer_actions(customer_ref, deps.settings, deps.public_base_url)


# --- routing -----------------------------------------------------------------------------------------


def with_store(
    dependencies: Dependencies, logic: Callable[[LookupDeps], T], *, kind: LookupKind = "auto_link"
) -> T:
    """Run ``logic`` against the store within the deadline and call cap of a lookup of ``kind``; on a
    refused token, re-read it once."""
    settings = dependencies.settings
    deadline = lookup_deadline(settings, dependencies.received_at, lookup_calls(kind, settings))

    def run(secret: AdaptorSecret) -> T:
        connection = store_connection(settings, secret)
        return logic(LookupDeps(settings, connection, deadline, dependencies.public_base_url))

    return dependencies.credentials.call_with_refresh(run)


def answer_lookup(request: LookupRequest, dependencies: Dependencies) -> LookupResponse:
    """Run the lookup of the request's kind."""
    count(_METRIC_BY_KIND[request.kind])
    response = with_store(dependencies, partial(LOOKUPS[request.kind], request), kind=request.kind)
    count("LookupResults", len(response.results))
    logger.info("Lookup answered", extra={"kind": request.kind, "results": len(response.results)})
    return response


# --- BASIC -------------------------------------------------------------------------------------------


def manual_search(request: LookupRequest, deps: LookupDeps) -> LookupResponse:
    """An agent's search: exact email and/or phone, as the Search Query Attributes allow.

    Several attributes widen the search (any of them may match); with email only, it costs two
    calls at once (customers, guest orders).
    """
    searchable = {item.attribute for item in deps.settings.search_query_attributes}
    terms = request.search_terms
    matches = find_by_contacts(
        deps.client,
        emails=terms.emails if "email" in searchable else [],
        numbers=terms.phones if "phone" in searchable else [],
        region=deps.settings.default_phone_region,
        deadline=deps.deadline,
    )
    return _basic_response(matches, deps.settings)


def auto_link_lookup(request: LookupRequest, deps: LookupDeps) -> LookupResponse:
    """Gladly's auto-link request, answered by the auto-link resolver (auto_link.py): a lone result
    only for a shopper it may link, every candidate when ambiguous, `[]` when nothing matched."""
    return answer_auto_link(request.profile, deps.client, deps.settings, deps.deadline)


def _basic_response(matches: ContactMatches, settings: AdaptorSettings) -> LookupResponse:
    region = settings.default_phone_region
    results = [customer_result(customer, region) for customer in matches.customers]
    results += [guest_result(guest, region) for guest in matches.guests]
    columns = settings.search_results_attributes
    return LookupResponse(results=[with_search_columns(found, columns) for found in results])


# --- DETAILED ----------------------------------------------------------------------------------------


def detailed_lookup(request: LookupRequest, deps: LookupDeps) -> LookupResponse:
    """The linked shopper's profile with its recent orders; `[]` for an id that matches nobody."""
    ref = parse_customer_ref(request.external_customer_id or "")
    if ref is None:
        logger.info("DETAILED lookup for an id this adaptor never issues")
        return LookupResponse()
    store = deps.connection.store.fetch(deps.deadline)
    if isinstance(ref, RegisteredRef):
        profile = _registered_profile(ref, unique_emails(request.profile.emails), deps, store)
    else:
        profile = _guest_profile(ref, deps, store)
    return LookupResponse(results=[profile] if profile is not None else [])


def _order_limit(settings: AdaptorSettings) -> int:
    return max(settings.recent_orders, SUMMARY_ORDER_LIMIT)


def _list_orders(
    deps: LookupDeps, *, customer_id: int | None = None, email: str | None = None
) -> Future[list[Order]]:
    """Start reading a shopper's newest orders, line items and addresses included."""
    limit = _order_limit(deps.settings)
    return submit(
        lambda: deps.client.list_orders(
            customer_id=customer_id, email=email, limit=limit, deadline=deps.deadline
        )
    )


def _registered_profile(
    ref: RegisteredRef, profile_emails: list[str], deps: LookupDeps, store: Future[StoreInfo]
) -> CustomerResult | None:
    """Customer, its orders and guest orders at once (and the group names, unless cached); guest
    orders are asked for by the Gladly profile's emails because the customer's own email is not
    known yet (usually among them)."""
    client, deadline = deps.client, deps.deadline
    customer_call = submit(lambda: client.get_customer(ref.customer_id, deadline=deadline))
    groups_call = deps.connection.group_names.fetch(deadline)
    orders_call = _list_orders(deps, customer_id=ref.customer_id)
    guest_calls = {email: _list_orders(deps, email=email) for email in profile_emails}
    customer = result(customer_call, deadline)
    if customer is None:
        return None
    orders = result(orders_call, deadline)
    email = normalize_email(customer.email)
    guest_call = guest_calls.get(email) or _list_orders(deps, email=email)
    by_email = _optional(guest_call, "guest_orders", deadline) or []
    limit = _order_limit(deps.settings)
    complete = len(orders) < limit and len(by_email) < limit
    return _profile(
        customer_result(customer, deps.settings.default_phone_region),
        RegisteredRef(customer.id),
        customer,
        merge_orders(orders, guest_orders(by_email, email)),
        complete,
        deps,
        store,
        groups_call,
    )


def _guest_profile(ref: GuestRef, deps: LookupDeps, store: Future[StoreInfo]) -> CustomerResult | None:
    by_email = result(_list_orders(deps, email=ref.email), deps.deadline)
    found = guest_orders(by_email, ref.email)
    if not found:
        logger.info("No guest orders for the DETAILED guest id", extra={"email": mask_email(ref.email)})
        return None
    guest = GuestShopper(ref.email, tuple(merge_orders(found)))
    complete = len(by_email) < _order_limit(deps.settings)
    region = deps.settings.default_phone_region
    return _profile(guest_result(guest, region), ref, None, list(guest.orders), complete, deps, store, None)


def _profile(
    identity: CustomerResult,
    ref: CustomerRef,
    customer: Customer | None,
    orders: list[Order],
    complete: bool,
    deps: LookupDeps,
    store_call: Future[StoreInfo],
    groups_call: Future[dict[int, str]] | None,
) -> CustomerResult:
    """The identity plus custom attributes, the recent orders as transactions and the actions.

    Without group names (a guest, or they could not be read) a customer's group shows as its id.
    """
    recent = orders[: deps.settings.recent_orders]
    enrichment = _enrich(recent, deps)
    store = _optional(store_call, "store", deps.deadline)
    group_names = _optional(groups_call, "customer_groups", deps.deadline) if groups_call else None
    links = store_links(deps.settings, store)
    transactions = [
        order_transaction(
            order,
            links=links,
            region=deps.settings.default_phone_region,
            shipments=enrichment.shipments.get(order.id),
            products=enrichment.products.get(order.id),
            images=enrichment.images,
            actions=order_actions(order, ref, deps),
        )
        for order in recent
    ]
    attributes = customer_attributes(
        customer=customer,
        orders=orders,
        orders_complete=complete,
        links=links,
        store_currency=store.currency if store else None,
        group_names=group_names or {},
    )
    return identity.model_copy(
        update={
            "custom_attributes": attributes,
            "transactions": transactions,
            "actions": customer_actions(ref, deps) or None,
        }
    )


@dataclass(frozen=True)
class _Enrichment:
    shipments: dict[int, list[Shipment]]  # by order id
    products: dict[int, list[OrderProduct]]  # by order id
    images: dict[int, str]  # by product id


def _enrich(orders: Sequence[Order], deps: LookupDeps) -> _Enrichment:
    """Shipments of the orders that shipped something, products of orders whose consignments miss
    items (digital, pickup), and the catalog images of the consignments' products, all at once
    (each depends only on the order list); a failed call leaves only that part out.

    Lines known only from a separate products call (digital, pickup) go without an image: asking
    for theirs would wait for that call and lengthen the lookup.
    """
    client, deadline = deps.client, deps.deadline
    product_ids = {line.product_id for order in orders for line in consignment_lines(order)}
    images_call = submit(partial(product_images, client, product_ids, deadline))
    shipment_calls = {
        order.id: submit(partial(client.list_shipments, order.id, deadline=deadline))
        for order in orders
        if needs_shipments(order)
    }
    product_calls = {
        order.id: submit(partial(client.list_order_products, order.id, deadline=deadline))
        for order in orders
        if not lines_are_complete(order)
    }
    return _Enrichment(
        shipments=_settled(shipment_calls, "shipments", deadline),
        products=_settled(product_calls, "products", deadline),
        images=_optional(images_call, "product_images", deadline) or {},
    )


def _settled(calls: dict[int, Future[list[T]]], part: str, deadline: Deadline) -> dict[int, list[T]]:
    """The calls that succeeded, by order id; the failed ones are left out."""
    return {
        order_id: value
        for order_id, call in calls.items()
        if (value := _optional(call, part, deadline)) is not None
    }


def _optional(call: Future[T], part: str, deadline: Deadline) -> T | None:
    """The call's result, or None after logging and counting its BigCommerce failure.

    For parts the answer can do without; any other exception is a bug and is raised, never hidden.
    """
    try:
        return result(call, deadline)
    except BigCommerceError as error:
        logger.warning("Enrichment failed; answering without it", extra={"part": part, "error": str(error)})
        with _metrics_lock:
            count("EnrichmentFailures")
        return None


LOOKUPS: dict[LookupKind, Callable[[LookupRequest, LookupDeps], LookupResponse]] = {
    "manual_search": manual_search,
    "auto_link": auto_link_lookup,
    "detailed": detailed_lookup,
}
