"""Payloads others captured from BigCommerce (tests/fixtures/public_payloads/README.md cites each),
read as the client reads an answer and mapped to what Gladly is sent. None comes from our sandbox."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from gladly_bigcommerce.bigcommerce import http as bigcommerce_http
from gladly_bigcommerce.bigcommerce.lenient import dropped_fields
from gladly_bigcommerce.bigcommerce.models import Order, OrderProduct, Shipment, ShippingAddress
from gladly_bigcommerce.lookup.mapping.customers import StoreLinks
from gladly_bigcommerce.lookup.mapping.orders import order_transaction

PAYLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "public_payloads"
ORDERS_SPEC = (
    Path(__file__).resolve().parents[2] / "reference" / "bigcommerce" / "openapi" / "orders.v2.oas2.yml"
)
LINKS = StoreLinks(admin_base="https://store-x.mybigcommerce.com/manage", storefront_base=None)


def payload(name: str) -> Any:
    """As the client decodes an answer: JSON numbers with a fraction straight to Decimal."""
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"), parse_float=Decimal)


def order(name: str) -> Order:
    return bigcommerce_http.read_one(Order, payload(name))


def products(name: str) -> list[OrderProduct]:
    return bigcommerce_http.read_list(OrderProduct, payload(name))


@cache
def spec_example(response: str) -> Any:
    spec = yaml.safe_load(ORDERS_SPEC.read_text(encoding="utf-8"))
    return spec["components"]["responses"][response]["content"]["application/json"]["examples"]["response"][
        "value"
    ]


def body(transaction: Any) -> dict[str, Any]:
    return dict(transaction.to_body())


# --- appse.ai docs: a real store's orders ---------------------------------------------------------


def test_an_order_of_2400_dollars_reads_as_2400_not_2() -> None:
    # Given the real store's order of 2400.0000 USD, ten units at 250 less a manual discount of 100
    sent = body(
        order_transaction(
            order("appse_order_519.json"),
            links=LINKS,
            region="US",
            products=products("appse_order_519_products.json"),
        )
    )
    # Then its total is machine-readable, its status is the store's label, and the unit price is
    # what each unit cost after the discount, the discount named with the product
    assert sent["orderTotal"] == "$2400.00"
    assert sent["orderStatus"] == "Awaiting Payment"
    (line,) = sent["products"]
    assert line["unitPrice"] == "$240.00"
    assert line["quantity"] == 10
    assert line["name"] == "Nayasa FuelUp Hydration Bottle · $100.00 off (Manual Discount)"
    assert line["status"] == "Not shipped"


def test_an_order_marked_shipped_by_hand_never_shows_its_lines_as_not_shipped() -> None:
    # Given the same order set to Shipped with nothing recorded as shipped (items_shipped 0) and its shipment
    marked = order("appse_order_519_marked_shipped.json")
    assert (marked.status_id, marked.items_shipped) == (2, 0)
    shipment = bigcommerce_http.read_one(Shipment, payload("appse_order_519_shipment.json"))
    sent = body(
        order_transaction(
            marked,
            links=LINKS,
            region="US",
            shipments=[shipment],
            products=products("appse_order_519_products.json"),
        )
    )
    # Then the line agrees with the order, and the shipment is its fulfillment
    assert [line["status"] for line in sent["products"]] == ["Shipped"]
    (fulfillment,) = sent["fulfillments"]
    assert fulfillment["productIds"] == ["537"]
    assert fulfillment["status"] == "Shipped"
    assert fulfillment["shippingSpeed"] == "Cash on Delivery"
    assert fulfillment["trackingUrl"] == "https://nayasatracklinm.shop"
    assert fulfillment["carrier"] == "USPS"


def test_a_completed_order_without_shipments_is_never_not_shipped() -> None:
    # Given the real store's Completed order with nothing shipped and no shipments (Cash on Delivery)
    completed = order("appse_order_463_completed.json")
    assert (completed.status_id, completed.items_shipped, completed.consignments) == (10, 0, None)
    # When it is mapped with a physical, unshipped line (the order's own lines are not published;
    # Space48's sample line stands in for one)
    sent = body(
        order_transaction(
            completed, links=LINKS, region="US", products=products_of("space48_order_product_116.json")
        )
    )
    # Then nothing in it says "Not shipped": the line is Completed and nothing waits to ship
    assert sent["orderStatus"] == "Completed"
    assert sent["orderTotal"] == "$316.50"
    assert [line["status"] for line in sent["products"]] == ["Completed"]
    assert sent["fulfillments"] == []
    assert "Not shipped" not in json.dumps(sent)


def test_a_shipping_method_of_none_is_no_shipping_speed() -> None:
    # Given the real store's shipping address, whose method BigCommerce wrote as the word "None", as the
    # order's consignment (orders.v2 gives consignments the shipping address's fields) with its line
    (address,) = payload("appse_order_519_shipping_addresses.json")
    assert ShippingAddress.model_validate(address).shipping_method == "None"
    consignment = {**address, "line_items": payload("appse_order_519_products.json")}
    waiting = bigcommerce_http.read_one(
        Order, {**payload("appse_order_519.json"), "consignments": {"shipping": [consignment]}}
    )
    sent = body(order_transaction(waiting, links=LINKS, region="US"))
    # Then what waits to ship is shown without a shipping speed
    (pending,) = sent["fulfillments"]
    assert pending["status"] == "Not shipped"
    assert pending["productIds"] == ["537"]
    assert "shippingSpeed" not in pending


# --- Space48's client samples ---------------------------------------------------------------------


def products_of(name: str) -> list[OrderProduct]:
    return bigcommerce_http.read_list(OrderProduct, [payload(name)])


def test_a_zip_and_phone_sent_as_numbers_keep_the_order() -> None:
    # Given the sample whose billing zip (78108) and phone (1234567890) are JSON numbers
    raw = payload("space48_order_218.json")
    assert isinstance(raw["billing_address"]["zip"], int) and isinstance(raw["billing_address"]["phone"], int)
    # When the client reads it
    (read,) = bigcommerce_http.read_list(Order, [raw])
    # Then the order is there, its numbers read as their digits, nothing left out
    assert read.billing_address is not None
    assert (read.billing_address.zip, read.billing_address.phone) == ("78108", "1234567890")
    assert dropped_fields(read) == []
    sent = body(order_transaction(read, links=LINKS, region="US"))
    assert sent["billingAddress"]["zip"] == "78108"
    assert sent["orderTotal"] == "$69.84"
    assert sent["orderStatus"] == "Awaiting Payment"


def test_a_pick_list_option_is_named_with_its_product() -> None:
    (line,) = products_of("space48_order_product_116.json")
    sent = body(order_transaction(order("space48_order_218.json"), links=LINKS, region="US", products=[line]))
    (product,) = sent["products"]
    assert product["name"] == "Dustpan & Brush (Product Pick List: 1L Le Parfait Jar)"
    assert product["unitPrice"] == "$37.23"
    assert product["sku"] == "DUST1"


def test_a_shipment_with_a_numeric_zip_and_method_none() -> None:
    shipment = bigcommerce_http.read_one(Shipment, payload("space48_order_shipment_11.json"))
    assert dropped_fields(shipment) == []
    sent = body(
        order_transaction(order("space48_order_218.json"), links=LINKS, region="US", shipments=[shipment])
    )
    (fulfillment,) = sent["fulfillments"]
    assert fulfillment["productIds"] == ["194", "195"]
    assert fulfillment["trackingNumber"] == "EJ958083578US"
    assert "shippingSpeed" not in fulfillment


# --- BigCommerce's own example: options, a pick-list child, a manual discount --------------------


def test_the_orders_file_example_folds_its_pick_list_child_under_its_parent() -> None:
    # Given orders.v2's example of an order's products: line 65 with five options (a typed text, a
    # checkbox, a pick list naming "Able Brewing System") and a manual discount of 1.59, and line 66,
    # that picked product, at $0 under it (parent_order_product_id 65)
    lines = bigcommerce_http.read_list(OrderProduct, spec_example("orderProductsCollection_Resp"))
    assert [(line.id, line.parent_order_product_id) for line in lines] == [(65, None), (66, 65)]
    shipment = Shipment.model_validate(
        {"id": 1, "items": [{"order_product_id": 65, "quantity": 1}, {"order_product_id": 66, "quantity": 1}]}
    )
    the_order = Order.model_validate({"id": 149, "status_id": 11, "currency_code": "USD"})
    sent = body(order_transaction(the_order, links=LINKS, region="US", products=lines, shipments=[shipment]))
    # Then one product, as the shopper bought it: its options, the discount, the price paid
    (product,) = sent["products"]
    assert product["id"] == "65"
    assert product["name"] == (
        "Fog Linen Chambray Towel - Beige Stripe (Size: S, Color: Orange, Add Letters: Text Field, "
        "Is this a gift?: Yes, PickList: Able Brewing System) · $1.59 off (Manual Discount)"
    )
    assert product["unitPrice"] == "$63.64"
    assert product["quantity"] == 1
    # ... and the shipment of the child names the product Gladly shows
    assert sent["fulfillments"][0]["productIds"] == ["65"]
