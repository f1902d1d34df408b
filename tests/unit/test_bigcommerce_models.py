"""BigCommerce models: exact money, timezone-aware dates, and request JSON that never passes through float."""

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from devtools.sandbox.admin_client import OrderAddressCreate, OrderCreate, OrderProductCreate
from gladly_bigcommerce.bigcommerce import http as bigcommerce_http
from gladly_bigcommerce.bigcommerce.errors import BadUpstreamResponse
from gladly_bigcommerce.bigcommerce.lenient import dropped_fields
from gladly_bigcommerce.bigcommerce.models import (
    CartCondition,
    CartValueAction,
    CatalogProduct,
    Customer,
    FixedDiscount,
    Order,
    OrderProduct,
    PercentageDiscount,
    PromotionAction,
    PromotionCondition,
    PromotionCreate,
    PromotionRule,
    Refund,
    RefundItem,
    RefundPayment,
    RefundQuote,
    Shipment,
    ShippingAction,
)
from gladly_bigcommerce.bigcommerce.values import encode_json, format_rfc2822
from gladly_bigcommerce.observability import metrics


def v2_order(**overrides: Any) -> dict[str, Any]:
    order = {
        "id": 100,
        "customer_id": 0,
        "status_id": 11,
        "status": "Awaiting Fulfillment",
        "date_created": "Tue, 20 Nov 2012 00:00:00 +0000",
        "date_modified": "Wed, 21 Nov 2012 13:45:10 -0500",
        "date_shipped": "",
        "subtotal_ex_tax": "12.5000",
        "subtotal_inc_tax": "13.7500",
        "total_ex_tax": "17.5000",
        "total_inc_tax": "18.7500",
        "currency_code": "USD",
        "refunded_amount": "0.0000",
        "billing_address": {"first_name": "Jane", "zip": "94107", "email": "jane@example.com"},
    }
    return order | overrides


def test_v2_money_strings_stay_exact_to_the_fourth_place() -> None:
    order = Order.model_validate(v2_order())
    assert order.total_inc_tax == Decimal("18.7500")
    assert str(order.total_inc_tax) == "18.7500"
    assert str(order.refunded_amount) == "0.0000"


def test_v2_rfc2822_dates_become_aware_datetimes_and_round_trip() -> None:
    order = Order.model_validate(v2_order())
    assert order.date_created == datetime(2012, 11, 20, tzinfo=UTC)
    assert order.date_modified is not None
    assert order.date_modified.utcoffset() == timedelta(hours=-5)
    assert format_rfc2822(order.date_created) == "Tue, 20 Nov 2012 00:00:00 +0000"
    assert format_rfc2822(order.date_modified) == "Wed, 21 Nov 2012 13:45:10 -0500"


def test_empty_date_shipped_means_not_shipped() -> None:
    assert Order.model_validate(v2_order(date_shipped="")).date_shipped is None
    shipped = Order.model_validate(v2_order(date_shipped="Thu, 22 Nov 2012 08:00:00 +0000")).date_shipped
    assert shipped == datetime(2012, 11, 22, 8, tzinfo=UTC)


def test_guest_orders_have_customer_id_zero() -> None:
    assert Order.model_validate(v2_order()).is_guest
    assert not Order.model_validate(v2_order(customer_id=5)).is_guest


def test_v3_numbers_decoded_as_decimal_stay_exact_and_iso_dates_are_aware() -> None:
    # Given a v3 customer decoded the way the client decodes (numbers straight to Decimal)
    raw = (
        b'{"id": 1, "email": "jane@example.com", "date_created": "2021-07-28T19:00:38Z",'
        b' "store_credit_amounts": [{"amount": 43.15}, {"amount": 0.10}]}'
    )
    customer = Customer.model_validate(json.loads(raw, parse_float=Decimal))
    # Then amounts are exact and the date is UTC
    assert customer.store_credit_amounts[0].amount == Decimal("43.15")
    assert customer.store_credit == Decimal("43.25")
    assert customer.date_created == datetime(2021, 7, 28, 19, 0, 38, tzinfo=UTC)


def test_refund_quote_numbers_are_exact() -> None:
    raw = (
        b'{"order_id": 1, "total_refund_amount": 0.30, "total_refund_tax_amount": 0.1, "rounding": 0,'
        b' "adjustment": -0.10, "refund_methods": [[{"provider_id": "storecredit", "amount": 0.30}]]}'
    )
    quote = RefundQuote.model_validate(json.loads(raw, parse_float=Decimal))
    assert quote.total_refund_amount == Decimal("0.30")
    assert quote.adjustment == Decimal("-0.10")
    assert quote.refund_methods[0][0].amount + quote.adjustment == Decimal("0.20")


def test_floats_are_never_read_as_money() -> None:
    # An order an agent is shown loses the float amount, never the order (lenient records)...
    order = Order.model_validate(v2_order(total_inc_tax=18.75))
    assert order.total_inc_tax is None
    assert dropped_fields(order) == ["total_inc_tax"]
    # ... while a refund, which moves money, refuses it whole
    with pytest.raises(ValidationError):
        RefundPayment(provider_id="storecredit", amount=0.1)


def test_naive_timestamps_are_read_as_utc() -> None:
    order = Order.model_validate(v2_order(date_created="2012-11-20T10:00:00"))
    assert order.date_created == datetime(2012, 11, 20, 10, tzinfo=UTC)


def test_consignments_keep_expanded_line_items_and_drop_links() -> None:
    consignments = {
        "pickups": [],
        "shipping": [
            {
                "id": 9,
                "first_name": "Jane",
                "street_1": "1 Main St",
                "city": "Austin",
                "zip": "78701",
                "shipping_method": "Free Shipping",
                "cost_inc_tax": Decimal("5.10"),
                "line_items": [
                    {
                        "id": 4,
                        "name": "Mug",
                        "quantity": 2,
                        "price_inc_tax": "6.0000",
                        "total_inc_tax": "12.0000",
                    },
                    {"url": "https://api.bigcommerce.com/x", "resource": "/orders/1/products/5"},
                ],
            }
        ],
    }
    order = Order.model_validate(v2_order(consignments=consignments))
    assert order.consignments is not None
    shipping = order.consignments.shipping[0]
    assert shipping.cost_inc_tax == Decimal("5.10")
    assert [item.id for item in shipping.line_items] == [4]
    assert shipping.line_items[0].total_inc_tax == Decimal("12.0000")


def test_a_consignments_link_reads_as_absent() -> None:
    link = {
        "url": "https://api.bigcommerce.com/stores/x/v2/orders/1/consignments",
        "resource": "/orders/1/consignments",
    }
    assert Order.model_validate(v2_order(consignments=link)).consignments is None


def test_refund_request_json_has_exact_numbers() -> None:
    # Given refund lines and a payment in Decimal
    items = [
        RefundItem(item_type="PRODUCT", item_id=31, quantity=1),
        RefundItem(item_type="SHIPPING", item_id=79, amount=Decimal("10.10")),
    ]
    payments = [RefundPayment(provider_id="storecredit", amount=Decimal("0.30"))]
    # When encoded for BigCommerce
    text = encode_json({"items": items, "payments": payments})
    # Then amounts are JSON numbers with their exact digits (0.1 + 0.2 style float noise impossible)
    assert '"amount":10.10' in text
    assert '"amount":0.30' in text
    decoded = json.loads(text, parse_float=Decimal)
    assert decoded["payments"][0]["amount"] == Decimal("0.30")
    assert decoded["items"][0] == {"item_type": "PRODUCT", "item_id": 31, "quantity": 1}


def test_encode_json_refuses_floats_and_non_finite_decimals() -> None:
    with pytest.raises(TypeError):
        encode_json({"amount": 0.1})
    with pytest.raises(ValueError):
        encode_json({"amount": Decimal("NaN")})


def test_encode_json_writes_large_and_small_decimals_without_exponent() -> None:
    assert encode_json([Decimal("1E+3"), Decimal("1E-7"), Decimal("-0.00")]) == "[1000,0.0000001,-0.00]"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"item_type": "PRODUCT", "item_id": 1},  # no quantity
        {"item_type": "PRODUCT", "item_id": 1, "quantity": 1, "amount": Decimal(1)},  # amount ignored by BC
        {"item_type": "SHIPPING", "item_id": 1},  # no amount
        {"item_type": "ORDER", "item_id": 1, "amount": Decimal("1.005")},  # not cents
        {"item_type": "ORDER", "item_id": 1, "amount": Decimal("-1")},
        {"item_type": "PRODUCT", "item_id": 1, "quantity": 0},
        {"item_type": "COUPON", "item_id": 1, "amount": Decimal(1)},
        {"item_type": "ORDER", "item_id": 1, "amount": Decimal(1), "extra": 1},
    ],
)
def test_invalid_refund_items_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        RefundItem(**kwargs)


def test_promotion_money_is_sent_as_strings() -> None:
    promotion = PromotionCreate(
        name="Sorry about that",
        rules=[
            PromotionRule(
                action=PromotionAction(
                    cart_value=CartValueAction(discount=FixedDiscount(fixed_amount=Decimal("10.00")))
                ),
                condition=PromotionCondition(cart=CartCondition(minimum_spend=Decimal("25.50"))),
            ),
            PromotionRule(
                action=PromotionAction(
                    cart_value=CartValueAction(discount=PercentageDiscount(percentage_amount=Decimal("15")))
                )
            ),
        ],
        end_date=datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
    )
    decoded = json.loads(encode_json(promotion))
    assert decoded["rules"][0]["action"]["cart_value"]["discount"] == {"fixed_amount": "10.00"}
    assert decoded["rules"][0]["condition"]["cart"]["minimum_spend"] == "25.50"
    assert decoded["rules"][1]["action"]["cart_value"]["discount"] == {"percentage_amount": "15"}
    assert decoded["end_date"] == "2030-01-02T03:04:05+02:00"
    assert decoded["redemption_type"] == "COUPON"


def test_a_promotion_action_is_exactly_one_kind() -> None:
    with pytest.raises(ValidationError):
        PromotionAction()
    with pytest.raises(ValidationError):
        PromotionAction(
            cart_value=CartValueAction(discount=FixedDiscount(fixed_amount=Decimal(1))),
            shipping=ShippingAction(),
        )


def test_v2_order_create_sends_header_money_as_strings_and_prices_as_numbers() -> None:
    order = OrderCreate(
        billing_address=OrderAddressCreate(first_name="Jane", zip="94107"),
        products=[
            OrderProductCreate(
                name="Mug", quantity=2, price_inc_tax=Decimal("6.00"), price_ex_tax=Decimal("5.50")
            )
        ],
        base_shipping_cost=Decimal("5.0000"),
        date_created=datetime(2012, 11, 20, tzinfo=UTC),
    )
    text = encode_json(order)
    decoded = json.loads(text, parse_float=Decimal)
    assert decoded["base_shipping_cost"] == "5.0000"
    assert decoded["products"][0]["price_inc_tax"] == Decimal("6.00")
    assert '"price_inc_tax":6.00' in text
    assert decoded["date_created"] == "Tue, 20 Nov 2012 00:00:00 +0000"
    assert decoded["customer_id"] == 0


def test_request_models_refuse_naive_datetimes() -> None:
    with pytest.raises(ValidationError):
        PromotionCreate(
            name="x",
            rules=[PromotionRule(action=PromotionAction(shipping=ShippingAction()))],
            start_date=datetime(2030, 1, 1),
        )


@pytest.mark.parametrize(
    ("image", "url"),
    [
        ({"url_thumbnail": "https://cdn/t.jpg", "url_standard": "https://cdn/s.jpg"}, "https://cdn/t.jpg"),
        ({"url_thumbnail": " ", "url_standard": "https://cdn/s.jpg"}, "https://cdn/s.jpg"),
        ({"url_tiny": "https://cdn/tiny.jpg", "url_zoom": "https://cdn/z.jpg"}, None),
        (None, None),
        ({}, None),
        ([], None),
    ],
)
def test_a_catalog_products_card_image_is_the_thumbnail_else_the_standard_size(
    image: Any, url: str | None
) -> None:
    product = CatalogProduct.model_validate({"id": 102, "name": "Orbit Terrarium", "primary_image": image})
    found = product.primary_image.card_url if product.primary_image else None
    assert found == url


# --- null and absent fields (issue 8: real BigCommerce sends null) ------------------------------


@pytest.fixture
def counted() -> Iterator[dict[str, Any]]:
    metrics.clear_metrics()
    yield metrics.metric_set
    metrics.clear_metrics()


def test_null_text_fields_of_an_api_created_order_read_as_empty() -> None:
    # Given an order as BigCommerce answers one created through the API (dev-docs example)
    raw = v2_order(
        customer_message=None,
        staff_notes=None,
        payment_method=None,
        is_deleted=None,
        items_total=None,
        billing_address={"first_name": "Jane", "company": None, "street_2": None, "phone": None, "zip": "1"},
    )
    # When it is read
    order = Order.model_validate(raw)
    # Then each null reads as that field's "none", and the rest of the order is intact
    assert (order.customer_message, order.staff_notes, order.payment_method) == ("",) * 3
    assert order.is_deleted is False
    assert order.items_total == 0
    assert order.billing_address is not None
    assert (order.billing_address.company, order.billing_address.street_2) == ("", "")
    assert order.total_inc_tax == Decimal("18.7500")


def test_an_order_without_optional_money_or_dates_keeps_them_unknown_not_zero() -> None:
    # Given an order answer with only its id and status (the file requires nothing at all)
    order = Order.model_validate({"id": 7, "status_id": 11, "total_inc_tax": None})
    # Then amounts and dates it lacks are None (unknown), never a made-up zero
    assert order.total_inc_tax is None
    assert order.refunded_amount is None
    assert order.date_created is None
    assert order.currency_code == ""


def test_null_nested_lists_read_as_empty_and_null_members_as_defaults() -> None:
    customer = Customer.model_validate(
        {"id": 1, "email": None, "addresses": None, "store_credit_amounts": [{"amount": None}]}
    )
    assert customer.email == ""
    assert customer.addresses == []
    assert customer.store_credit == Decimal(0)
    shipment = Shipment.model_validate(
        {"id": 3, "tracking_carrier": None, "items": None, "tracking_number": None}
    )
    assert (shipment.tracking_carrier, shipment.tracking_number, shipment.items) == ("", "", [])


def test_a_line_discount_id_sent_as_a_number_is_kept_as_text() -> None:
    # The orders file types it as a string ("manual-discount" in its example); a coupon's is its number
    line = OrderProduct.model_validate(
        {"id": 1, "quantity": 1, "applied_discounts": [{"id": Decimal("12"), "amount": "1.5900"}, {"id": 7}]}
    )
    assert [discount.id for discount in line.applied_discounts] == ["12", "7"]


def test_an_order_list_skips_an_order_without_id_logging_and_counting_it_without_pii(
    caplog: pytest.LogCaptureFixture, counted: dict[str, Any]
) -> None:
    # Given an order list in which one order lacks its id (the orders file does not require it)
    payload = [v2_order(id=1), {**v2_order(), "id": None}, v2_order(id=3)]
    # When the client reads it
    with caplog.at_level(logging.WARNING):
        orders = bigcommerce_http.read_list(Order, payload)
    # Then the other orders are read, the skip is logged without the order's data, and counted
    assert [order.id for order in orders] == [1, 3]
    assert "skipped 1 unusable item(s) of 3 (at id)" in caplog.text
    assert "jane@example.com" not in caplog.text
    assert counted["UpstreamItemsSkipped"]["Value"] == [1.0]


def test_a_refund_list_with_an_unusable_refund_is_unreadable_not_shortened() -> None:
    # Given a refund list in which one refund lacks its total (a skipped refund could be refunded again)
    payload = {"data": [{"id": 1, "total_amount": Decimal("5")}, {"id": 2, "total_amount": None}]}
    # Then the whole list is unreadable
    with pytest.raises(BadUpstreamResponse):
        bigcommerce_http.read_v3_list(Refund, payload, skip_unusable=False)
    assert len(bigcommerce_http.read_v3_list(Refund, {"data": payload["data"][:1]}, skip_unusable=False)) == 1


def test_consignment_line_items_skip_unusable_lines_and_keep_the_order() -> None:
    consignments = {
        "shipping": [
            {
                "id": 9,
                "line_items": [
                    {"id": 4, "name": "Mug", "quantity": 2, "total_inc_tax": None},
                    {"name": "no id", "quantity": 1},
                    {"url": "https://api.bigcommerce.com/x", "resource": "/orders/1/products/5"},
                ],
            },
            {"line_items": None},
        ]
    }
    order = Order.model_validate(v2_order(consignments=consignments))
    assert order.consignments is not None
    assert [line.id for line in order.consignments.shipping[0].line_items] == [4]
    assert order.consignments.shipping[1].line_items == []


def test_a_refund_method_with_an_unusable_payment_is_skipped_whole() -> None:
    # Given a quote whose second method splits the refund and one of its payments has no amount
    quote = RefundQuote.model_validate(
        {
            "total_refund_amount": Decimal("10"),
            "adjustment": None,
            "refund_methods": [
                [{"provider_id": "storecredit", "amount": Decimal("10")}],
                [{"provider_id": "card", "amount": Decimal("6")}, {"provider_id": "storecredit"}],
            ],
        }
    )
    # Then only the usable method is offered (paying part of a split would refund less than quoted)
    assert [[payment.provider_id for payment in method] for method in quote.refund_methods] == [
        ["storecredit"]
    ]
    assert quote.adjustment == Decimal(0)
