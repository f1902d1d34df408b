"""A second store beside the US demo: Sakura Tea House, Tokyo, whose default currency is the yen.

Served by the sandbox at store hash `sandboxjp` (`server.JAPAN_STORE_HASH`), seed name `japan`.
The yen has no minor unit (ISO 4217; babel's precision 0), so amounts are whole yen, and nearly every
order is 1,000 yen or more: the orders Gladly's App Platform bridge misread when a total came as
`¥31,650` (reference/gladly/lookup-protocol.md). Prices include Japan's consumption tax, as a
Japanese storefront shows them.

* Haruka Sato (`HARUKA_EMAIL`, `HARUKA_CUSTOMER_ID`):
  - `JP_SHIPPED_ORDER_ID` (Shipped): two Matcha Sets at ¥12,000 and a Hojicha at ¥6,800, shipping
    ¥850: `JP_SHIPPED_TOTAL` ¥31,650.
  - `JP_DISCOUNTED_ORDER_ID` (Awaiting Fulfillment): a Kyusu Teapot at ¥8,800 with a ¥880 coupon
    (`SAKURA10`) on the line, shipping ¥850: ¥8,770.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from devtools.sandbox.records import LineDiscount, StoreInfo
from devtools.sandbox.store import SandboxStore

JAPAN = "japan"
HARUKA_EMAIL = "haruka.sato@example.jp"
HARUKA_CUSTOMER_ID = 1
JP_SHIPPED_ORDER_ID = 100
JP_DISCOUNTED_ORDER_ID = 101
JP_SHIPPED_TOTAL = Decimal("31650")
START = datetime(2025, 2, 3, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo

STORE = StoreInfo(
    name="Sakura Tea House",
    domain="sakura-tea.example.jp",
    secure_url="https://sakura-tea.example.jp",
    control_panel_base_url="https://store-sandboxjp.mybigcommerce.com",
    currency="JPY",
    currency_symbol="¥",
    decimal_places=0,
    language="ja",
    timezone_name="Asia/Tokyo",
    country="Japan",
    country_code="JP",
    admin_email="owner@sakura-tea.example.jp",
    order_email="orders@sakura-tea.example.jp",
    phone="+81 3-5555-0100",
)
CATALOG: tuple[tuple[int, str, str, str], ...] = (
    (301, "Matcha Set", "MATCHA-SET", "12000"),
    (302, "Hojicha 100 g", "HOJICHA-100", "6800"),
    (303, "Kyusu Teapot", "KYUSU", "8800"),
)
IMAGE_URL = "https://cdn11.bigcommerce.com/s-sandboxjp/images/stencil/original/products/{id}/{sku}.jpg"
SHIPPING = Decimal("850")


def populate(store: SandboxStore) -> None:
    """Load the Japanese store into an empty store."""
    with store.lock:
        store.set_store_info(STORE)
        for product_id, name, sku, price in CATALOG:
            image = IMAGE_URL.format(id=product_id, sku=sku.lower())
            store.add_catalog_product(
                product_id=product_id, name=name, sku=sku, price=Decimal(price), image_url=image
            )
        address = {
            "first_name": "Haruka",
            "last_name": "Sato",
            "address1": "1-1-2 Oshiage",
            "city": "Sumida-ku",
            "state_or_province": "Tokyo",
            "postal_code": "131-0045",
            "country_code": "JP",
            "phone": "03-5555-0123",
        }
        haruka = store.add_customer(
            date_created=START - timedelta(days=200),
            email=HARUKA_EMAIL,
            first_name="Haruka",
            last_name="Sato",
            phone="03-5555-0123",
            addresses=[address],
        )
        billing = {
            "first_name": "Haruka",
            "last_name": "Sato",
            "street_1": address["address1"],
            "city": address["city"],
            "state": address["state_or_province"],
            "zip": address["postal_code"],
            "country_iso2": "JP",
            "phone": address["phone"],
            "email": HARUKA_EMAIL,
        }
        shipped = store.add_order(
            customer_id=haruka.id,
            status_id=11,
            billing_address=billing,
            products=[{"product_id": 301, "quantity": 2}, {"product_id": 302, "quantity": 1}],
            shipping_cost_ex_tax=SHIPPING,
            shipping_cost_inc_tax=SHIPPING,
            default_currency_code="JPY",
            date_created=START,
            tax_inclusive=True,
        )
        store.add_shipment(
            shipped.id,
            tracking_number="4700-1234-5678",
            tracking_carrier="yamato-transport",
            shipping_method="Takkyubin",
            date_created=START + timedelta(days=1),
        )
        discounted = store.add_order(
            customer_id=haruka.id,
            status_id=11,
            billing_address=billing,
            products=[{"product_id": 303, "quantity": 1}],
            shipping_cost_ex_tax=SHIPPING,
            shipping_cost_inc_tax=SHIPPING,
            default_currency_code="JPY",
            date_created=START + timedelta(days=20),
            tax_inclusive=True,
        )
        coupon = LineDiscount("2", "Sakura 10% off", Decimal("880"), code="SAKURA10", target="product")
        discounted.products[0].discounts = [coupon]
        discounted.discount_amount = coupon.amount
        for order in (shipped, discounted):
            order.order_source, order.staff_notes, order.customer_message, order.cart_id = "www", "", "", ""
            order.payment_status = "captured"
