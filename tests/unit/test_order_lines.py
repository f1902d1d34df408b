"""An order's lines as the shopper bought them, and statuses that agree with the order (order_lines)."""

from __future__ import annotations

from typing import Any

import pytest

from gladly_bigcommerce.bigcommerce.models import Order, OrderProduct
from gladly_bigcommerce.lookup.mapping.customers import StoreLinks
from gladly_bigcommerce.lookup.mapping.order_lines import group_lines, line_status, shipping_speed
from gladly_bigcommerce.lookup.mapping.orders import order_transaction

LINKS = StoreLinks(admin_base="https://store-x.mybigcommerce.com/manage", storefront_base=None)


def line(line_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "id": line_id,
        "product_id": 77,
        "name": "Trail Shoe",
        "type": "physical",
        "quantity": 1,
        "quantity_shipped": 0,
        "price_inc_tax": "50.0000",
        "total_inc_tax": "50.0000",
        "discounted_total_inc_tax": "50.0000",
    } | overrides


def an_order(status_id: int = 11, **overrides: Any) -> Order:
    return Order.model_validate(
        {"id": 100, "status_id": status_id, "status": "Awaiting Fulfillment", "currency_code": "USD"}
        | overrides
    )


def lines(*payloads: dict[str, Any]) -> list[OrderProduct]:
    return [OrderProduct.model_validate(payload) for payload in payloads]


def sent(order: Order, *payloads: dict[str, Any], consignment: bool = False) -> dict[str, Any]:
    if consignment:
        order = order.model_copy(
            update={
                "consignments": Order.model_validate(
                    {
                        "id": 1,
                        "status_id": 1,
                        "consignments": {"shipping": [{"id": 9, "line_items": list(payloads)}]},
                    }
                ).consignments
            }
        )
    return dict(order_transaction(order, links=LINKS, region="US", products=lines(*payloads)).to_body())


@pytest.mark.parametrize(
    ("kind", "status_id", "expected"),
    [
        ("giftcertificate", 10, "Emailed to recipient"),
        ("giftcertificate", 11, "Not emailed yet"),
        ("giftcertificate", 7, "Not emailed yet"),
        ("digital", 10, "Available to download"),
        ("digital", 11, "Not available to download yet"),
        ("physical", 10, "Completed"),
        ("physical", 2, "Shipped"),
        ("physical", 11, "Not shipped"),
        ("physical", 5, "Cancelled"),
    ],
)
def test_each_kind_of_line_says_what_happened_to_it(kind: str, status_id: int, expected: str) -> None:
    labels = {
        10: "Completed",
        2: "Shipped",
        11: "Awaiting Fulfillment",
        7: "Awaiting Payment",
        5: "Cancelled",
    }
    order = an_order(status_id, status=labels[status_id])
    (product,) = lines(line(1, type=kind))
    assert line_status(product, order) == expected


@pytest.mark.parametrize(
    ("status_id", "expected"), [(11, "For pickup"), (8, "Awaiting pickup"), (10, "Picked up")]
)
def test_a_line_for_pickup_is_never_not_shipped(status_id: int, expected: str) -> None:
    (product,) = lines(line(1, order_pickup_method_id=1))
    assert line_status(product, an_order(status_id)) == expected


def test_refunded_and_shipped_lines_say_so_whatever_the_order() -> None:
    refunded, shipped = lines(line(1, quantity_refunded=1), line(2, quantity_shipped=1))
    cancelled = an_order(5, status="Cancelled")
    assert (line_status(refunded, cancelled), line_status(shipped, cancelled)) == ("Refunded", "Shipped")


def test_a_renamed_status_shows_the_stores_own_label_on_the_order_and_its_closed_lines() -> None:
    # Given a merchant who renamed "Cancelled" (BigCommerce's custom_status carries the renamed label)
    order = an_order(5, status="Cancelled", custom_status="Called off by the shop")
    body = sent(order, line(1))
    assert body["orderStatus"] == "Called off by the shop"
    assert body["products"][0]["status"] == "Called off by the shop"
    # ... and without a rename, custom_status repeats the system label (or is absent): the system label
    assert sent(an_order(11, custom_status=""), line(1))["orderStatus"] == "Awaiting Fulfillment"


def test_a_completed_digital_and_gift_certificate_order_has_nothing_waiting_to_ship() -> None:
    # Given a Completed order whose only consignment lists an e-book and a gift certificate
    order = an_order(10, status="Completed")
    body = sent(order, line(1, type="digital"), line(2, type="giftcertificate"), consignment=True)
    assert [p["status"] for p in body["products"]] == ["Available to download", "Emailed to recipient"]
    assert body["fulfillments"] == []
    # ... and a live order with a physical line still shows it as waiting, but never the digital one
    live = sent(an_order(11), line(1, type="digital"), line(2), consignment=True)
    assert [f["productIds"] for f in live["fulfillments"]] == [["2"]]


def test_options_typed_text_included_are_shown_with_the_product_on_one_line() -> None:
    typed = "Happy birthday,\n  Grandma!   " + "x" * 200
    body = sent(
        an_order(),
        line(
            1,
            product_options=[
                {"display_name": "Size", "display_value": "S", "type": "Multiple choice"},
                {"display_name": "Color", "display_value": "Silver", "type": "Swatch"},
                {"display_name": "Engraving", "display_value": typed, "type": "Text field"},
                {"display_name": "", "display_value": ""},
            ],
        ),
    )
    name = body["products"][0]["name"]
    assert name.startswith("Trail Shoe (Size: S, Color: Silver, Engraving: Happy birthday, Grandma! xxx")
    assert name.endswith("…)")
    assert len(name) < len("Trail Shoe (Size: S, Color: Silver, Engraving: )") + 101


def test_bundle_children_fold_under_their_parent_with_the_bundles_price_and_shipping() -> None:
    # Given a bundle (parent 1, $90 for two) of two products, one picked by an option and one not, a
    # grandchild under a child, and a child whose parent is not among the lines
    body = sent(
        an_order(3, status="Partially Shipped"),
        line(
            1,
            name="Camp Kit",
            quantity=2,
            total_inc_tax="90.0000",
            discounted_total_inc_tax="90.0000",
            product_options=[{"display_name": "Stove", "display_value": "Mini Stove"}],
            quantity_shipped=2,
        ),
        line(
            2,
            name="Mini Stove",
            parent_order_product_id=1,
            quantity=2,
            total_inc_tax="0",
            discounted_total_inc_tax="0",
            quantity_shipped=2,
        ),
        line(
            3,
            name="Fuel Can",
            parent_order_product_id=1,
            quantity=4,
            total_inc_tax="10.0000",
            discounted_total_inc_tax="10.0000",
        ),
        line(
            4,
            name="Spare Valve",
            parent_order_product_id=3,
            quantity=1,
            total_inc_tax="0",
            discounted_total_inc_tax="0",
        ),
        line(5, name="Gift Wrap", parent_order_product_id=999),
    )
    bundle, orphan = body["products"]
    assert bundle["id"] == "1"
    assert bundle["name"] == "Camp Kit (Stove: Mini Stove) · includes 4 x Fuel Can, 1 x Spare Valve"
    assert bundle["unitPrice"] == "$50.00"  # (90 + 0 + 10 + 0) / 2
    assert bundle["quantity"] == 2
    assert bundle["status"] == "Partially shipped"  # the parent and a child shipped, two children did not
    # A line is never lost: a child whose parent is missing stands alone
    assert (orphan["id"], orphan["name"]) == ("5", "Gift Wrap")


def test_grouping_survives_a_cycle_of_parents() -> None:
    groups = group_lines(lines(line(1, parent_order_product_id=2), line(2, parent_order_product_id=1)))
    assert sorted(line.id for group in groups for line in group.lines) == [1, 2]


def test_the_discount_is_named_by_its_coupon_code_and_the_price_is_what_was_paid() -> None:
    body = sent(
        an_order(),
        line(
            1,
            quantity=3,
            price_inc_tax="20.0000",
            total_inc_tax="60.0000",
            discounted_total_inc_tax="45.0000",
            applied_discounts=[
                {"id": 3, "amount": "15.0000", "name": "Spring sale", "code": "SPRING25", "target": "product"}
            ],
        ),
    )
    (product,) = body["products"]
    assert product["unitPrice"] == "$15.00"
    assert product["name"] == "Trail Shoe · $15.00 off (SPRING25)"


def test_without_the_discounted_total_the_listed_price_stands_and_no_discount_is_claimed() -> None:
    (product,) = sent(
        an_order(), line(1, discounted_total_inc_tax=None, total_inc_tax=None, price_inc_tax="12.5000")
    )["products"]
    assert (product["unitPrice"], product["name"]) == ("$12.50", "Trail Shoe")


@pytest.mark.parametrize(
    ("method", "shown"),
    [("None", None), ("none", None), ("  ", None), ("", None), ("Free Shipping", "Free Shipping")],
)
def test_a_shipping_method_of_none_is_no_shipping_speed(method: str, shown: str | None) -> None:
    assert shipping_speed(method) == shown
