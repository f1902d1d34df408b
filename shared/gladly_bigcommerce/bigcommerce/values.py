"""BigCommerce's values as the models read and send them: exact money, aware dates, text, counts.

Reading: money becomes an exact `Decimal` whether it arrives as a v2 four-place string (`"12.5000"`)
or a v3 number (the client decodes JSON numbers straight to `Decimal`); a number that is not finite
is refused; v2 RFC 2822 and v3 ISO 8601 dates become timezone-aware datetimes (a date sent as a
number is refused); v2's empty strings for "not yet" (`date_shipped: ""`) become `None`; `null` reads
as a text's, a count's or a flag's "none" (`""`, 0, False); a whole number where text is expected
reads as its digits; `true`/`false` are no count.

Sending: `Decimal` fields are sent as exact JSON numbers by `encode_json`; `MoneyString` fields as
strings. Neither ever passes through `float`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, PlainSerializer


def money_value(value: Any) -> Any:
    """Exact money from a decimal string, an int or a Decimal; `""` means absent; floats, and numbers
    that are not finite (`NaN`, `Infinity`), are refused."""
    if value is None:
        return value
    if isinstance(value, str):  # v2's spelling, the common case: checked first
        text = value.strip()
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError("money must be a decimal number") from None
    elif isinstance(value, bool | float):
        raise ValueError("money must be a decimal string or an exact number, not a float or bool")
    elif isinstance(value, int):
        return Decimal(value)
    elif not isinstance(value, Decimal):
        raise ValueError("money must be a decimal string or number")
    if not value.is_finite():
        raise ValueError("money must be finite")
    return value


def _timestamp(value: Any) -> Any:
    """A tz-aware datetime from ISO 8601 (v3) or RFC 2822 (v2); `""` means absent; naive means UTC.

    A number is refused: BigCommerce writes dates as text, and reading 5 as 1970-01-01T00:00:05Z
    would show an agent a date nobody sent."""
    if isinstance(value, int | float | Decimal):
        raise ValueError("a date is text, not a number")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            try:
                value = parsedate_to_datetime(text)
            except (TypeError, ValueError):
                raise ValueError("not an ISO 8601 or RFC 2822 date") from None
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _decimal_string(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError("money must be finite")
    return format(value, "f")


def default_if_null(default: Any) -> BeforeValidator:
    """`null` reads as the field's default (BigCommerce sends `null` for "none" in many places)."""
    return BeforeValidator(lambda value: default if value is None else value)


def _text(value: Any) -> Any:
    """`null` reads as `""`; a whole number where text is expected reads as its digits (a public
    client's sample order has its billing `zip` and `phone` as JSON numbers: `lenient`). A number
    with a fraction or an exponent is not read: `78108.0` as a zip says nothing certain."""
    if type(value) is str:  # the common case: checked first
        return value
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent == 0:
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_text)]


def _count(value: Any) -> Any:
    """`null` reads as 0; `true`/`false` are no count (pydantic alone would read them as 1 and 0)."""
    if type(value) is int:  # the common case: checked first
        return value
    if isinstance(value, bool):
        raise ValueError("a count is a number, not true or false")
    return 0 if value is None else value


Count = Annotated[int, BeforeValidator(_count)]
Flag = Annotated[bool, default_if_null(False)]
Money = Annotated[Decimal, BeforeValidator(money_value)]
OptionalMoney = Annotated[Decimal | None, BeforeValidator(money_value)]
Timestamp = Annotated[datetime, BeforeValidator(_timestamp)]
OptionalTimestamp = Annotated[datetime | None, BeforeValidator(_timestamp)]

# Request-only spellings.
MoneyString = Annotated[
    Decimal, BeforeValidator(money_value), PlainSerializer(_decimal_string, return_type=str)
]
Rfc2822Datetime = Annotated[AwareDatetime, PlainSerializer(format_datetime, return_type=str)]
IsoDatetime = Annotated[AwareDatetime, PlainSerializer(lambda value: value.isoformat(), return_type=str)]


def format_rfc2822(value: datetime) -> str:
    """A tz-aware datetime in v2's spelling, e.g. `Tue, 20 Nov 2012 00:00:00 +0000`."""
    return format_datetime(value)


def encode_json(value: Any) -> str:
    """JSON with every `Decimal` written as its exact decimal literal (a JSON number), never via float."""
    if isinstance(value, Decimal):
        return _decimal_string(value)
    if isinstance(value, BaseModel):
        return encode_json(value.model_dump(mode="python", exclude_none=True))
    if isinstance(value, Mapping):
        members = (f"{json.dumps(str(key))}:{encode_json(item)}" for key, item in value.items())
        return "{" + ",".join(members) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(encode_json(item) for item in value) + "]"
    if isinstance(value, datetime):
        return json.dumps(value.isoformat())
    if isinstance(value, float):
        raise TypeError("floats are not sent to BigCommerce; use Decimal")
    return json.dumps(value)
