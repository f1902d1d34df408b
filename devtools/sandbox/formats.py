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
    """JSON text for dicts, lists, str, int, bool, None and Decimal (as a number literal).

    A float is refused: money must never pass through binary floating point on its way out.
    """
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Decimal):
        return _decimal_literal(value)
    if isinstance(value, int | str):
        return json.dumps(value)
    if isinstance(value, Mapping):
        members = (f"{json.dumps(str(key))}: {dumps(item)}" for key, item in value.items())
        return "{" + ", ".join(members) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(dumps(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as sandbox JSON")


def _decimal_literal(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError("JSON has no literal for NaN or infinity")
    return format(value, "f")


def loads(text: bytes | str) -> Any:
    """Parse JSON with every non-integer number as Decimal."""
    return json.loads(text, parse_float=Decimal)
