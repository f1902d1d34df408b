"""The demo store's orders as real stores hold them, beside the US demo (`seed.populate` adds them).

Olivia Options (`OLIVIA_EMAIL`, `OLIVIA_CUSTOMER_ID`) has one order of each kind a store holds
besides a plain shipped box, each behaviour from a public source:

* `OPTIONS_BUNDLE_ORDER_ID` (Partially Shipped): a Classic Tee x 2 with options the shopper chose and
  typed (Size, Color, a text field: orders.v2 `orderProductOptions`) and a 10% coupon, `SUMMER10`, on
  the line (`applied_discounts`, `discounted_total_inc_tax`); a Coffee Starter Bundle whose pick list
  chose the Able Brewing System, with two child lines at $0 (`parent_order_product_id`: the orders.v2
  example of an order's products has such a child), the brewer named by the parent's option and the
  Chemex not. The tee, the bundle and the brewer shipped; the Chemex has not.
* `DIGITAL_ORDER_ID` (Completed): an e-book, `type: digital`, in a download consignment, nothing to
  ship (orders.v2 `digitalConsignment_Get`; BigCommerce help, "Creating Downloadable Products").
* `GIFT_CERTIFICATE_ORDER_ID` (Completed): a $50 gift certificate line (`type: giftcertificate`, in an
  email consignment: orders.v2 `giftCertificateConsignment_Get`) and a shipped apron.
* `COMPLETED_UNSHIPPED_ORDER_ID` (Completed, no shipment): aprons handed over at a market stall, as a
  real store's Completed order with `items_shipped: 0` (appse.ai's BigCommerce docs, order 463).
* `RENAMED_STATUS_ORDER_ID` (Awaiting Shipment): the store renamed that status to
  `RENAMED_STATUS_LABEL`; orders answer the label as `custom_status` (BigCommerce staff,
  bigcommerce/bigcommerce-api-python#82), `/v2/order_statuses` as its `custom_label`.

Ids come from a block of their own (`IDS_FROM`), so the demo fixtures seeded before and after keep
theirs. Prices carry no tax (the store's tax is included), so each amount reads as written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from devtools.sandbox.records import LineDiscount, Order, OrderProduct, ProductOption
from devtools.sandbox.store import SandboxStore

IDS_FROM = {
    "customer": 900,
    "customer_address": 900,
    "order": 900,
    "order_product": 9000,
    "order_address": 900,
    "shipment": 900,
}
OLIVIA_EMAIL = "olivia.options@example.com"
OLIVIA_CUSTOMER_ID = 900
OPTIONS_BUNDLE_ORDER_ID = 900
DIGITAL_ORDER_ID = 901
GIFT_CERTIFICATE_ORDER_ID = 902
COMPLETED_UNSHIPPED_ORDER_ID = 903
RENAMED_STATUS_ORDER_ID = 904
OLIVIA_ORDER_IDS = (900, 901, 902, 903, 904)
AWAITING_SHIPMENT = 9
RENAMED_STATUS_LABEL = "Packed, waiting for courier"
TEE_BACK_PRINT = "Team Brew\nsince 2019"

CATALOG: tuple[tuple[int, str, str, str], ...] = (
    (201, "Classic Tee", "TEE", "25.00"),
    (202, "Coffee Starter Bundle", "BUNDLE-COFFEE", "259.00"),
    (203, "Brewing Guide (e-book)", "EBOOK-BREW", "12.00"),
    (204, "Canvas Apron", "APRON", "38.00"),
)
IMAGE_URL = "https://cdn11.bigcommerce.com/s-sandbox/images/stencil/original/products/{id}/{sku}.jpg"
BREWER, CHEMEX = 103, 104  # demo catalog products, picked into the bundle
START = datetime(2025, 3, 20, 15, 0, tzinfo=UTC)
SHIPPING = Decimal("9.95")


def populate(store: SandboxStore) -> None:
    """Add Olivia and her orders to the demo store (its catalog already holds products 101-110)."""
    with store.lock, store.numbered_from(**IDS_FROM):
        for product_id, name, sku, price in CATALOG:
            image = IMAGE_URL.format(id=product_id, sku=sku.lower())
            store.add_catalog_product(
                product_id=product_id, name=name, sku=sku, price=Decimal(price), image_url=image
            )
        store.status_labels[AWAITING_SHIPMENT] = RENAMED_STATUS_LABEL
        store.add_customer(
            date_created=START - timedelta(days=90),
            email=OLIVIA_EMAIL,
            first_name="Olivia",
            last_name="Options",
            phone="+1 503 555 0190",
            addresses=[
                {
                    "first_name": "Olivia",
                    "last_name": "Options",
                    "address1": "800 NW 6th Ave",
                    "city": "Portland",
                    "state_or_province": "Oregon",
                    "postal_code": "97209",
                    "country_code": "US",
                    "phone": "+1 503 555 0190",
                }
            ],
        )
        _options_and_bundle(store)
        _digital(store)
        _gift_certificate(store)
        _completed_unshipped(store)
        _renamed_status(store)


def _order(store: SandboxStore, day: int, lines: list[dict[str, Any]], shipping: Decimal = SHIPPING) -> Order:
    """An Awaiting Fulfillment order of Olivia's, placed `day` days after START, paid by card."""
    customer = store.customers[OLIVIA_CUSTOMER_ID]
    address = customer.addresses[0]
    billing = {
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "street_1": address.address1,
        "city": address.city,
        "state": address.state_or_province,
        "zip": address.postal_code,
        "country_iso2": address.country_code,
        "phone": customer.phone,
        "email": customer.email,
    }
    products = [
        {
            **{key: value for key, value in line.items() if key != "price"},
            "price_ex_tax": Decimal(line["price"]),
            "price_inc_tax": Decimal(line["price"]),
        }
        for line in lines
    ]
    order = store.add_order(
        customer_id=customer.id,
        status_id=11,
        billing_address=billing,
        products=products,
        shipping_cost_ex_tax=shipping,
        shipping_cost_inc_tax=shipping,
        date_created=START + timedelta(days=day),
        tax_inclusive=True,
    )
    order.order_source, order.staff_notes, order.customer_message, order.cart_id = "www", "", "", ""
    order.date_modified = order.date_created + timedelta(days=1)
    return order


def _ship(store: SandboxStore, order: Order, lines: list[OrderProduct], number: str) -> None:
    store.add_shipment(
        order.id,
        items=[{"order_product_id": line.id, "quantity": line.quantity} for line in lines],
        tracking_number=number,
        shipping_provider="usps",
        shipping_method="Ground",
        date_created=order.date_created + timedelta(days=2),
    )


def _options_and_bundle(store: SandboxStore) -> None:
    order = _order(
        store,
        0,
        [
            {"product_id": 201, "quantity": 2, "price": "25.00"},
            {"product_id": 202, "quantity": 1, "price": "259.00"},
            {"product_id": BREWER, "quantity": 1, "price": "0"},
            {"product_id": CHEMEX, "quantity": 1, "price": "0"},
        ],
    )
    tee, bundle, brewer, chemex = order.products
    tee.options = [
        ProductOption("Size", "M", "Multiple choice", "71"),
        ProductOption("Color", "Silver", "Swatch", "112"),
        ProductOption("Back print", TEE_BACK_PRINT, "Text field"),
    ]
    coupon = LineDiscount("1", "Summer sale 10% off", Decimal("5.00"), code="SUMMER10", target="product")
    tee.discounts = [coupon]
    order.discount_amount = coupon.amount
    bundle.options = [ProductOption("Brewer", "Able Brewing System", "Product Pick List", str(BREWER))]
    brewer.parent_id = chemex.parent_id = bundle.id
    _ship(store, order, [tee, bundle, brewer], "9400111899223817570001")  # the Chemex waits


def _digital(store: SandboxStore) -> None:
    order = _order(store, 3, [{"product_id": 203, "quantity": 1, "price": "12.00"}], shipping=Decimal(0))
    order.products[0].type = "digital"
    order.status_id = 10


def _gift_certificate(store: SandboxStore) -> None:
    order = _order(
        store,
        5,
        [
            {"name": "$50 Gift Certificate", "sku": "", "quantity": 1, "price": "50.00"},
            {"product_id": 204, "quantity": 1, "price": "38.00"},
        ],
    )
    gift, apron = order.products
    gift.type, gift.gift_certificate_id = "giftcertificate", 1
    _ship(store, order, [apron], "9400111899223817570002")
    order.status_id = 10


def _completed_unshipped(store: SandboxStore) -> None:
    order = _order(store, 7, [{"product_id": 204, "quantity": 2, "price": "38.00"}], shipping=Decimal(0))
    order.status_id = 10


def _renamed_status(store: SandboxStore) -> None:
    order = _order(store, 9, [{"product_id": 201, "quantity": 1, "price": "25.00"}])
    order.products[0].options = [ProductOption("Size", "L", "Multiple choice", "72")]
    order.status_id = AWAITING_SHIPMENT
