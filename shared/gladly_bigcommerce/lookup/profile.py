"""The DETAILED profile: the linked shopper, their recent orders and the actions (protocol sections 2-3).

Latency is what matters (Gladly waits 5 s): independent BigCommerce calls run at once, and a
DETAILED profile costs one wave of calls (customer, its orders, guest orders by email) plus one
shipments call per order that shipped something, alongside which the products' catalog images are
read (one call, and none once they are cached: `product_images`). Store configuration (store
information, customer group names) is kept per container (`StoreSetting`) and read, when not kept,
alongside the first wave. Only failing to read the shopper is an error; a failed enrichment
(shipments, separately listed products, images, group names) leaves that part out, logged and counted.

Near the end of the store's request quota (shared with checkout and the store's other apps), a
DETAILED profile spends what is left on the shopper and the orders, and skips the enrichment (all
but the newest order's shipments, images, group names, store information not kept yet). Every part
a profile leaves out, skipped or failed, is named in its `detailsSkipped` custom attribute, which
Gladly shows beside the profile (`""` when nothing was left out, which clears an earlier note),
and so is every value BigCommerce sent that could not be read (a record loses that field, never
itself: `bigcommerce/lenient.py`).
While BigCommerce has said the quota is spent, a profile answered in the last minutes is shown again
from memory, saying when it was read, rather than nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from gladly_bigcommerce.actions.declare import customer_actions as declare_customer_actions
from gladly_bigcommerce.actions.declare import order_actions as declare_order_actions
from gladly_bigcommerce.bigcommerce.errors import BigCommerceError, RateLimited
from gladly_bigcommerce.bigcommerce.lenient import describe_dropped
from gladly_bigcommerce.bigcommerce.models import Customer, Order, OrderProduct, Shipment, StoreInfo
from gladly_bigcommerce.bigcommerce.storefronts import Storefronts
from gladly_bigcommerce.gladly import limits
from gladly_bigcommerce.gladly.customer_ids import (
    CustomerRef,
    GuestRef,
    RegisteredRef,
    normalize_email,
    parse_customer_ref,
)
from gladly_bigcommerce.gladly.models import Action, CustomerResult, LookupRequest, LookupResponse
from gladly_bigcommerce.lookup.calls import result, submit
from gladly_bigcommerce.lookup.context import LookupDeps
from gladly_bigcommerce.lookup.mapping.customers import (
    customer_attributes,
    customer_result,
    guest_result,
    store_links,
)
from gladly_bigcommerce.lookup.mapping.orders import (
    consignment_lines,
    lines_are_complete,
    merge_orders,
    needs_shipments,
    order_transaction,
)
from gladly_bigcommerce.lookup.product_images import CACHE as IMAGE_CACHE
from gladly_bigcommerce.lookup.product_images import product_images
from gladly_bigcommerce.lookup.recent_profiles import recent_profiles
from gladly_bigcommerce.lookup.search import (
    GuestShopper,
    SearchedAccounts,
    guest_orders,
    person_of,
    searched_emails,
)
from gladly_bigcommerce.lookup.shopper_phones import store_region
from gladly_bigcommerce.lookup.store_settings import StoreSetting
from gladly_bigcommerce.observability import count, logger, mask_email
from gladly_bigcommerce.settings.model import AdaptorSettings

T = TypeVar("T")

# Orders read per shopper for the profile's order count and lifetime value; the newest
# `recent_orders` of them become transactions. Beyond this many, the count says "50+".
SUMMARY_ORDER_LIMIT = 50

DETAILS_SKIPPED_ATTRIBUTE = "detailsSkipped"
"""The custom attribute naming what a DETAILED profile left out, and why ("" when nothing was)."""

# Why a part was left out, as the agent reads it.
QUOTA_NEARLY_SPENT = "the store's BigCommerce request limit is nearly used up"
QUOTA_SPENT = "the store's BigCommerce request limit is used up"
UNREADABLE = "BigCommerce did not provide them"
UNREADABLE_VALUES = "BigCommerce sent values of an unexpected type"

# How the profile names each part it can leave out.
_PART_LABELS = {
    "shipments": "tracking",
    "older_shipments": "tracking of older orders",
    "products": "items of some orders",
    "product_images": "product images",
    "customer_groups": "customer group name",
    "store": "store details",
    "guest_orders": "guest orders",
    "storefronts": "storefronts",
    "other_accounts": "orders of the shopper's accounts on other storefronts",
}


class Skipped:
    """What a DETAILED profile left out and why, said in the profile (`DETAILS_SKIPPED_ATTRIBUTE`).

    Filled while the profile is made, by the thread that makes it (enrichment results are collected
    there, not on the pool threads).
    """

    def __init__(self) -> None:
        self._parts: dict[str, str] = {}  # part -> reason, in the order they were left out

    def add(self, part: str, reason: str) -> None:
        self._parts.setdefault(part, reason)

    def __bool__(self) -> bool:
        return bool(self._parts)

    def note(self) -> str:
        """``"Not shown: tracking, product images (why); ..."``, or ``""`` when nothing was left out."""
        by_reason: dict[str, list[str]] = {}
        for part, reason in self._parts.items():
            by_reason.setdefault(reason, []).append(_PART_LABELS.get(part, part))
        if not by_reason:
            return ""
        return "Not shown: " + "; ".join(
            f"{', '.join(parts)} ({reason})" for reason, parts in by_reason.items()
        )


@dataclass
class _Detailed:
    """One DETAILED profile in the making: whether it spares the store's quota, and what it left out."""

    deps: LookupDeps
    lean: bool
    skipped: Skipped
    storefronts_call: Future[Storefronts] | None = None  # the store's storefronts, kept or being read
    copies: tuple[Customer, ...] = ()  # the shopper's accounts on other storefronts (one person)

    def storefronts(self) -> Storefronts:
        """The store's storefronts; unknown (as a store of one storefront) when not read."""
        call = self.storefronts_call
        found = _optional(call, "storefronts", self) if call is not None else None
        return found or Storefronts.unknown()


# --- extension points for actions --------------------------------------------------------------------


def order_actions(order: Order, customer_ref: CustomerRef, deps: LookupDeps) -> list[Action]:
    """Buttons under an order card: refund and cancel, as `actions.declare` decides for the order."""
    return declare_order_actions(order, deps.settings, deps.public_base_url)


def customer_actions(customer_ref: CustomerRef, deps: LookupDeps) -> list[Action]:
    """Buttons in the profile's "+" menu: the discount code, as `actions.declare` decides."""
    return declare_customer_actions(customer_ref, deps.settings, deps.public_base_url)


# --- DETAILED ----------------------------------------------------------------------------------------


def detailed_lookup(request: LookupRequest, deps: LookupDeps) -> LookupResponse:
    """The linked shopper's profile with its recent orders; `[]` for an id that matches nobody.

    Near the end of the store's quota the profile is lean (see the module docstring); once the store
    has said the quota is spent, the profile answered last for the same request is shown again,
    saying when it was read, or, without one, the refusal becomes a 503 at once.
    """
    ref = parse_customer_ref(request.external_customer_id or "")
    if ref is None:
        logger.info("DETAILED lookup for an id this adaptor never issues")
        return LookupResponse()
    emails = searched_emails(request.profile.emails, limits.MAX_EMAILS)
    key = (deps.client.store_hash, request.external_customer_id or "", *emails)
    needed = 3 + deps.settings.recent_orders  # the shopper's three calls, a shipments call per order
    detailed = _Detailed(deps, lean=deps.client.quota.nearly_spent(needed), skipped=Skipped())
    if detailed.lean:
        count("LookupsLean")
    try:
        store = _store_setting(deps.store_settings.store, "store", detailed)
        detailed.storefronts_call = _store_setting(deps.store_settings.storefronts, "storefronts", detailed)
        if isinstance(ref, RegisteredRef):
            profile = _registered_profile(ref, emails, detailed, store)
        else:
            profile = _guest_profile(ref, detailed, store)
    except RateLimited:
        remembered = recent_profiles.recall(key)
        if remembered is None:
            raise
        count("LookupsFromMemory")
        read_at, profile = remembered
        note = f"Shown as read at {read_at:%H:%M} UTC ({QUOTA_SPENT})"
        return LookupResponse(results=[_with_note(profile, note)])
    if profile is None:
        return LookupResponse()
    recent_profiles.remember(key, profile)
    return LookupResponse(results=[profile])


def _with_note(profile: CustomerResult, note: str) -> CustomerResult:
    attributes = {**(profile.custom_attributes or {}), DETAILS_SKIPPED_ATTRIBUTE: note}
    return profile.model_copy(update={"custom_attributes": attributes})


def _store_setting(setting: StoreSetting[T], part: str, detailed: _Detailed) -> Future[T] | None:
    """The store setting, kept or read now; None (and said so) when a lean profile skips reading it."""
    if detailed.lean and setting.value is None:
        detailed.skipped.add(part, QUOTA_NEARLY_SPENT)
        return None
    return setting.fetch(detailed.deps.deadline)


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
    ref: RegisteredRef, profile_emails: list[str], detailed: _Detailed, store: Future[StoreInfo] | None
) -> CustomerResult | None:
    """Customer, its orders and guest orders at once (and the group names, unless cached); guest
    orders are asked for by the Gladly profile's emails because the customer's own email is not
    known yet (usually among them)."""
    deps = detailed.deps
    client, deadline = deps.client, deps.deadline
    searching = _accounts_of_emails(profile_emails, deps)
    customer_call = (
        None if searching else submit(partial(client.get_customer, ref.customer_id, deadline=deadline))
    )
    groups_call = _store_setting(deps.store_settings.group_names, "customer_groups", detailed)
    orders_call = _list_orders(deps, customer_id=ref.customer_id)
    guest_calls = {email: _list_orders(deps, email=email) for email in profile_emails}
    searched = result(searching, deadline) if searching else None
    customer = _linked_customer(ref, searched, customer_call, deps)
    if customer is None:
        return None
    email = normalize_email(customer.email)
    guest_call = guest_calls.get(email) or _list_orders(deps, email=email)
    copies = detailed.copies = _other_accounts(customer, detailed, searched)
    copy_calls = [_list_orders(deps, customer_id=account.id) for account in copies]
    orders = result(orders_call, deadline)
    by_email = _optional(guest_call, "guest_orders", detailed) or []
    of_copies = [_optional(call, "other_accounts", detailed) or [] for call in copy_calls]
    complete = max(len(found) for found in (orders, by_email, *of_copies)) < _order_limit(deps.settings)
    return _profile(
        partial(customer_result, customer),
        RegisteredRef(customer.id),
        customer,
        merge_orders(orders, *of_copies, guest_orders(by_email, email)),
        complete,
        detailed,
        store,
        groups_call,
    )


def _accounts_of_emails(emails: list[str], deps: LookupDeps) -> Future[SearchedAccounts] | None:
    """Unless the store is known to have one storefront, the accounts of the profile's emails, read in
    one call instead of the customer by id: they hold the linked customer and its copies on other
    storefronts (or show it has none), so a profile costs no call more, and waits for no call more,
    than in a store of one storefront. None otherwise (the customer is read by id)."""
    kept = deps.store_settings.storefronts.value
    if (kept is not None and not kept.several) or not emails:
        return None
    return submit(partial(SearchedAccounts.of, deps.client, emails, deps.deadline))


def _linked_customer(
    ref: RegisteredRef,
    searched: SearchedAccounts | None,
    customer_call: Future[Customer | None] | None,
    deps: LookupDeps,
) -> Customer | None:
    """The account Gladly linked: read by id, or found among the accounts of the profile's emails (else
    read by id now: the account's email is not the profile's)."""
    if customer_call is not None:
        return result(customer_call, deps.deadline)
    found = searched.account(ref.customer_id) if searched is not None else None
    return found or deps.client.get_customer(ref.customer_id, deadline=deps.deadline)


def _other_accounts(
    customer: Customer, detailed: _Detailed, searched: SearchedAccounts | None
) -> tuple[Customer, ...]:
    """The shopper's accounts on the store's other storefronts that are the same person
    (``search.person_of``: only in a store of several storefronts), whose orders the profile shows too;
    none when they cannot be read (said in the profile)."""
    if searched is not None and searched.alone(customer):
        return ()  # no other account has its email (known without waiting for the storefronts)
    storefronts = detailed.storefronts()
    if not storefronts.several:
        return ()
    deps = detailed.deps
    try:
        return person_of(deps.client, customer, storefronts, deps.deadline, searched).accounts[1:]
    except BigCommerceError as error:
        logger.warning("Other storefronts' accounts unreadable", extra={"error": str(error)})
        detailed.skipped.add("other_accounts", QUOTA_SPENT if isinstance(error, RateLimited) else UNREADABLE)
        return ()


def _guest_profile(
    ref: GuestRef, detailed: _Detailed, store: Future[StoreInfo] | None
) -> CustomerResult | None:
    deps = detailed.deps
    by_email = result(_list_orders(deps, email=ref.email), deps.deadline)
    found = guest_orders(by_email, ref.email)
    if not found:
        logger.info("No guest orders for the DETAILED guest id", extra={"email": mask_email(ref.email)})
        return None
    guest = GuestShopper(ref.email, tuple(merge_orders(found)))
    complete = len(by_email) < _order_limit(deps.settings)

    def identity(region: str, _recent: Sequence[Order]) -> CustomerResult:
        return guest_result(guest, region)

    return _profile(identity, ref, None, list(guest.orders), complete, detailed, store, None)


def _profile(
    identity: Callable[[str, Sequence[Order]], CustomerResult],
    ref: CustomerRef,
    customer: Customer | None,
    orders: list[Order],
    complete: bool,
    detailed: _Detailed,
    store_call: Future[StoreInfo] | None,
    groups_call: Future[dict[int, str]] | None,
) -> CustomerResult:
    """The identity (name, emails, phones and address, from the store's country and the recent
    orders) plus custom attributes, the recent orders as transactions and the actions.

    Phones whose record names no country are read in the store's country, else
    DEFAULT_PHONE_REGION (a lean profile that did not read the store). Without group names (a guest,
    or they could not be read) a customer's group shows as its id.
    """
    deps = detailed.deps
    recent = orders[: deps.settings.recent_orders]
    enrichment = _enrich(recent, detailed)
    store = _optional(store_call, "store", detailed) if store_call else None
    group_names = _optional(groups_call, "customer_groups", detailed) if groups_call else None
    links = store_links(deps.settings, store)
    region = store_region(store, deps.settings.default_phone_region)
    storefronts = detailed.storefronts()
    transactions = [
        order_transaction(
            order,
            links=links,
            region=region,
            shipments=enrichment.shipments.get(order.id),
            products=enrichment.products.get(order.id),
            images=enrichment.images,
            actions=order_actions(order, ref, deps),
            storefronts=storefronts,
        )
        for order in recent
    ]
    _note_unreadable_values(customer, orders, enrichment, detailed.skipped)
    attributes = customer_attributes(
        customer=customer,
        orders=orders,
        orders_complete=complete,
        links=links,
        store_currency=store.currency if store else None,
        group_names=group_names or {},
    )
    if storefronts.several:  # where the shopper buys: the storefronts of its accounts and orders
        accounts = (customer, *detailed.copies) if customer is not None else ()
        attributes["storefronts"] = storefronts.shopper_storefronts(accounts, orders)
    # Always sent: "" clears a note an earlier, degraded answer left in Gladly.
    attributes[DETAILS_SKIPPED_ATTRIBUTE] = detailed.skipped.note()
    if detailed.skipped:
        count("LookupsDegraded")
    return identity(region, recent).model_copy(
        update={
            "custom_attributes": attributes,
            "transactions": transactions,
            "actions": customer_actions(ref, deps) or None,
        }
    )


def _note_unreadable_values(
    customer: Customer | None, orders: Sequence[Order], enrichment: _Enrichment, skipped: Skipped
) -> None:
    """Name the fields the profile's records lost (their values were unreadable), if any."""
    records: list[tuple[str, Customer | Order | Shipment | OrderProduct | None]] = [("customer", customer)]
    records += [(f"order {order.id}", order) for order in orders]
    records += [
        (f"order {order_id} shipment {shipment.id}", shipment)
        for order_id, shipments in enrichment.shipments.items()
        for shipment in shipments
    ]
    records += [
        (f"order {order_id} line {line.id}", line)
        for order_id, lines in enrichment.products.items()
        for line in lines
    ]
    lost = describe_dropped(records)
    if lost:
        skipped.add(lost, UNREADABLE_VALUES)


@dataclass(frozen=True)
class _Enrichment:
    shipments: dict[int, list[Shipment]]  # by order id
    products: dict[int, list[OrderProduct]]  # by order id
    images: dict[int, str]  # by product id


def _enrich(orders: Sequence[Order], detailed: _Detailed) -> _Enrichment:
    """Shipments of the orders that shipped something, products of orders whose consignments miss
    items (digital, pickup), and the catalog images of the consignments' products, all at once
    (each depends only on the order list); a failed call leaves only that part out.

    Lines known only from a separate products call (digital, pickup) go without an image: asking
    for theirs would wait for that call and lengthen the lookup. A lean profile (the store's quota
    nearly spent) reads only the newest shipped order's shipments, and images only from memory.
    """
    client, deadline = detailed.deps.client, detailed.deps.deadline
    shipped = [order for order in orders if needs_shipments(order)]
    incomplete = [order for order in orders if not lines_are_complete(order)]
    product_ids = {line.product_id for order in orders for line in consignment_lines(order)}
    if detailed.lean:
        if shipped[1:]:
            detailed.skipped.add("older_shipments", QUOTA_NEARLY_SPENT)
        if incomplete:
            detailed.skipped.add("products", QUOTA_NEARLY_SPENT)
        shipped, incomplete = shipped[:1], []
        images, missing = IMAGE_CACHE.known(client.store_hash, product_ids)
        if missing:
            detailed.skipped.add("product_images", QUOTA_NEARLY_SPENT)
        images_call: Future[dict[int, str]] | None = None
    else:
        images, images_call = {}, submit(partial(product_images, client, product_ids, deadline))
    shipment_calls = {
        order.id: submit(partial(client.list_shipments, order.id, deadline=deadline)) for order in shipped
    }
    product_calls = {
        order.id: submit(partial(client.list_order_products, order.id, deadline=deadline))
        for order in incomplete
    }
    return _Enrichment(
        shipments=_settled(shipment_calls, "shipments", detailed),
        products=_settled(product_calls, "products", detailed),
        images=(_optional(images_call, "product_images", detailed) if images_call else images) or {},
    )


def _settled(calls: dict[int, Future[list[T]]], part: str, detailed: _Detailed) -> dict[int, list[T]]:
    """The calls that succeeded, by order id; the failed ones are left out."""
    return {
        order_id: value
        for order_id, call in calls.items()
        if (value := _optional(call, part, detailed)) is not None
    }


def _optional(call: Future[T], part: str, detailed: _Detailed) -> T | None:
    """The call's result, or None after logging, counting and noting its BigCommerce failure.

    For parts the answer can do without; any other exception is a bug and is raised, never hidden.
    """
    try:
        return result(call, detailed.deps.deadline)
    except BigCommerceError as error:
        logger.warning("Enrichment failed; answering without it", extra={"part": part, "error": str(error)})
        count("EnrichmentFailures")
        detailed.skipped.add(part, QUOTA_SPENT if isinstance(error, RateLimited) else UNREADABLE)
        return None
