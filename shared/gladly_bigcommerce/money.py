"""Money shown to agents: a Decimal amount formatted in its own currency (babel)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.numbers import format_currency, get_currency_precision

DEFAULT_LOCALE = "en_US"


@cache
def _locale(identifier: str) -> Locale:
    """Parsed once: babel would otherwise parse the locale name on every amount."""
    return Locale.parse(identifier)


def format_money(amount: Decimal, currency_code: str, locale: str = DEFAULT_LOCALE) -> str:
    """`amount` as an agent reads it, e.g. `$50.00`, `€12.30`, `CA$1,234.50`, `¥1,234`.

    BigCommerce sends four decimal places; the amount is rounded half-up to the currency's own
    precision first because babel would round half-even (10.125 USD would show as $10.12).
    """
    code = currency_code.upper()
    # Keyed by the text: equal Decimals such as 0.00 and -0.00 must not share one formatting.
    return _formatted(str(amount.quantize(_exponent(code), rounding=ROUND_HALF_UP)), code, locale)


@cache
def _exponent(code: str) -> Decimal:
    return Decimal(1).scaleb(-get_currency_precision(code))


@lru_cache(maxsize=4096)
def _formatted(rounded: str, code: str, locale: str) -> str:
    """babel spends a fifth of a millisecond on each amount (a DETAILED profile shows dozens: prices,
    totals, refunds); the same amounts come back with every lookup of a shopper."""
    return format_currency(Decimal(rounded), code, locale=_locale(locale))
