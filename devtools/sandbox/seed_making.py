"""How the demo seed makes its customers, orders and refunds: the same few steps for every fixture.

Customers are created `day` days after a base date a year before the orders; orders `day` days after
`START` (November 2024), priced from the catalog in their currency (US sales tax on top of USD prices,
VAT included in EUR and GBP ones), shipped if a `Shipping` says how, then put in their final status.
Refunds go through the same engine as the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from devtools.sandbox import refunds
from devtools.sandbox.formats import cents
from devtools.sandbox.inputs import RefundCreateIn, RefundQuoteIn
from devtools.sandbox.records import Customer, Order, PaymentProvider
from devtools.sandbox.store import EXCHANGE_RATES, SandboxStore

CARD = PaymentProvider("braintree", "Braintree (Credit Card)")
PAYPAL = PaymentProvider("paypalcommerce", "PayPal")
BANK_DEPOSIT = PaymentProvider("bankdeposit", "Bank Deposit", offline=True)
PAYMENT_METHODS = {CARD: "Credit Card", PAYPAL: "PayPal", BANK_DEPOSIT: "Bank Deposit"}

# Sales tax on top of USD prices; VAT included in EUR and GBP prices.
TAX_RATES = {"USD": Decimal("0.085"), "EUR": Decimal("0.20"), "GBP": Decimal("0.20")}
SHIPPING_COSTS = {"USD": Decimal("9.95"), "EUR": Decimal("8.00"), "GBP": Decimal("6.50")}

START = datetime(2024, 11, 5, 16, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Shipping:
    """How a seeded order was shipped; `lines` limits it to some order lines (a partial shipment)."""

    provider: str
    tracking_number: str
    carrier: str = ""
    lines: tuple[int, ...] | None = None


def make_customer(
    store: SandboxStore,
    first: str,
    last: str,
    email: str,
    phone: str,
    *,
    day: int,
    group: int = 0,
    credit: str | None = None,
    channel_ids: list[int] | None = None,
    address: tuple[str, str, str, str, str] = (
        "US",
        "1 Ferry Building",
        "San Francisco",
        "California",
        "94111",
    ),
    company: str = "",
) -> Customer:
    country, street, city, state, postal_code = address
    fields: dict[str, Any] = {
        "email": email,
        "first_name": first,
        "last_name": last,
        "phone": phone,
        "company": company,
        "customer_group_id": group,
        "channel_ids": channel_ids,
        "origin_channel_id": (channel_ids or [1])[0],
        "addresses": [
            {
                "first_name": first,
                "last_name": last,
                "address1": street,
                "city": city,
                "state_or_province": state,
                "postal_code": postal_code,
                "country_code": country,
                "phone": phone,
            }
        ],
    }
    if credit is not None:
        fields["store_credit_amounts"] = [{"amount": Decimal(credit)}]
    return store.add_customer(date_created=START - timedelta(days=400 - day), **fields)


def billing_of(customer: Customer, email: str | None = None) -> dict[str, str]:
    address = customer.addresses[0]
    return {
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "company": customer.company,
        "street_1": address.address1,
        "street_2": address.address2,
        "city": address.city,
        "state": address.state_or_province,
        "zip": address.postal_code,
        "country_iso2": address.country_code,
        "phone": customer.phone,
        "email": email or customer.email,
    }


def make_order(
    store: SandboxStore,
    billing: dict[str, str],
    lines: list[tuple[int, int]],
    *,
    customer_id: int,
    status_id: int,
    day: int,
    currency: str = "USD",
    provider: PaymentProvider = CARD,
    handling: str = "0",
    shipping: Shipping | None = None,
    decline_refunds: bool = False,
    via_api: bool = False,
    channel_id: int = 1,
    shipping_addresses: list[dict[str, str]] | None = None,
) -> Order:
    """An order placed `day` days after START, shipped if `shipping` says how, then set to `status_id`.

    It comes from channel 1, the default storefront, unless `channel_id` says otherwise, and goes to
    its billing address unless `shipping_addresses` are given (every line on the first).

    A storefront order (the default) has empty notes; one created `via_api` (a phone order keyed in
    by an app) answers `customer_message`, `staff_notes` and `cart_id` as `null`, as real
    API-created orders do (api-specs PR #245).
    """
    created = START + timedelta(days=day, hours=day % 7)
    rate, tax = EXCHANGE_RATES[currency], TAX_RATES[currency]
    tax_inclusive = currency != "USD"
    products = []
    for product_id, quantity in lines:
        price = cents(store.catalog[product_id].price * rate)
        price_ex, price_inc = (
            (cents(price / (1 + tax)), price) if tax_inclusive else (price, cents(price * (1 + tax)))
        )
        products.append(
            {
                "product_id": product_id,
                "quantity": quantity,
                "price_ex_tax": price_ex,
                "price_inc_tax": price_inc,
            }
        )
    order = store.add_order(
        channel_id=channel_id,
        customer_id=customer_id,
        status_id=11,
        billing_address=billing,
        shipping_addresses=shipping_addresses or [],
        products=products,
        shipping_cost_ex_tax=SHIPPING_COSTS[currency],
        shipping_cost_inc_tax=SHIPPING_COSTS[currency],
        handling_cost_ex_tax=Decimal(handling),
        handling_cost_inc_tax=Decimal(handling),
        default_currency_code=currency,
        payment_method=PAYMENT_METHODS[provider],
        date_created=created,
        payment_provider=provider,
        tax_inclusive=tax_inclusive,
        decline_refunds=decline_refunds,
    )
    if not via_api:
        order.order_source, order.staff_notes, order.customer_message, order.cart_id = "www", "", "", ""
    order.ip_address = f"203.0.113.{order.id % 250}"
    if shipping is not None:
        shipped_at = created + timedelta(days=2)
        chosen = order.products if shipping.lines is None else [order.products[i] for i in shipping.lines]
        store.add_shipment(
            order.id,
            items=[{"order_product_id": p.id, "quantity": p.quantity} for p in chosen],
            tracking_number=shipping.tracking_number,
            shipping_provider=shipping.provider,
            tracking_carrier=shipping.carrier,
            shipping_method="Ground" if currency == "USD" else "International",
            date_created=shipped_at,
        )
    order.status_id = status_id
    order.payment_status = "pending" if status_id in (0, 1, 7) else "captured"
    order.date_modified = created + timedelta(days=3)
    return order


def make_refund(
    store: SandboxStore, order: Order, items: list[dict[str, Any]], provider: str, day: int
) -> None:
    """Refund through the same engine as the API, paid back entirely to `provider`."""
    quote = refunds.quote(store, order, RefundQuoteIn.model_validate({"items": items}).items)
    payments = [{"provider_id": provider, "amount": quote.total_refund_amount}]
    body = RefundCreateIn.model_validate({"items": items, "payments": payments})
    refund = refunds.create_refund(store, order, body)
    refund.created = START + timedelta(days=day)
    order.date_modified = refund.created
