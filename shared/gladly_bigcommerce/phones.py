"""Phone numbers: read in the country they belong to, in E.164, and the spellings a store may hold.

BigCommerce keeps every phone as free text: the customer's `phone` and each address's `phone` are
strings of at most 50 characters with no format (customers.v3 and orders.v2 OpenAPI files), so a
store holds `8987656787`, `07439250893`, `+44 20 7946 0958` and `(415) 555-0100` side by side. What
country such a number is in follows from the record it sits on, never from one region per
deployment (`shopper_phones` decides which countries a record names):

* `read` is for what a store holds. A number written with `+` (or an unambiguous `00` international
  prefix) names its own country. Otherwise it is read in the countries its record names and kept
  only when it is a valid number there (one reading, or several that agree): a number that fits no
  plausible country is None, never given a wrong one (`8987656787` read as a US number would be
  `+1 898...`, which no US number is).
* `to_e164` is for what is searched by (Gladly's E.164 profile phones, an agent's typed number):
  lenient, any possible number, since every match is confirmed against the stored record anyway.
* `search_spellings` / `likely_spellings` are the spellings a store may hold for a number, written
  as people of the number's own country write it (national with and without the trunk prefix,
  international, with their separators), because `phone:in` matches the stored text exactly.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, PhoneNumberType

GladlyPhoneType = Literal["MOBILE", "HOME", "OFFICE"]

# Gladly auto-links by phone only on MOBILE numbers. A NANP number (US, Canada...) cannot be told
# apart from a fixed line (FIXED_LINE_OR_MOBILE) and may be mobile; a number of UNKNOWN type (a
# possible but not valid number) is not known to be anything, so it is "other" (no type).
_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
_NON_DIGITS = re.compile(r"\D")
# A leading `+` (ASCII or full-width), possibly after an opening bracket: the number names its country.
_EXPLICIT = re.compile(r"^[\s(\[]*[+\uff0b]")
# How many spellings of one number a search asks for at most (one `phone:in` query carries them all).
MAX_SPELLINGS = 40
# Parsing is the costly part of mapping a profile (the same few numbers recur on every address):
# the pure string-to-string functions below remember their answers.
_CACHE_SIZE = 4096


def is_explicit(raw: str) -> bool:
    """Whether `raw` is written with its country code (`+44 ...`): then nothing else decides its country."""
    return bool(_EXPLICIT.match(raw))


def parse(raw: str, region: str | None) -> PhoneNumber | None:
    """The number `raw` spells, read in `region` unless it carries `+`; None when it is not a possible
    phone number.

    Possible, not valid: stores (and test data) hold numbers from reserved ranges such as UK
    07700 900xxx that phonenumbers rightly calls invalid but that are still somebody's key.
    """
    text = raw.strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, None if is_explicit(text) else region)
    except NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def e164(number: PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


@lru_cache(maxsize=_CACHE_SIZE)
def to_e164(raw: str, region: str) -> str | None:
    """`raw` in E.164 (`+14155550100`), read leniently in `region`, or None when it is not a phone
    number. For what is searched by; a stored phone is read with `read`."""
    number = parse(raw, region)
    return None if number is None else e164(number)


def own_region(number: PhoneNumber) -> str:
    """The region whose national spellings the number has (`GB` for +44, `CA` for a Canadian +1)."""
    return phonenumbers.region_code_for_number(number) or phonenumbers.region_code_for_country_code(
        number.country_code or 0
    )


@lru_cache(maxsize=_CACHE_SIZE)
def read(raw: str, countries: tuple[str, ...]) -> str | None:
    """The number a stored phone is, in E.164, read in the `countries` its record names; None when
    it fits none of them (or they disagree), so that it is never given a wrong country.

    `+44 ...` names its own country (a possible number is enough: the store says so); so does `00`
    followed by a valid number with its country code. A national spelling must be a valid number of
    one of `countries`; a valid reading in each of two countries that are different numbers is
    ambiguous, and None.
    """
    text = raw.strip()
    if not text:
        return None
    if is_explicit(text):
        number = parse(text, None)
        return None if number is None else e164(number)
    readings = {reading} if (reading := _after_international_prefix(text)) else set()
    for country in countries:
        number = _valid(text, country)
        if number is not None:
            readings.add(e164(number))
    return readings.pop() if len(readings) == 1 else None


def _valid(text: str, region: str | None) -> PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _after_international_prefix(text: str) -> str | None:
    """`0044 20 7946 0958` as +44 20 7946 0958: `00` is the international prefix of most of the world
    (the reading in a country that dials out with `00` gives the same); kept only when what follows
    is a valid number with its country code."""
    digits = _NON_DIGITS.sub("", text)
    if not text.lstrip("( ").startswith("00") or digits.startswith("000"):
        return None
    number = _valid("+" + digits[2:], None)
    return None if number is None else e164(number)


@lru_cache(maxsize=_CACHE_SIZE)
def phone_type(number: str, *, commercial: bool = False) -> GladlyPhoneType | None:
    """Gladly's type of an E.164 number: MOBILE when mobile or possibly mobile, HOME for a fixed line
    (OFFICE on a commercial address), else None ("other" in Gladly: toll-free, VoIP, pager, and
    numbers of no known type)."""
    parsed = parse(number, None)
    if parsed is None:
        return None
    kind = phonenumbers.number_type(parsed)
    if kind in _MOBILE_TYPES:
        return "MOBILE"
    if kind == PhoneNumberType.FIXED_LINE:
        return "OFFICE" if commercial else "HOME"
    return None


# --- the spellings a store may hold --------------------------------------------------------------


def _groups(text: str) -> list[str]:
    return [group for group in re.split(r"\D+", text) if group]


def _spellings(number: PhoneNumber, raw: str) -> list[str]:
    """Every spelling of `number` worth asking for, likeliest first (duplicates and spellings that
    are another number are removed by the caller)."""
    cc = str(number.country_code)
    international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    significant = phonenumbers.national_significant_number(number)
    # Digit groups as the country writes the number at home (`020 7946 0958`, `090-1234-5678`) and
    # as it writes it for the world, without the country code (`20 7946 0958`).
    home, world = _groups(national), _groups(international.removeprefix(f"+{cc}"))
    home_digits = "".join(home)
    trunk = home_digits[: -len(significant)] if home_digits.endswith(significant) else ""
    first, rest = home[0], home[1:]
    spellings = [
        raw.strip(),
        e164(number),
        national,
        significant,
        home_digits,
        international,
        f"+{cc} {' '.join(world)}",
        "-".join(home),
        " ".join(home),
        f"+{cc} {significant}",
        cc + significant,
        f"+{cc}-{significant}",
        f"00{cc}{significant}",
    ]
    for sep in (" ", "-", "."):
        spellings += [f"+{cc}{sep}{sep.join(world)}", f"{cc}{sep}{sep.join(world)}", sep.join(world)]
        spellings.append(sep.join(home))
    if rest:
        tail = "".join(rest)
        spellings += [
            f"({first}) {' '.join(rest)}",
            f"({first}) {'-'.join(rest)}",
            f"({first}){'-'.join(rest)}",
            f"{first}/{tail}",  # German-speaking countries: 030/123456
            f"{first} / {' '.join(rest)}",
            f"{first}-{tail}",
            f"+{cc} ({world[0]}) {' '.join(world[1:])}",
            f"+{cc} ({world[0]}) {'-'.join(world[1:])}",
        ]
    if trunk:
        spellings += [
            f"+{cc} ({trunk}){' '.join(world)}",  # +44 (0)20 7946 0958
            f"+{cc} ({trunk}) {' '.join(world)}",
            f"+{cc}({trunk}){significant}",
            f"00{cc} {' '.join(world)}",
        ]
    return spellings + _other_splits(cc, trunk, significant, len(world[0]))


def _other_splits(cc: str, trunk: str, significant: str, first: int) -> list[str]:
    """The number split after a prefix one digit shorter or longer than phonenumbers' first group:
    where prefixes have several lengths, people write them their way (German mobiles: phonenumbers
    writes `01512 3456789`, shoppers `0151 23456789`)."""
    spellings = []
    for cut in (first - 1, first + 1):
        if 2 <= cut <= len(significant) - 4:
            head, tail = significant[:cut], significant[cut:]
            spellings += [f"{trunk}{head} {tail}", f"{trunk}{head}/{tail}", f"{trunk}{head}-{tail}"]
            spellings += [f"+{cc} {head} {tail}"] + ([f"+{cc} ({trunk}){head} {tail}"] if trunk else [])
    return spellings


@lru_cache(maxsize=_CACHE_SIZE)
def _spellings_of(raw: str, region: str) -> tuple[str, ...]:
    number = parse(raw, region)
    if number is None:
        return ()
    target, home = e164(number), own_region(number)
    kept = (
        spelling
        for spelling in dict.fromkeys(_spellings(number, raw))
        if spelling and to_e164(spelling, home) == target
    )
    return tuple(kept)


def search_spellings(raw: str, region: str) -> list[str]:
    """The spellings a store may have stored for the number `raw` (read in `region` unless it is
    written with `+`), likeliest first, no duplicates, at most `MAX_SPELLINGS`.

    They are written as the number's own country writes it (an Indian number as `089876 56787`,
    whatever `region` is): E.164, international and national formats, digit groups separated by
    space, dash, dot, slash or nothing, with and without the country code or trunk prefix, a
    bracketed area code. Only spellings that read back as the same number in its own country are
    kept: every match is confirmed anyway, so another number's spelling would be a wasted value.
    Empty when `raw` is not a phone number (nothing could match it).
    """
    return list(_spellings_of(raw, region)[:MAX_SPELLINGS])


def likely_spellings(raw: str, region: str, limit: int) -> list[str]:
    """The `limit` spellings of `raw` a store most likely holds, for searches that ask one at a time:
    the spelling given (an agent often pastes it from the store), E.164, the national format, bare
    digits without and with the trunk prefix, the international format, digit groups with dashes
    or spaces; `search_spellings` in its order."""
    return list(_spellings_of(raw, region)[:limit])
