"""Money Gladly receives as data is machine-readable; money in text only people read is grouped.

The data spelling is checked the way Gladly's own App Platform bridge reads an order total
(gladly/app-platform-examples, `gladly_orders_lookup_adapter/app/data/pull/detailed_orders_lookup/
response_transformation.gtpl`: the first match of `[0-9]+(?:\\.[0-9]+)?|\\.[0-9]+`), over every
currency babel knows.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from babel.numbers import get_currency_precision, list_currencies
from hypothesis import given
from hypothesis import strategies as st

from gladly_bigcommerce.money import format_money, money_as_data

CURRENCIES = sorted(list_currencies())
# Gladly's App Platform bridge: `regexFind "[0-9]+(?:\\.[0-9]+)?|\\.[0-9]+" .orderTotal`
GLADLY_BRIDGE_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
# Four places, as BigCommerce's v2 strings carry them; up to a billion.
AMOUNTS = st.decimals(min_value=0, max_value=Decimal("999999999.9999"), places=4)


def _machine_reads(text: str) -> Decimal:
    found = GLADLY_BRIDGE_AMOUNT.search(text)
    assert found is not None, text
    return Decimal(found.group())


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2400.0000", "USD", "$2400.00"),
        ("31650.0000", "JPY", "¥31650"),
        ("2400", "INR", "₹2400.00"),
        ("2400", "PKR", "PKR2400.00"),
        ("1234.5", "CAD", "CA$1234.50"),
        ("12.3", "eur", "€12.30"),
        ("12.5", "KWD", "KWD12.500"),  # three decimals
        ("10.1250", "USD", "$10.13"),  # half-up, where babel alone would round half-even
        ("1234.5", "JPY", "¥1235"),
        ("-5", "USD", "-$5.00"),
        ("-0.001", "USD", "$0.00"),  # rounds to zero: no sign
        ("1E+3", "GBP", "£1000.00"),  # never an exponent
        ("1234567.125", "XCG", "XCG1234567.13"),  # its symbol "Cg." would read as the decimal point
        ("10", "XOF", "XOF10"),  # its symbol "F\u202fCFA" holds a space
        ("5", "ZZZ", "ZZZ5.00"),  # a code babel does not know: the code, two decimals
    ],
)
def test_money_as_data_in_its_own_currency(amount: str, currency: str, expected: str) -> None:
    assert money_as_data(Decimal(amount), currency) == expected


@given(amount=AMOUNTS, currency=st.sampled_from(CURRENCIES))
def test_every_currency_reads_back_exactly_with_its_own_decimals_and_no_grouping(
    amount: Decimal, currency: str
) -> None:
    text = money_as_data(amount, currency)
    places = get_currency_precision(currency)
    # ASCII digits at the end, `.` only before exactly the currency's decimals, no separators
    number = re.search(r"[0-9]+(\.[0-9]+)?$", text)
    assert number is not None, text
    assert (len(number.group(1)) - 1 if number.group(1) else 0) == places, text
    assert "," not in text and not re.search(r"\s", text), text
    assert all(character.isascii() for character in text if character.isdigit()), text
    # ... and the machine that reads Gladly's order totals reads the amount rounded to those decimals
    assert _machine_reads(text) == amount.quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")


@given(amount=AMOUNTS.filter(lambda value: value >= 1000))
def test_a_thousand_or_more_is_never_read_as_its_first_group(amount: Decimal) -> None:
    # The case: "$2,400.00" read as 2 by Gladly's bridge
    for currency in ("USD", "JPY", "INR", "PKR", "EUR", "GBP"):
        assert _machine_reads(money_as_data(amount, currency)) >= 1000


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2400", "USD", "$2,400.00"),
        ("50", "USD", "$50.00"),
        ("12.3", "EUR", "€12.30"),
        ("12.3000", "eur", "€12.30"),
        ("1234.5", "GBP", "£1,234.50"),
        ("1234.5", "CAD", "CA$1,234.50"),
        ("10.1250", "USD", "$10.13"),  # half-up, where babel alone would round half-even to $10.12
        ("10.1150", "USD", "$10.12"),
        ("31650", "JPY", "¥31,650"),  # no minor unit
        ("1234.5", "JPY", "¥1,235"),
        ("-5", "USD", "-$5.00"),
    ],
)
def test_text_for_people_keeps_its_grouping(amount: str, currency: str, expected: str) -> None:
    # Action forms and their answers are read by agents only
    assert format_money(Decimal(amount), currency) == expected
