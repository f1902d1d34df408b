"""Money shown to agents: a Decimal amount formatted in its own currency (babel)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache

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
    exponent = Decimal(1).scaleb(-get_currency_precision(code))
    rounded = amount.quantize(exponent, rounding=ROUND_HALF_UP)
    return format_currency(rounded, code, locale=_locale(locale))
