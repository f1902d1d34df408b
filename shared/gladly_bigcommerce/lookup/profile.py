"""The DETAILED profile: the linked shopper, their recent orders and the actions (protocol sections 2-3).

Latency is what matters (Gladly waits 5 s): independent BigCommerce calls run at once, and a
DETAILED profile costs one wave of calls (customer, its orders, guest orders by email) plus one
shipments call per order that shipped something, alongside which the products' catalog images are
read (one call, and none once they are cached: `product_images`). Store configuration (store
information, customer group names) is kept per container (`StoreSetting`) and read, when not kept,
alongside the first wave. With a cache shared by the containers (`shared_reads.py`), everything but
the first wave is first looked for there, in the shopper's entry read alongside the first wave: a
returning shopper costs the first wave alone, in any container, and no added round trip. Only
failing to read the shopper is an error; a failed enrichment (shipments, separately listed products,
images, group names) leaves that part out, logged and counted (`enrichment.py`).

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
from functools import partial
from typing import TypeVar

from gladly_bigcommerce.actions.declare import customer_actions as declare_customer_actions
from gladly_bigcommerce.actions.declare import order_actions as declare_order_actions
from gladly_bigcommerce.bigcommerce.errors import BigCommerceError, RateLimited
from gladly_bigcommerce.bigcommerce.lenient import describe_dropped
from gladly_bigcommerce.bigcommerce.models import Customer, Order, OrderProduct, Shipment, StoreInfo
from gladly_bigcommerce.bigcommerce.shared_quota import QUOTA_KEY, heard, near_the_edge
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
from gladly_bigcommerce.lookup.enrichment import (
    QUOTA_NEARLY_SPENT,
    QUOTA_SPENT,
    UNREADABLE,
    UNREADABLE_VALUES,
    Detailed,
    Enrichment,
    Parts,
    Skipped,
    enrich,
    optional,
)
from gladly_bigcommerce.lookup.mapping.customers import (
    customer_attributes,
    customer_result,
    guest_result,
    store_links,
)
from gladly_bigcommerce.lookup.mapping.orders import (
    merge_orders,
    order_transaction,
)
from gladly_bigcommerce.lookup.recent_profiles import recent_profiles
from gladly_bigcommerce.lookup.search import (
    GuestShopper,
    SearchedAccounts,
    guest_orders,
    person_of,
    searched_emails,
)
from gladly_bigcommerce.lookup.shared_reads import (
    GROUP_NAMES_KEY,
    STORE_KEY,
    STOREFRONTS_KEY,
    ProfileReads,
    shopper_key,
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
    reads = _start_reads(ref, deps)  # alongside the first wave (a new container makes its client then)
    if near_the_edge(deps.client.quota):  # hear whether another container saw the quota spent
        reads.wait_first(deps.deadline)
    detailed = Detailed(deps, lean=deps.client.quota.nearly_spent(needed), skipped=Skipped(), reads=reads)
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


def _start_reads(ref: CustomerRef, deps: LookupDeps) -> ProfileReads:
    """The shared cache's first batched read: the shopper's entry, the store settings not kept, and
    whether another container said the store's quota is spent (`shared_quota.py`)."""
    shared, settings = deps.connection.shared, deps.store_settings
    keys = [QUOTA_KEY, *([STORE_KEY] if settings.store.value is None else [])]
    if settings.storefronts.value is None:
        keys.append(STOREFRONTS_KEY)
    if isinstance(ref, RegisteredRef) and settings.group_names.value is None:
        keys.append(GROUP_NAMES_KEY)
    if shared is None:
        return ProfileReads(None)
    hear = partial(heard, shared=shared, quota=deps.client.store_quota)
    return ProfileReads.start(shared, shopper_key(ref), keys, hear)


def _store_setting(setting: StoreSetting[T], part: str, detailed: Detailed) -> Future[T] | None:
    """The store setting, kept or read now; None (and said so) when a lean profile skips reading it;
    None (deferred) when not kept and a shared cache may hold it (`Detailed.read_deferred` reads it
    then, alongside the first wave)."""
    if setting.value is None and detailed.deps.connection.shared is not None:
        detailed.deferred.add(part)
        return None
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
    ref: RegisteredRef, profile_emails: list[str], detailed: Detailed, store: Future[StoreInfo] | None
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
    detailed.read_deferred()
    searched = result(searching, deadline) if searching else None
    customer = _linked_customer(ref, searched, customer_call, deps)
    if customer is None:
        return None
    email = normalize_email(customer.email)
    guest_call = guest_calls.get(email) or _list_orders(deps, email=email)
    copies = detailed.copies = _other_accounts(customer, detailed, searched)
    copy_calls = [_list_orders(deps, customer_id=account.id) for account in copies]
    orders = result(orders_call, deadline)
    by_email = optional(guest_call, "guest_orders", detailed) or []
    of_copies = [optional(call, "other_accounts", detailed) or [] for call in copy_calls]
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
    customer: Customer, detailed: Detailed, searched: SearchedAccounts | None
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
    ref: GuestRef, detailed: Detailed, store: Future[StoreInfo] | None
) -> CustomerResult | None:
    deps = detailed.deps
    by_email_call = _list_orders(deps, email=ref.email)
    detailed.read_deferred()
    by_email = result(by_email_call, deps.deadline)
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
    detailed: Detailed,
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
    parts = Parts.of(recent, deps.client.store_hash)
    # the settings not kept were started with the first wave (`_registered_profile`, `_guest_profile`)
    store_call = store_call or detailed.settings.get("store")
    groups_call = groups_call or detailed.settings.get("customer_groups")
    reads = detailed.reads
    reads.complete(parts.keys(), deps.deadline)
    enrichment = enrich(parts, reads, detailed)
    store = optional(store_call, "store", detailed) if store_call else None
    group_names = optional(groups_call, "customer_groups", detailed) if groups_call else None
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
    parts.finish(reads)
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
    customer: Customer | None, orders: Sequence[Order], enrichment: Enrichment, skipped: Skipped
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
