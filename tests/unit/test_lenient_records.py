"""A bad field costs that field, never the record (bigcommerce/lenient.py): orders, lines, shipments,
customers and addresses keep everything they can read; the loss is logged (field paths only) and
counted once per answer read; records that move money are still read whole or not at all."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from gladly_bigcommerce.bigcommerce import http as bigcommerce_http
from gladly_bigcommerce.bigcommerce.errors import BadUpstreamResponse
from gladly_bigcommerce.bigcommerce.lenient import describe_dropped, dropped_fields
from gladly_bigcommerce.bigcommerce.models import Customer, Order, Refund, Shipment
from gladly_bigcommerce.observability import metrics

SECRET_ZIP = {"postal": "SW1A 2AA"}  # a value that must never reach a log


@pytest.fixture
def counted() -> Iterator[dict[str, Any]]:
    metrics.clear_metrics()
    yield metrics.metric_set
    metrics.clear_metrics()


def an_order(**overrides: Any) -> dict[str, Any]:
    return {
        "id": 218,
        "status_id": 11,
        "status": "Awaiting Fulfillment",
        "date_created": "Tue, 05 Mar 2019 21:40:11 +0000",
        "total_inc_tax": "69.8400",
        "currency_code": "USD",
        "billing_address": {"first_name": "Jane", "zip": "78108", "phone": "+1 512 555 0100"},
        "consignments": {
            "shipping": [
                {"id": 9, "line_items": [{"id": 4, "name": "Mug", "quantity": 2, "total_inc_tax": "12.0000"}]}
            ]
        },
    } | overrides


def test_an_unreadable_field_is_left_out_and_the_order_kept(
    caplog: pytest.LogCaptureFixture, counted: dict[str, Any]
) -> None:
    # Given an order list in which one order has an object for a date, a list for a zip and a word
    # for a line's price
    odd = an_order(
        id=219,
        date_created={"date": "2019-03-05"},
        billing_address={"first_name": "Jane", "zip": SECRET_ZIP, "city": "London"},
        consignments={
            "shipping": [{"id": 9, "line_items": [{"id": 4, "quantity": 1, "price_inc_tax": "cheap"}]}]
        },
    )
    # When the client reads the list
    with caplog.at_level(logging.WARNING):
        orders = bigcommerce_http.read_list(Order, [an_order(), odd])
    # Then both orders are there; the odd one lost exactly those values, nothing else
    assert [order.id for order in orders] == [218, 219]
    kept = orders[1]
    assert kept.date_created is None
    assert kept.billing_address is not None and (kept.billing_address.zip, kept.billing_address.city) == (
        "",
        "London",
    )
    assert dropped_fields(kept) == [
        "date_created",
        "billing_address.zip",
        "consignments.shipping.line_items.price_inc_tax",
    ]
    assert dropped_fields(orders[0]) == []
    # ... logged by field path only, never the value, and counted once each
    assert "left out 3 unreadable field(s)" in caplog.text
    assert "billing_address.zip" in caplog.text
    assert "SW1A" not in caplog.text
    assert counted["FieldsDropped"]["Value"] == [3.0]


def test_a_missing_required_field_still_skips_the_record_it_cannot_do_without(
    counted: dict[str, Any],
) -> None:
    # An order without a readable status decides no action and cannot be shown: skipped, as before
    orders = bigcommerce_http.read_list(Order, [an_order(), an_order(id=220, status_id="shipped")])
    assert [order.id for order in orders] == [218]
    assert counted["UpstreamItemsSkipped"]["Value"] == [1.0]
    assert "FieldsDropped" not in counted


def test_numbers_where_text_is_expected_read_as_their_digits_when_unambiguous() -> None:
    customer = Customer.model_validate(
        {
            "id": 1,
            "phone": 4155550100,
            "addresses": [{"id": 2, "postal_code": 94105, "phone": Decimal("4155550100"), "city": True}],
        }
    )
    assert customer.phone == "4155550100"
    address = customer.addresses[0]
    assert (address.postal_code, address.phone) == ("94105", "4155550100")
    # A flag or a number with a fraction says nothing certain as text: that value alone is left out
    assert address.city == ""
    assert dropped_fields(customer) == ["addresses.city"]
    odd = Order.model_validate(an_order(billing_address={"zip": Decimal("78108.0"), "first_name": "Jane"}))
    assert dropped_fields(odd) == ["billing_address.zip"]


def test_numbers_are_never_read_as_dates_nor_flags_as_counts() -> None:
    order = Order.model_validate(an_order(date_created=5, items_total=True, date_modified=Decimal("1.5")))
    assert (order.date_created, order.items_total, order.date_modified) == (None, 0, None)
    assert dropped_fields(order) == ["date_created", "date_modified", "items_total"]


def test_a_shipment_and_its_items_keep_what_they_can() -> None:
    shipment = Shipment.model_validate(
        {
            "id": 3,
            "tracking_number": ["1Z", "999"],
            "shipping_address": "somewhere",
            "items": [{"order_product_id": 4, "quantity": 1, "product_id": "x"}, {"quantity": 1}],
        }
    )
    assert (shipment.tracking_number, shipment.shipping_address) == ("", None)
    assert [item.order_product_id for item in shipment.items] == [4]
    assert dropped_fields(shipment) == ["tracking_number", "shipping_address", "items.product_id"]


def test_a_refund_that_moves_money_is_still_read_whole_or_not_at_all() -> None:
    # A refund whose `is_declined` cannot be read must not be counted as paid
    payload = {
        "data": [{"id": 1, "total_amount": Decimal("5"), "payments": [{"amount": 5, "is_declined": "maybe"}]}]
    }
    with pytest.raises(BadUpstreamResponse):
        bigcommerce_http.read_v3_list(Refund, payload, skip_unusable=False)


def test_money_that_is_not_a_finite_number_is_left_out() -> None:
    order = Order.model_validate(an_order(total_inc_tax="NaN", refunded_amount=Decimal("Infinity")))
    assert (order.total_inc_tax, order.refunded_amount) == (None, None)
    assert sorted(dropped_fields(order)) == ["refunded_amount", "total_inc_tax"]


def test_the_profile_names_at_most_five_lost_fields_then_how_many_more() -> None:
    orders = [Order.model_validate(an_order(id=300 + n, date_created=[n])) for n in range(7)]
    text = describe_dropped([(f"order {order.id}", order) for order in orders] + [("customer", None)])
    assert text == (
        "order 300 date_created, order 301 date_created, order 302 date_created, "
        "order 303 date_created, order 304 date_created and 2 more"
    )
    assert describe_dropped([("order 1", Order.model_validate(an_order()))]) == ""


def test_a_record_read_again_reports_its_losses_and_skips_once(
    caplog: pytest.LogCaptureFixture, counted: dict[str, Any]
) -> None:
    # Given an order with an unreadable date (so it is read twice) whose consignment lists a line
    # without its id (skipped each time the order is read)
    odd = an_order(
        date_created=[2019],
        consignments={"shipping": [{"id": 9, "line_items": [{"id": 4, "quantity": 1}, {"quantity": 1}]}]},
    )
    with caplog.at_level(logging.WARNING):
        (order,) = bigcommerce_http.read_list(Order, [odd])
    # Then the date and the line are each reported and counted once
    assert dropped_fields(order) == ["date_created"]
    assert caplog.text.count("skipped 1 unusable item(s)") == 1
    assert caplog.text.count("left out 1 unreadable field(s)") == 1
    assert counted["UpstreamItemsSkipped"]["Value"] == [1.0]
    assert counted["FieldsDropped"]["Value"] == [1.0]
