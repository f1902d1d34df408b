"""Wire formats: v2 money strings, dates, and JSON that never turns money into float."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from devtools.sandbox.formats import date_v2, date_v3, dumps, loads, money_v2, money_v3, rate_v2


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("12.5", "12.5000"),
        ("0", "0.0000"),
        ("1.00005", "1.0001"),
        ("244.125", "244.1250"),
        ("-3.2", "-3.2000"),
    ],
)
def test_v2_money_has_four_places(amount: str, text: str) -> None:
    assert money_v2(Decimal(amount)) == text


def test_v3_money_rounds_half_up_to_cents_and_rates_have_ten_places() -> None:
    assert money_v3(Decimal("244.125")) == Decimal("244.13")
    assert rate_v2(Decimal("0.92")) == "0.9200000000"


def test_v2_dates_are_rfc_2822_in_utc_and_missing_dates_are_empty() -> None:
    pacific = timezone(timedelta(hours=-8))
    assert date_v2(datetime(2012, 11, 19, 16, 0, tzinfo=pacific)) == "Tue, 20 Nov 2012 00:00:00 +0000"
    assert date_v2(None) == ""
    assert date_v3(datetime(2019, 1, 20, 22, 0, tzinfo=UTC)) == "2019-01-20T22:00:00+00:00"


def test_json_writes_decimal_as_a_number_literal_and_reads_it_back_exactly() -> None:
    text = dumps({"amount": Decimal("0.10"), "items": [1, "a", None, True], "nested": {"x": Decimal("1E+2")}})
    assert text == '{"amount": 0.10, "items": [1, "a", null, true], "nested": {"x": 1E+2}}'
    assert json.loads(text) == {"amount": 0.1, "items": [1, "a", None, True], "nested": {"x": 100}}
    assert loads(text)["amount"] == Decimal("0.10")


@pytest.mark.parametrize("value", [0.1, [{"deep": [1.5]}], Decimal("NaN"), Decimal("-Infinity"), object()])
def test_json_refuses_float_and_what_json_cannot_say(value: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        dumps({"value": value})
