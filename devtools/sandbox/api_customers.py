"""Customers v3: `GET /v3/customers` (search), `POST` (create up to 10) and `PUT` (update up to 10).

Search rules (sandbox rules from the reference README): `email:in` ignores case; `phone:in` matches
the stored spelling exactly (`(415) 555-0100` is not found by `4155550100`). The customers spec types
`phone:in` as one string (unlike `email:in` and `id:in`, arrays), so whether BigCommerce splits a
comma-joined list is undocumented: by default the sandbox splits it like the others; under the
`phone_in_no_split` knob (`--phone-in-no-split`) the whole value is ONE literal spelling. Sub-resources appear
only when `include` asks for them. Offset pagination only: the cursor parameters (`before`,
`after`) and the date filters answer 422 "not supported by the sandbox" rather than being ignored.

`email:in` answers every account with the email: one per channel where channel-specific accounts
share it (KNOWN_DEVIATIONS `customer-email-per-channel`), each with its `channel_ids` (absent for a
global account) and `origin_channel_id`; nothing filters by channel (customers.v3 has no such
filter). `PUT` changes the fields each item sends; `store_credit_amounts` replaces the balance
(`store-credit-absolute`), so concurrent read-modify-writes lose updates as on a real store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devtools.sandbox.errors import ApiError, ErrorShape
from devtools.sandbox.formats import date_v3, money_v3
from devtools.sandbox.inputs import CustomerCreateIn, CustomerUpdateIn, Model, parse_body
from devtools.sandbox.records import Customer, CustomerAddress
from devtools.sandbox.routing import (
    CUSTOMERS,
    CUSTOMERS_READ,
    V3_DATE_FILTERS,
    ApiRequest,
    ApiResponse,
    Route,
    route,
    v3_page,
)

INCLUDES = frozenset(
    {"addresses", "storecredit", "attributes", "formfields", "shopper_profile_id", "segment_ids"}
)
UNSUPPORTED_FILTERS = (
    *V3_DATE_FILTERS,
    "registration_ip_address:in",
    "before",
    "after",
)
SORTS: dict[str, Callable[[Customer], Any]] = {
    "date_created": lambda c: (c.date_created, c.id),
    "date_modified": lambda c: (c.date_modified, c.id),
    "last_name": lambda c: (c.last_name.casefold(), c.id),
}
MAX_BATCH = 10


def list_customers(request: ApiRequest) -> ApiResponse:
    request.refuse_filters(UNSUPPORTED_FILTERS)
    include = set(request.csv_arg("include") or [])
    if unknown := include - INCLUDES:
        raise ApiError(422, "Invalid include", errors={"include": f"unknown: {', '.join(sorted(unknown))}"})
    matches = _filters(request)
    with request.store.lock:
        customers = [c for c in request.store.customers.values() if all(match(c) for match in matches)]
        customers.sort(key=lambda c: c.id)
        if sort := request.arg("sort"):
            field, _, direction = sort.partition(":")
            if field not in SORTS or direction not in ("asc", "desc"):
                raise ApiError(
                    422, "Invalid sort", errors={"sort": "use date_created, date_modified or last_name"}
                )
            customers.sort(key=SORTS[field], reverse=direction == "desc")
        page, limit = request.page_and_limit()
        return v3_page(customers, page, limit, lambda c: customer_json(c, include))


def _filters(request: ApiRequest) -> list[Callable[[Customer], bool]]:
    matches: list[Callable[[Customer], bool]] = []
    if (ids := request.int_csv_arg("id:in")) is not None:
        wanted_ids = set(ids)
        matches.append(lambda c: c.id in wanted_ids)
    if (emails := request.csv_arg("email:in")) is not None:
        wanted_emails = {email.casefold() for email in emails}
        matches.append(lambda c: c.email.casefold() in wanted_emails)
    if request.phone_in_no_split:
        if (literal := request.arg("phone:in")) is not None:
            matches.append(lambda c: c.phone == literal)
    elif (phones := request.csv_arg("phone:in")) is not None:
        wanted_phones = set(phones)
        matches.append(lambda c: c.phone in wanted_phones)
    if (names := request.csv_arg("name:in")) is not None:
        wanted_names = {name.casefold() for name in names}
        matches.append(lambda c: f"{c.first_name} {c.last_name}".casefold() in wanted_names)
    if (fragments := request.csv_arg("name:like")) is not None:
        lowered = [fragment.casefold() for fragment in fragments]
        matches.append(lambda c: any(f in f"{c.first_name} {c.last_name}".casefold() for f in lowered))
    if (companies := request.csv_arg("company:in")) is not None:
        wanted_companies = {company.casefold() for company in companies}
        matches.append(lambda c: c.company.casefold() in wanted_companies)
    if (groups := request.int_csv_arg("customer_group_id:in")) is not None:
        wanted_groups = set(groups)
        matches.append(lambda c: c.customer_group_id in wanted_groups)
    return matches


def create_customers(request: ApiRequest) -> ApiResponse:
    batch = _batch(request, CustomerCreateIn, "Create")
    with request.store.lock:
        return _written(request.store.create_customers(batch))


def update_customers(request: ApiRequest) -> ApiResponse:
    """The updated customers, every sub-resource included as `POST` answers (the file's example)."""
    batch = _batch(request, CustomerUpdateIn, "Update")
    with request.store.lock:
        return _written(request.store.update_customers(batch))


def _written(customers: list[Customer]) -> ApiResponse:
    return ApiResponse(200, {"data": [customer_json(c, set(INCLUDES)) for c in customers], "meta": {}})


def _batch(request: ApiRequest, model: type[Model], verb: str) -> list[Model]:
    """A non-empty array of at most 10 customers ("Limit of 10 customers per call"; 413 beyond)."""
    payload = request.json()
    if not isinstance(payload, list) or not payload:
        raise ApiError(
            422, f"{verb} customers failed.", errors={"body": "send a non-empty array of customers"}
        )
    if len(payload) > MAX_BATCH:
        raise ApiError(
            413, "Request entity too large", detail=f"{verb} at most {MAX_BATCH} customers per call."
        )
    return [parse_body(model, item, status=422) for item in payload]


def customer_json(customer: Customer, include: set[str]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": customer.id,
        "email": customer.email,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "company": customer.company,
        "phone": customer.phone,
        "registration_ip_address": customer.registration_ip_address,
        "notes": customer.notes,
        "tax_exempt_category": customer.tax_exempt_category,
        "customer_group_id": customer.customer_group_id,
        "date_created": date_v3(customer.date_created),
        "date_modified": date_v3(customer.date_modified),
        "address_count": len(customer.addresses),
        "attribute_count": len(customer.attributes),
        "authentication": {"force_password_reset": False},
        "accepts_product_review_abandoned_cart_emails": customer.accepts_product_review_abandoned_cart_emails,
        "origin_channel_id": customer.origin_channel_id,
    }
    if customer.channel_ids is not None:
        body["channel_ids"] = list(customer.channel_ids)
    if "addresses" in include:
        body["addresses"] = [_address_json(a, "formfields" in include) for a in customer.addresses]
    if "storecredit" in include:
        body["store_credit_amounts"] = [{"amount": money_v3(amount)} for amount in customer.store_credit]
    if "attributes" in include:
        body["attributes"] = [
            {
                "id": customer.id * 100 + index + 1,
                "attribute_id": attribute_id,
                "attribute_value": value,
                "customer_id": customer.id,
                "date_created": date_v3(customer.date_created),
                "date_modified": date_v3(customer.date_modified),
            }
            for index, (attribute_id, value) in enumerate(customer.attributes)
        ]
    if "formfields" in include:
        body["form_fields"] = [
            {"name": name, "value": value, "customer_id": customer.id} for name, value in customer.form_fields
        ]
    return body


def _address_json(address: CustomerAddress, with_form_fields: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": address.id,
        "customer_id": address.customer_id,
        "first_name": address.first_name,
        "last_name": address.last_name,
        "company": address.company,
        "address1": address.address1,
        "address2": address.address2,
        "city": address.city,
        "state_or_province": address.state_or_province,
        "postal_code": address.postal_code,
        "country_code": address.country_code,
        "country": address.country,
        "phone": address.phone,
        "address_type": address.address_type,
    }
    if with_form_fields:
        body["form_fields"] = []
    return body


ROUTES: list[Route] = [
    route("GET", "/v3/customers", list_customers, [CUSTOMERS_READ, CUSTOMERS], ErrorShape.V3),
    route("POST", "/v3/customers", create_customers, [CUSTOMERS], ErrorShape.V3),
    route("PUT", "/v3/customers", update_customers, [CUSTOMERS], ErrorShape.V3),
]
