"""Phone numbers: E.164 normalisation and the spellings a store may have stored.

BigCommerce keeps a customer's phone as free text and `phone:in` matches it exactly, so a number is
found only when we ask for the spelling the store used. We therefore ask for every likely spelling
of a number in one call, then keep only the customers whose stored phone is the same number once
normalised to E.164 (Gladly's own format for phones).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, PhoneNumberType

GladlyPhoneType = Literal["MOBILE", "HOME"]

# Gladly auto-links by phone only on MOBILE numbers, so a number that may be mobile counts as one.
_MOBILE_TYPES = frozenset(
    {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.UNKNOWN}
)
_GROUP_SEPARATORS = (" ", "-", ".")
_NON_DIGITS = re.compile(r"\D")


def parse(raw: str, default_region: str) -> PhoneNumber | None:
    """The number `raw` spells, or None when it is not a possible phone number.

    Possible, not valid: stores (and test data) hold numbers from reserved ranges such as UK
    07700 900xxx that phonenumbers rightly calls invalid but that are still somebody's key.
    """
    text = raw.strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, default_region)
    except NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


# Parsing is the costly part of mapping a profile (the same few numbers recur on every address):
# the pure string-to-string functions below remember their answers.
_CACHE_SIZE = 4096


@lru_cache(maxsize=_CACHE_SIZE)
def to_e164(raw: str, default_region: str) -> str | None:
    """`raw` in E.164 (`+14155550100`), or None when it is not a phone number."""
    number = parse(raw, default_region)
    return None if number is None else phonenumbers.format_number(number, PhoneNumberFormat.E164)


def same_number(a: str, b: str, default_region: str) -> bool:
    """True when both strings spell the same phone number (compared in E.164)."""
    e164_a = to_e164(a, default_region)
    return e164_a is not None and e164_a == to_e164(b, default_region)


@lru_cache(maxsize=_CACHE_SIZE)
def phone_type(raw: str, default_region: str) -> GladlyPhoneType | None:
    """Gladly's phone type: MOBILE when mobile or possibly mobile, HOME for a fixed line, else None.

    None means "other" in Gladly (the key is left out): toll-free, VoIP, pager and similar numbers.
    """
    number = parse(raw, default_region)
    if number is None:
        return None
    kind = phonenumbers.number_type(number)
    if kind in _MOBILE_TYPES:
        return "MOBILE"
    if kind == PhoneNumberType.FIXED_LINE:
        return "HOME"
    return None


def search_spellings(raw: str, default_region: str) -> list[str]:
    """The spellings a store may have stored for the number `raw`, most likely first, no duplicates.

    Covers E.164, international and national formats, digit groups separated by space, dash or dot
    or nothing, with and without the country code or trunk prefix, and a parenthesised area code.
    Only spellings that normalise back to the same number are kept: the search confirms every match
    by E.164, so asking for any other spelling would be a wasted value in the query. Empty when
    `raw` is not a phone number (nothing could match it).
    """
    number = parse(raw, default_region)
    if number is None:
        return []
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    country = str(number.country_code)
    significant = phonenumbers.national_significant_number(number)
    # Digit groups of the national number as the international format splits them ("415 555 0100").
    groups = [g for g in re.split(r"[^\d]+", international.removeprefix(f"+{country}")) if g]
    # Trunk prefix the national format writes ("0" in "07700 900123"; none for NANP numbers).
    national_digits = _NON_DIGITS.sub("", national)
    trunk = national_digits[: -len(significant)] if national_digits.endswith(significant) else ""
    trunk_groups = [trunk + groups[0], *groups[1:]] if trunk else []
    first, rest = groups[0], groups[1:]

    spellings = [raw.strip(), e164, international, national]
    for sep in _GROUP_SEPARATORS:
        spellings.append(f"+{country}{sep}{sep.join(groups)}")
        spellings.append(f"{country}{sep}{sep.join(groups)}")
        spellings.append(sep.join(groups))
        if trunk_groups:
            spellings.append(sep.join(trunk_groups))
    spellings += [significant, country + significant, trunk + significant, f"00{country}{significant}"]
    if rest:
        for sep in _GROUP_SEPARATORS[:2]:
            spellings.append(f"+{country} ({first}) {sep.join(rest)}")
            spellings.append(f"({first}) {sep.join(rest)}")
        spellings.append(f"({first}){'-'.join(rest)}")
    if trunk:
        spellings.append(f"+{country} ({trunk}){' '.join(groups)}")
        spellings.append(f"+{country} ({trunk}) {' '.join(groups)}")
    return [s for s in dict.fromkeys(spellings) if s and to_e164(s, default_region) == e164]


def likely_spellings(raw: str, default_region: str, limit: int) -> list[str]:
    """The `limit` spellings of `raw` a store most likely holds, for searches that ask one at a time.

    The spelling given (an agent often pastes it from the store), E.164, the national format, bare
    digits (with and without a trunk prefix), the international format, digit groups with spaces or
    dashes; then the rest of `search_spellings`, whose spellings these all are.
    """
    every = search_spellings(raw, default_region)
    number = parse(raw, default_region)
    if number is None:
        return []
    country = str(number.country_code)
    significant = phonenumbers.national_significant_number(number)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    groups = [g for g in re.split(r"[^\d]+", international.removeprefix(f"+{country}")) if g]
    preferred = [
        raw.strip(),
        phonenumbers.format_number(number, PhoneNumberFormat.E164),
        national,
        significant,
        _NON_DIGITS.sub("", national),
        international,
        f"+{country} {' '.join(groups)}",
        "-".join(groups),
        " ".join(groups),
    ]
    kept = set(every)
    return [s for s in dict.fromkeys([*preferred, *every]) if s in kept][:limit]
