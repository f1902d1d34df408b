"""The lookup entry: Gladly's lookup routed to its use case, counted and logged once.

One logic function per kind, each taking the parsed ``LookupRequest`` and ``LookupDeps``:
``manual_search`` (BASIC, an agent's search), ``auto_link_lookup`` (BASIC, Gladly's auto-link:
``auto_link/``) and ``detailed_lookup`` (DETAILED, the linked profile: ``profile.py``). The edge runs
them on the store (``edge/lookups.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

from gladly_bigcommerce.bigcommerce.models import Customer, Order
from gladly_bigcommerce.gladly import limits
from gladly_bigcommerce.gladly.models import CustomerResult, LookupKind, LookupRequest, LookupResponse
from gladly_bigcommerce.lookup.auto_link.resolver import AutoLinkReport, answer_auto_link, explain_auto_link
from gladly_bigcommerce.lookup.context import LookupDeps
from gladly_bigcommerce.lookup.mapping.customers import (
    customer_result,
    guest_result,
    with_search_columns,
)
from gladly_bigcommerce.lookup.order_search import OrderMatch, find_by_order_number
from gladly_bigcommerce.lookup.profile import detailed_lookup
from gladly_bigcommerce.lookup.search import (
    ContactMatches,
    PhoneRegion,
    find_by_contacts,
)
from gladly_bigcommerce.observability import count, logger

T = TypeVar("T")

_METRIC_BY_KIND: dict[LookupKind, str] = {
    "manual_search": "LookupsManualSearch",
    "auto_link": "LookupsAutoLink",
    "detailed": "LookupsDetailed",
}


# --- routing -----------------------------------------------------------------------------------------

OnStore = Callable[[Callable[[LookupDeps], T]], T]
"""Runs a use case against the store (the edge's ``with_store``: the lookup's deadline and call cap, the
store's connection, and a refused token re-read once)."""


def answer_lookup(request: LookupRequest, on_store: OnStore[LookupResponse]) -> LookupResponse:
    """Run the lookup of the request's kind on the store, counted and logged once."""
    count(_METRIC_BY_KIND[request.kind])
    response = on_store(partial(LOOKUPS[request.kind], request))
    count("LookupResults", len(response.results))
    logger.info("Lookup answered", extra={"kind": request.kind, "results": len(response.results)})
    return response


def explain(request: LookupRequest, deps: LookupDeps) -> AutoLinkReport:
    """Why the profile of Gladly's auto-link request does or does not link (``/auto-link``)."""
    return explain_auto_link(
        request, deps.client, deps.settings, deps.deadline, deps.phone_region(), deps.storefronts
    )


# --- BASIC -------------------------------------------------------------------------------------------


def manual_search(request: LookupRequest, deps: LookupDeps) -> LookupResponse:
    """An agent's search: exact email and/or phone, and an order's number, as the Search Query
    Attributes allow.

    Several attributes widen the search (any of them may match); with email only, it costs two
    calls at once (customers, guest orders), and a third, once per container, for the store's
    country (`LookupDeps.phone_region`). An order number alone costs one call, the order
    (``order_search.py``): the store's country is used only when already kept.
    """
    searchable = {item.attribute for item in deps.settings.search_query_attributes}
    terms = request.search_terms
    emails = terms.emails if "email" in searchable else []
    numbers = terms.phones if "phone" in searchable else []
    typed = request.order_number if "orderNumber" in searchable else None
    order = None
    if typed is not None:
        kept_region = deps.phone_region(read=False).get()
        order = find_by_order_number(deps.client, typed, kept_region, deps.deadline)
        if not emails and not numbers:
            return _basic_response(ContactMatches((), ()), deps, PhoneRegion(kept_region), order)
    region = deps.phone_region()
    matches = find_by_contacts(
        deps.client,
        emails=emails,
        numbers=numbers,
        region=region,
        deadline=deps.deadline,
        max_emails=limits.MAX_EMAILS,
        max_phones=limits.MAX_PHONES,
        storefronts=deps.storefronts,
    )
    return _basic_response(matches, deps, region, order)


def auto_link_lookup(request: LookupRequest, deps: LookupDeps) -> LookupResponse:
    """Gladly's auto-link request, answered by the auto-link resolver (``auto_link/``): a lone result
    only for a shopper it may link, every candidate when ambiguous, `[]` when nothing matched."""
    return answer_auto_link(
        request.profile, deps.client, deps.settings, deps.deadline, deps.phone_region(), deps.storefronts
    )


def _basic_response(
    matches: ContactMatches, deps: LookupDeps, region: PhoneRegion, order: OrderMatch | None = None
) -> LookupResponse:
    """The results, registered shoppers first, then guests; the shopper of a searched order first when
    no contact found it, else its columns on the result that did. The `storefronts` column, when
    configured, names where each shopper buys (the store's storefronts, kept per container)."""
    found: list[tuple[CustomerResult, Sequence[Customer], Sequence[Order]]] = [
        (customer_result(person.primary, region.get()), person.accounts, ()) for person in matches.people
    ]
    found += [(guest_result(guest, region.get()), (), guest.orders) for guest in matches.guests]
    ordered_id = order.result.external_customer_id if order is not None else None
    if order is not None and all(shopper.external_customer_id != ordered_id for shopper, _, _ in found):
        found.insert(0, (order.result, (), (order.order,)))
    columns = deps.settings.search_results_attributes
    shown = deps.storefronts if any(item.attribute == "storefronts" for item in columns) else None
    results = []
    for shopper, accounts, orders in found:
        known = (
            dict(order.columns) if order is not None and shopper.external_customer_id == ordered_id else {}
        )
        if shown is not None:
            known["storefronts"] = shown().shopper_storefronts(accounts, orders)
        results.append(with_search_columns(shopper, columns, known))
    return LookupResponse(results=results)


LOOKUPS: dict[LookupKind, Callable[[LookupRequest, LookupDeps], LookupResponse]] = {
    "manual_search": manual_search,
    "auto_link": auto_link_lookup,
    "detailed": detailed_lookup,
}
