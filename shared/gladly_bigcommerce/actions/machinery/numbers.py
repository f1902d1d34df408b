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
from decimal import Decimal

from babel.numbers import get_currency_precision

# An explicit [0-9] class matches the ten ASCII digits only (``\d`` matches every script's digits).
_PLAIN_NUMBER = re.compile(r"(?P<whole>[0-9]+)(?:\.(?P<fraction>[0-9]+))?")


def currency_digits(currency_code: str) -> int:
    """How many minor digits the currency has (2 for USD and EUR, 0 for JPY, 3 for KWD)."""
    return int(get_currency_precision(currency_code.upper()))


def amount_example(currency_code: str) -> str:
    """A sample amount spelled the way the amount fields want it, for hints and errors."""
    digits = currency_digits(currency_code)
    return "12" if digits == 0 else "12." + "5".ljust(digits, "0")


def plain_number(text: str, *, whole_digits: int, decimals: int) -> Decimal | None:
    """``text`` as a number when it is ASCII digits (at most ``whole_digits`` of them), then at most one
    ``.`` followed by 1 to ``decimals`` ASCII digits; None for anything else."""
    match = _PLAIN_NUMBER.fullmatch(text)
    if match is None or len(match["whole"]) > whole_digits:
        return None
    if len(match["fraction"] or "") > decimals:
        return None
    return Decimal(text)
