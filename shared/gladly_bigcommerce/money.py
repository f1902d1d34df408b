"""Money as text, in two spellings: one machines can read, one for people.

* `money_as_data` (`$2400.00`, `¥31650`, `₹2400.00`, `CA$1234.50`): every amount Gladly receives
  as data (a transaction's `orderTotal`, a product's `unitPrice`, the `lifetimeValue` and
  `storeCredit` custom attributes, amounts inside a product's name). Machines read these: Gladly's
  own App Platform bridge for lookup adaptors takes an order total with the pattern
  `[0-9]+(?:\\.[0-9]+)?`, so `$2,400.00` would read as 2 (reference/gladly/lookup-protocol.md).
  The currency's symbol, then ASCII digits, no grouping, `.` and the currency's own decimals.
* `format_money` (`$2,400.00`): text only people read, the action forms' labels, hints, options and
  answers, grouped as `en_US` writes it.

Both round half-up to the currency's own precision (babel knows it: 0 for JPY, 3 for KWD), because
BigCommerce sends four places and babel alone would round half-even (10.125 USD as $10.12).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.numbers import format_currency, get_currency_precision, get_currency_symbol

DEFAULT_LOCALE = "en_US"

# A symbol that a machine could take for part of the number (digits, `.`, `,`, a sign, spaces:
# CLDR's `Cg.` for XCG, `F CFA` for XOF) is replaced by the currency's ISO code.
_UNSAFE_SYMBOL = re.compile(r"[\d.,+\-\s\u00a0\u202f]")


def money_as_data(amount: Decimal, currency_code: str) -> str:
    """`amount` as Gladly receives money as data: `$2400.00`, `¥31650`, `-€5.00`, `KWD12.500`.

    The sign comes first, then the currency's symbol as `en_US` writes it (its ISO code when the
    symbol holds characters a machine could read as part of the number), then the amount in ASCII
    digits, without grouping, with `.` and exactly the currency's own number of decimals.
    """
    code = currency_code.strip().upper()
    rounded = amount.quantize(_exponent(code), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    return f"{sign}{_data_symbol(code)}{format(abs(rounded), 'f')}"


def format_money(amount: Decimal, currency_code: str, locale: str = DEFAULT_LOCALE) -> str:
    """`amount` as people read it in text only people read (action forms and their answers), e.g.
    `$50.00`, `€12.30`, `CA$1,234.50`, `¥1,234`. Data Gladly receives uses `money_as_data`."""
    code = currency_code.upper()
    # Keyed by the text: equal Decimals such as 0.00 and -0.00 must not share one formatting.
    return _formatted(str(amount.quantize(_exponent(code), rounding=ROUND_HALF_UP)), code, locale)


@cache
def _exponent(code: str) -> Decimal:
    return Decimal(1).scaleb(-get_currency_precision(code))


@cache
def _data_symbol(code: str) -> str:
    symbol = get_currency_symbol(code, locale=_locale(DEFAULT_LOCALE))
    return code if not symbol or _UNSAFE_SYMBOL.search(symbol) else symbol


@cache
def _locale(identifier: str) -> Locale:
    """Parsed once: babel would otherwise parse the locale name on every amount."""
    return Locale.parse(identifier)


@lru_cache(maxsize=4096)
def _formatted(rounded: str, code: str, locale: str) -> str:
    """babel spends a fifth of a millisecond on each amount; the same amounts come back with every
    form of an order."""
    return format_currency(Decimal(rounded), code, locale=_locale(locale))
