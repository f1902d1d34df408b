"""Phone numbers (phonenumbers, no network): what is searched by, what a store holds read in its own
country, and the spellings a search asks for, written as each country writes its numbers."""

from __future__ import annotations

from urllib.parse import urlencode

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumber, PhoneNumberFormat, PhoneNumberType

from gladly_bigcommerce.lookup.shopper_phones import StoredPhone
from gladly_bigcommerce.phones import (
    MAX_SPELLINGS,
    likely_spellings,
    own_region,
    phone_type,
    read,
    search_spellings,
    to_e164,
)

# Countries whose numbers the property tests spell (phonenumbers' example numbers): the five of the
# international sandbox and more with other habits (no trunk prefix, trunk 1, 0-prefixed areas).
COUNTRIES = (
    "US",
    "GB",
    "IN",
    "JP",
    "DE",
    "AU",
    "FR",
    "BR",
    "MX",
    "CN",
    "IT",
    "ES",
    "NL",
    "CA",
    "IE",
    "ZA",
    "KR",
)


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("(415) 555-0100", "US", "+14155550100"),
        ("415.555.0100", "US", "+14155550100"),
        ("1-415-555-0100", "US", "+14155550100"),
        ("+1 415 555 0100", "GB", "+14155550100"),
        ("  4155550100  ", "US", "+14155550100"),
        ("07700 900123", "GB", "+447700900123"),
        ("+44 (0)7700 900123", "US", "+447700900123"),
        ("020 7946 0958", "GB", "+442079460958"),
    ],
)
def test_to_e164_normalises_every_spelling_of_a_searched_number(raw: str, region: str, e164: str) -> None:
    # Given a phone spelled the way an agent might type it When it is read to be searched by
    # Then it is the number in E.164 (leniently: a possible number is enough to search)
    assert to_e164(raw, region) == e164


@pytest.mark.parametrize("raw", ["", "   ", "not a phone", "12", "+1 415"])
def test_to_e164_is_none_for_what_is_not_a_phone_number(raw: str) -> None:
    assert to_e164(raw, "US") is None


@pytest.mark.parametrize(
    ("stored", "countries", "expected"),
    [
        # the Indian account phone and the Indian billing phone with its trunk 0 (appse-ai docs)
        ("8987656787", ("IN",), "+918987656787"),
        ("07439250893", ("IN",), "+917439250893"),
        # the same digits in a country where they are no number: never a wrong country
        ("8987656787", ("US",), None),
        # a `+` names its own country wherever the record is
        ("+91 89876 56787", ("US",), "+918987656787"),
        ("+1(960) 886-1499", ("CA",), "+19608861499"),
        # `00` then a valid number: the international prefix, even where one dials out otherwise
        ("0044 20 7946 0958", ("US",), "+442079460958"),
        ("0044 20 7946 0958", ("DE",), "+442079460958"),
        ("090-1234-5678", ("JP",), "+819012345678"),
        ("030/123456", ("DE",), "+4930123456"),
        ("(02) 1234 5678", ("AU",), "+61212345678"),
        # valid in each of two countries, as different numbers: ambiguous, so none
        ("07439250893", ("IN", "GB"), None),
        # valid in one of them only
        ("8987656787", ("US", "IN"), "+918987656787"),
        # too long for a UK number (a public BigCommerce address example), a reserved UK range, US 555
        ("074743473312", ("GB",), None),
        ("07700 900123", ("GB",), None),
        ("15551234567", ("US",), None),
        ("", ("US",), None),
        ("n/a", ("US",), None),
    ],
)
def test_a_stored_phone_is_read_in_its_records_country_or_not_at_all(
    stored: str, countries: tuple[str, ...], expected: str | None
) -> None:
    assert read(stored, countries) == expected


@pytest.mark.parametrize(
    ("number", "commercial", "expected"),
    [
        ("+14155550100", False, "MOBILE"),  # NANP numbers are FIXED_LINE_OR_MOBILE: may be mobile
        ("+447911123456", False, "MOBILE"),  # a UK mobile range
        ("+442079460958", False, "HOME"),  # a London fixed line
        ("+442079460958", True, "OFFICE"),  # ... on a commercial address
        ("+447700900123", False, None),  # reserved range: of no known type, so never MOBILE
        ("+19608861499", False, None),  # no area code 960: possible, not valid, no type
        ("+18005550100", False, None),  # toll free: "other" in Gladly
        ("garbage", False, None),
    ],
)
def test_phone_type_is_mobile_only_when_it_may_be_one(
    number: str, commercial: bool, expected: str | None
) -> None:
    assert phone_type(number, commercial=commercial) == expected


def test_search_spellings_of_a_us_number_cover_the_usual_store_spellings() -> None:
    # Given an agent types a US number in one spelling
    spellings = search_spellings("415-555-0100", "US")
    # Then the one search asks for each spelling a store commonly holds, the typed one first
    assert spellings[0] == "415-555-0100"
    for expected in [
        "+14155550100",
        "+1 415-555-0100",
        "+1 415 555 0100",
        "+1 (415) 555-0100",
        "(415) 555-0100",
        "415.555.0100",
        "415 555 0100",
        "4155550100",
        "14155550100",
        "1-415-555-0100",
    ]:
        assert expected in spellings
    assert len(spellings) == len(set(spellings))


def test_search_spellings_of_a_uk_number_include_the_trunk_prefix_forms() -> None:
    spellings = search_spellings("+447700900123", "GB")
    for expected in [
        "+447700900123",
        "+44 7700 900123",
        "07700 900123",
        "07700900123",
        "447700900123",
        "+44 (0)7700 900123",
        "00447700900123",
    ]:
        assert expected in spellings


@pytest.mark.parametrize("region", ["US", "GB", "IN"])
def test_an_indian_number_is_spelled_as_india_writes_it_whatever_the_stores_region(region: str) -> None:
    # Given Gladly's E.164 number of the Indian account phone, searched in a store of any country
    spellings = search_spellings("+918987656787", region)
    # Then the national spellings with and without the trunk 0 are asked for
    for expected in ["8987656787", "08987656787", "089876 56787", "+91 89876 56787", "+91-8987656787"]:
        assert expected in spellings


def test_search_spellings_of_garbage_is_empty() -> None:
    assert search_spellings("call me maybe", "US") == []


def test_search_spellings_stay_few_enough_for_one_query_string() -> None:
    # One `phone:in` call carries the spellings of every phone searched (at most five): the query
    # stays far below the 8 KiB of a request line most servers accept.
    numbers = ("+442079460958", "+4915123456789", "+61212345678", "+819012345678", "+5511961234567")
    spellings = [spelling for number in numbers for spelling in search_spellings(number, "US")]
    assert all(len(search_spellings(number, "US")) <= MAX_SPELLINGS for number in numbers)
    assert len(urlencode({"phone:in": ",".join(spellings)})) < 4096


def test_a_german_mobile_is_also_spelled_with_its_three_digit_prefix() -> None:
    # phonenumbers writes 01512 3456789; Germans write 0151 23456789 (and 0151/23456789)
    spellings = search_spellings("+4915123456789", "DE")
    for expected in ["01512 3456789", "0151 23456789", "0151/23456789", "+49 151 23456789"]:
        assert expected in spellings


# --- properties over the example numbers of many countries ---------------------------------------


def _example(region: str, kind: PhoneNumberType, last_four: int) -> PhoneNumber:
    """The region's example number of `kind` with other last digits (still a number of the region)."""
    example = phonenumbers.example_number_for_type(region, kind)
    assert example is not None
    digits = phonenumbers.national_significant_number(example)
    number = phonenumbers.parse(f"+{example.country_code}{digits[:-4]}{last_four:04d}")
    return number if phonenumbers.is_valid_number(number) else example


def _store_spellings(number: PhoneNumber) -> list[str]:
    """How shops' customers of the number's country write it (and what BigCommerce stores as typed)."""
    cc = str(number.country_code)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    significant = phonenumbers.national_significant_number(number)
    home = [group for group in "".join(c if c.isdigit() else " " for c in national).split()]
    spellings = [
        phonenumbers.format_number(number, PhoneNumberFormat.E164),
        international,
        national,
        "".join(home),
        significant,
        cc + significant,
        f"+{cc} {significant}",
        "-".join(home),
        ".".join(home),
        " ".join(home),
    ]
    region = own_region(number)
    return [s for s in spellings if to_e164(s, region) == to_e164(spellings[0], region)]


_numbers = st.builds(
    _example,
    st.sampled_from(COUNTRIES),
    st.sampled_from([PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE]),
    st.integers(min_value=0, max_value=9999),
)


@settings(deadline=None)  # phonenumbers loads a region's metadata at its first number
@given(_numbers, st.sampled_from(["US", "GB", "IN", "DE", "JP"]))
def test_every_store_spelling_of_a_number_is_searched_and_confirmed_in_its_country(
    number: PhoneNumber, store_region: str
) -> None:
    # Given Gladly's E.164 number, searched in a store of any country
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    spellings = search_spellings(e164, store_region)
    likely = likely_spellings(e164, store_region, 8)
    home = own_region(number)
    for stored in _store_spellings(number):
        # Then each way a shopper of that country spells it is asked for (phone:in split at commas)
        assert stored in spellings, stored
        # And a customer of that country storing it is confirmed as that number
        assert StoredPhone(stored, (home,)).is_number(e164, store_region), stored
    # And the spellings asked one call each (phone:in read literally) hold the commonest ones
    common = [
        e164,
        phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
        phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
        phonenumbers.national_significant_number(number),
    ]
    assert set(common) <= set(likely)


@settings(deadline=None)
@given(_numbers)
def test_every_spelling_asked_for_is_that_number_in_its_own_country(number: PhoneNumber) -> None:
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    for spelling in search_spellings(e164, "US"):
        assert to_e164(spelling, own_region(number)) == e164, spelling


@settings(deadline=None)
@given(_numbers, _numbers)
def test_a_number_of_another_country_is_never_confirmed(wanted: PhoneNumber, other: PhoneNumber) -> None:
    # Given a customer of another country storing one of its own numbers in any spelling
    other_country = own_region(other)
    wanted_e164 = phonenumbers.format_number(wanted, PhoneNumberFormat.E164)
    if other.country_code == wanted.country_code:
        return  # same country code: not "another country"
    for stored in _store_spellings(other):
        # When Gladly searches the wanted number Then that customer is never taken for it,
        # even if the text is also a spelling the search asked for
        assert not StoredPhone(stored, (other_country,)).is_number(wanted_e164, "US"), stored
    # And the digits of the wanted number's national spelling, stored on that customer, are read in
    # the customer's country: confirmed only if they are the same number there
    national = phonenumbers.format_number(wanted, PhoneNumberFormat.NATIONAL)
    found = read(national, (other_country,))
    assert StoredPhone(national, (other_country,)).is_number(wanted_e164, "US") == (found == wanted_e164)


def test_a_phone_whose_record_names_no_country_is_read_in_the_store_region_then_in_the_searched_numbers() -> (
    None
):
    # A customer without addresses storing the Indian national number, in a US store
    bare = StoredPhone("8987656787")
    assert bare.e164("US") is None  # shown nowhere: no country its data supports
    assert bare.is_number("+918987656787", "US")  # but nothing contradicts Gladly's +91 number
    # A number valid in the store's country is that country's, and no other
    uk = StoredPhone("07439250893")
    assert uk.e164("GB") == "+447439250893"
    assert not uk.is_number("+917439250893", "GB")
    # A record that names a country reads it there only
    assert not StoredPhone("8987656787", ("US",)).is_number("+918987656787", "US")
