"""The one spelling of a number in an action form: ASCII digits, at most one ``.``, nothing else.

An agent's amount is read as plain digits with at most the currency's minor digits (``12.50`` for
USD, ``1250`` for JPY): no thousands separators, no currency signs, no commas as decimal points, no
spaces (not even a trailing no-break space), no sign, no exponent, and no digits of other scripts
(Arabic-Indic ``\\u0661\\u0662``, fullwidth ``\\uff11\\uff12``, mathematical bold ``\\U0001d7d0``
are digits to Python's ``str.isdigit`` and ``\\d``, and ``Decimal`` reads them; they are refused
here). ``12,5`` could mean twelve and a half or one hundred and twenty-five depending on who typed
it, and money is not the place to guess.

The readers of ``fields.py`` apply this grammar to every number field of every form.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal

from babel.numbers import get_currency_precision

# An explicit [0-9] class matches the ten ASCII digits only (``\d`` matches every script's digits).
_PLAIN_NUMBER = re.compile(r"(?P<whole>[0-9]+)(?:\.(?P<fraction>[0-9]+))?")


def currency_digits(currency_code: str) -> int:
    """How many minor digits the currency has (2 for USD and EUR, 0 for JPY, 3 for KWD)."""
    return int(get_currency_precision(currency_code.upper()))


def amount_example(currency_code: str, at_most: Decimal | None = None) -> str | None:
    """A sample amount spelled the way the amount fields want it, for placeholders and errors:
    ``12.50`` (``12`` in JPY, ``12.500`` in KWD), or less when the field takes at most ``at_most``."""
    return number_example(currency_digits(currency_code), at_most)


def number_example(decimals: int, at_most: Decimal | None = None) -> str | None:
    """``12.5`` written with ``decimals`` decimals, or ``at_most`` when that is less (cut to the
    decimals): a value the field takes, never above its own limit (a placeholder of 12.50 beside
    "Shipping: up to $9.95" invites an agent to type an amount that is refused). None when no value
    above zero with those decimals is at most ``at_most``."""
    example = _EXAMPLE if at_most is None else min(_EXAMPLE, at_most)
    example = example.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN)
    return f"{example:.{decimals}f}" if example > 0 else None


_EXAMPLE = Decimal("12.5")


def plain_number(text: str, *, whole_digits: int, decimals: int) -> Decimal | None:
    """``text`` as a number when it is ASCII digits (at most ``whole_digits`` of them), then at most one
    ``.`` followed by 1 to ``decimals`` ASCII digits; None for anything else."""
    match = _PLAIN_NUMBER.fullmatch(text)
    if match is None or len(match["whole"]) > whole_digits:
        return None
    if len(match["fraction"] or "") > decimals:
        return None
    return Decimal(text)
