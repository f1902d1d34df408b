"""Reading what an agent typed in the order-number search field (``lookup/order_search.order_id``)."""

from __future__ import annotations

from typing import Any

import pytest

from gladly_bigcommerce.lookup.order_search import MAX_ORDER_ID, order_id


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1234", 1234),
        ("#1234", 1234),
        (" 1234 ", 1234),
        ("\t#1234\n", 1234),
        ("# 1234", 1234),
        ("001234", 1234),
        (1234, 1234),
        (str(MAX_ORDER_ID), MAX_ORDER_ID),
    ],
)
def test_an_order_number_reads_as_its_order_id(typed: Any, expected: int) -> None:
    assert order_id(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "12a4",
        "abc",
        "1" * 40,
        "1" * 11,
        str(MAX_ORDER_ID + 1),
        "",
        "  ",
        "#",
        "##1234",
        "0",
        "-1234",
        "+1234",
        "12 34",
        "1234.0",
        "1e3",
        "١٢٣٤",  # Arabic-Indic digits: str.isdigit says yes, an order id says no
        "\uff11\uff12\uff13\uff14",  # full-width digits
        ["1234"],
        {"orderNumber": "1234"},
        None,
        True,
        0,
        -5,
        2**31,
        12.0,
    ],
)
def test_anything_else_is_no_order_number(typed: Any) -> None:
    assert order_id(typed) is None
