"""Wire formats of the BigCommerce APIs: v2 money strings, v2 and v3 dates, and JSON with Decimal.

BigCommerce v2 writes money as decimal strings with four places (`"12.5000"`) and dates as RFC 2822
(`"Tue, 20 Nov 2012 00:00:00 +0000"`); v3 writes money as JSON numbers and dates as ISO 8601. The
sandbox keeps every amount as `Decimal`, so JSON is written by `dumps` below, which prints a Decimal
as a number literal instead of going through float, and read with `loads`, which never makes a float.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from email.utils import format_datetime
from typing import Any

import simplejson

CENT = Decimal("0.01")
V2_PLACES = Decimal("0.0001")
EXCHANGE_RATE_PLACES = Decimal("0.0000000001")


def money_v2(amount: Decimal) -> str:
    """A v2 money string with four places: Decimal("12.5") -> "12.5000"."""
    return str(amount.quantize(V2_PLACES, rounding=ROUND_HALF_UP))


def rate_v2(rate: Decimal) -> str:
    """A v2 exchange rate with ten places, as BigCommerce writes `currency_exchange_rate`."""
    return str(rate.quantize(EXCHANGE_RATE_PLACES, rounding=ROUND_HALF_UP))


def money_v3(amount: Decimal) -> Decimal:
    """A v3 amount rounded to cents; `dumps` writes it as a JSON number (12.50)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def cents(amount: Decimal) -> Decimal:
    """Round to cents, half up, the way payment providers settle amounts."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def date_v2(moment: datetime | None) -> str:
    """RFC 2822 in UTC (`Tue, 20 Nov 2012 00:00:00 +0000`); "" for a missing date (`date_shipped`)."""
    if moment is None:
        return ""
    return format_datetime(moment.astimezone(UTC))


def date_v3(moment: datetime) -> str:
    """ISO 8601 in UTC with seconds (`2019-01-20T22:00:00+00:00`)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def utc_now() -> datetime:
    """Now, timezone-aware, to the second (BigCommerce stores seconds)."""
    return datetime.now(UTC).replace(microsecond=0)


def dumps(value: Any) -> str:
    """JSON text for dicts, lists, str, int, bool, None and Decimal (as a number literal: simplejson's
    `use_decimal`, its C encoder; a hand-written writer took most of the sandbox's time per answer).

    A float is refused: money must never pass through binary floating point on its way out.
    """
    _refuse_floats(value)
    return str(simplejson.dumps(value, use_decimal=True, allow_nan=False))


_SCALARS = frozenset({str, int, bool, Decimal, type(None)})


def _refuse_floats(value: Any) -> None:
    kind = type(value)  # exact types first: an answer has tens of thousands of values
    if kind in _SCALARS:
        return
    if isinstance(value, dict):
        for item in value.values():
            _refuse_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_floats(item)
    elif isinstance(value, float):
        raise TypeError("sandbox JSON has no float: write money as Decimal")
    elif isinstance(value, Mapping):
        raise TypeError(f"cannot write {kind.__name__} as sandbox JSON: make it a dict")


def loads(text: bytes | str) -> Any:
    """Parse JSON with every non-integer number as Decimal."""
    return json.loads(text, parse_float=Decimal)
