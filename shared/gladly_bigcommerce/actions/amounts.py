"""Money and quantities typed by agents into action forms, parsed strictly.

An agent's amount is read as plain digits with at most the currency's minor digits (``12.50`` for
USD, ``1250`` for JPY): no thousands separators, no currency signs, no commas as decimal points.
``12,5`` could mean twelve and a half or one hundred and twenty-five depending on who typed it, and
money is not the place to guess.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from babel.numbers import get_currency_precision

from gladly_bigcommerce.gladly.errors import BadRequest

_QUANTITY = re.compile(r"\d{1,6}")
_PERCENTAGE = re.compile(r"\d{1,3}(\.\d{1,2})?")


def currency_digits(currency_code: str) -> int:
    """How many minor digits the currency has (2 for USD and EUR, 0 for JPY, 3 for KWD)."""
    return int(get_currency_precision(currency_code.upper()))


def amount_example(currency_code: str) -> str:
    """A sample amount spelled the way ``parse_amount`` wants it, for hints and errors."""
    digits = currency_digits(currency_code)
    return "12" if digits == 0 else "12." + "5".ljust(digits, "0")


def parse_amount(value: Any, *, currency_code: str, attr: str) -> Decimal | None:
    """The amount in a form field; None when the field is empty.

    Raises ``BadRequest`` on ``attr`` for anything but a positive amount with at most the currency's
    minor digits.
    """
    digits = currency_digits(currency_code)
    text = _field_text(value)
    if text == "":
        return None
    fraction = rf"(\.\d{{1,{digits}}})?" if digits else ""
    if text is None or not re.fullmatch(rf"\d{{1,12}}{fraction}", text):
        decimals = f"up to {digits} decimals after a point" if digits else "no decimals"
        raise BadRequest.of(
            "invalid_amount",
            f"Type an amount in {currency_code.upper()} like {amount_example(currency_code)}: digits, "
            f"{decimals}, no currency sign or thousands separator.",
            attr=attr,
        )
    amount = Decimal(text)
    if amount <= 0:
        raise BadRequest.of("invalid_amount", "The amount must be more than zero.", attr=attr)
    return amount


def parse_quantity(value: Any, *, attr: str) -> int:
    """A whole number of items from a form field; empty means 0. ``BadRequest`` on ``attr`` otherwise."""
    text = _field_text(value)
    if text == "":
        return 0
    if text is None or not _QUANTITY.fullmatch(text):
        raise BadRequest.of("invalid_quantity", "Type a whole number of items, like 1.", attr=attr)
    return int(text)


def parse_percentage(value: Any, *, attr: str) -> Decimal | None:
    """A percentage from a form field, ``10`` or ``12.5`` (no ``%`` sign); None when the field is empty.

    Raises ``BadRequest`` on ``attr`` for anything but a positive number with at most 2 decimals.
    """
    text = _field_text(value)
    if text == "":
        return None
    if text is None or not _PERCENTAGE.fullmatch(text) or Decimal(text) <= 0:
        raise BadRequest.of(
            "invalid_percentage",
            "Type a percentage above zero like 10 or 12.5, without the % sign.",
            attr=attr,
        )
    return Decimal(text)


def parse_count(value: Any, *, attr: str, unit: str) -> int | None:
    """A whole number of ``unit`` (days, uses) from a form field; None when the field is empty."""
    text = _field_text(value)
    if text == "":
        return None
    if text is None or not _QUANTITY.fullmatch(text):
        raise BadRequest.of("invalid_number", f"Type a whole number of {unit}, like 1.", attr=attr)
    return int(text)


def _field_text(value: Any) -> str | None:
    """A form value as trimmed text (``""`` when absent); None for a value no text field produces."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None
