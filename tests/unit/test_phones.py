"""Phone normalisation and search spellings (phonenumbers, no network)."""

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from gladly_bigcommerce.phones import likely_spellings, phone_type, same_number, search_spellings, to_e164


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
def test_to_e164_normalises_every_spelling_of_a_number(raw: str, region: str, e164: str) -> None:
    # Given a phone spelled the way a shopper or an agent might type it
    # When it is normalised Then it is the number in E.164
    assert to_e164(raw, region) == e164


@pytest.mark.parametrize("raw", ["", "   ", "not a phone", "12", "+1 415"])
def test_to_e164_is_none_for_what_is_not_a_phone_number(raw: str) -> None:
    assert to_e164(raw, "US") is None


def test_same_number_compares_in_e164_and_never_matches_garbage() -> None:
    assert same_number("(415) 555-0100", "+14155550100", "US")
    assert not same_number("(415) 555-0100", "(415) 555-0101", "US")
    assert not same_number("n/a", "n/a", "US")


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+14155550100", "US", "MOBILE"),  # NANP numbers are FIXED_LINE_OR_MOBILE: may be mobile
        ("+447911123456", "GB", "MOBILE"),  # a UK mobile range
        ("07700 900123", "GB", "MOBILE"),  # reserved range: type unknown, may be mobile
        ("020 7946 0958", "GB", "HOME"),  # a London fixed line
        ("+18005550100", "US", None),  # toll free: "other" in Gladly
        ("garbage", "US", None),
    ],
)
def test_phone_type_is_mobile_unless_known_to_be_something_else(
    raw: str, region: str, expected: str | None
) -> None:
    assert phone_type(raw, region) == expected


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


def test_search_spellings_of_garbage_is_empty() -> None:
    assert search_spellings("call me maybe", "US") == []


def test_search_spellings_stay_few_enough_for_one_query_string() -> None:
    # One `phone:in` call carries the spellings of every phone of a profile: keep each list short.
    assert len(search_spellings("+442079460958", "GB")) <= 25


@given(
    st.sampled_from(["US", "CA", "GB", "FR", "DE", "AU", "IE", "NL"]),
    st.integers(min_value=0, max_value=9999),
)
def test_the_standard_formats_of_any_mobile_number_are_always_searched(region: str, last_four: int) -> None:
    # Given a mobile number of a region (its example number with other last digits)
    example = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
    assert example is not None
    digits = str(example.national_number)
    raw = f"+{example.country_code}{digits[:-4]}{last_four:04d}"
    number = phonenumbers.parse(raw)
    # When its search spellings are built
    spellings = search_spellings(raw, region)
    # Then E.164, international, national and bare-digit forms are all among them
    for fmt in (PhoneNumberFormat.E164, PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.NATIONAL):
        assert phonenumbers.format_number(number, fmt) in spellings
    assert phonenumbers.national_significant_number(number) in spellings


@pytest.mark.parametrize(
    ("raw", "region", "stored"),
    [
        # the spellings the demo store uses, each searched for from E.164 (what Gladly sends)
        ("+14155550100", "US", "(415) 555-0100"),
        ("+14155550123", "US", "4155550123"),
        ("+16285550101", "US", "+1 628 555 0101"),
        ("+16285550101", "US", "628-555-0101"),
        ("+442079460101", "GB", "020 7946 0101"),
        ("+442079460101", "GB", "+44 20 7946 0101"),
        ("+447700900101", "GB", "07700 900101"),
    ],
)
def test_the_likeliest_spellings_asked_one_by_one_cover_the_usual_store_spellings(
    raw: str, region: str, stored: str
) -> None:
    # Given a number, When the 8 spellings to ask one call each are chosen
    likely = likely_spellings(raw, region, 8)
    # Then the usual store spellings are among them, the given one first, each once, all the same number
    assert stored in likely
    assert likely[0] == raw
    assert len(likely) == len(set(likely)) == 8
    assert all(to_e164(spelling, region) == to_e164(raw, region) for spelling in likely)
