"""The pure parts of auto-link resolution: evidence, the decision, and the answer Gladly gets.

The property tests build random stores and profiles and check the decision against an oracle that
knows the truth by construction (which number each stored phone spelling is), not through the code
under test; and the answer against a model of Gladly's own match check.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gladly_bigcommerce.bigcommerce.models import Customer
from gladly_bigcommerce.gladly.customer_ids import guest_customer_id
from gladly_bigcommerce.gladly.models import GladlyProfile
from gladly_bigcommerce.lookup.auto_link.decision import decide
from gladly_bigcommerce.lookup.auto_link.evidence import (
    AutoLinkDecision,
    Evidence,
    FoundShopper,
    ProfileField,
    match_evidence,
)
from gladly_bigcommerce.lookup.auto_link.resolver import (
    auto_link_response,
    record_decision,
    resolution_from_matches,
)
from gladly_bigcommerce.lookup.search import GuestShopper
from gladly_bigcommerce.observability import metrics
from gladly_bigcommerce.phones import to_e164
from gladly_bigcommerce.settings.model import AdaptorSettings

REGION = "US"
# Each number with spellings a store may hold for it (checked below, independently of the oracle).
NUMBER_SPELLINGS: dict[str, list[str]] = {
    "+14155550100": ["(415) 555-0100", "415-555-0100", "+14155550100", "4155550100", "415.555.0100"],
    "+12125550199": ["+1 212 555 0199", "(212) 555-0199", "2125550199", "1-212-555-0199"],
    "+442079460958": ["+44 20 7946 0958", "+442079460958", "+44 (0)20 7946 0958"],
    "+447700900123": ["+44 7700 900123", "+447700900123"],
}
UNKNOWN_NUMBER = "+13125550000"
NOT_A_PHONE = ["", "n/a", "ask at desk"]
EMAILS = ["ann@example.com", "bob@example.com", "shared@example.com", "guest.only@example.org"]
UNKNOWN_EMAIL = "nobody@example.net"


def profile(emails: Sequence[str] = (), phones: Sequence[str] = ()) -> GladlyProfile:
    return GladlyProfile(id="gladly-1", name="Pat Doe", emails=list(emails), phones=list(phones))


def registered(ref: int, email: str, phone: str | None = None) -> FoundShopper:
    return FoundShopper(customer_ref=str(ref), kind="registered", email=email, phone=phone)


def guest(email: str) -> FoundShopper:
    return FoundShopper(customer_ref=guest_customer_id(email), kind="guest", email=email)


def resolve(
    gladly_profile: GladlyProfile,
    shoppers: Sequence[FoundShopper],
    enabled: Sequence[ProfileField] = ("email", "phone"),
) -> AutoLinkDecision:
    return decide(gladly_profile, match_evidence(gladly_profile, shoppers, REGION), enabled)


def reason_codes(decision: AutoLinkDecision) -> list[str]:
    return [reason.code for reason in decision.reasons]


# --- Examples, one per decision kind and reason --------------------------------------------------------


def test_a_unique_email_match_links_with_its_evidence() -> None:
    # Given one account with the profile's email (stored in another case)
    gladly_profile = profile(emails=["Martha@Example.com"])
    # When the decision is made
    decision = resolve(gladly_profile, [registered(7, "martha@example.com")])
    # Then it links that customer, saying which profile value matched which customer field
    assert decision.kind == "linked"
    assert decision.customer_ref == "7"
    assert decision.evidence == [
        Evidence(
            profile_field="email",
            profile_value="Martha@Example.com",
            customer_ref="7",
            customer_field="email",
            customer_value="martha@example.com",
        )
    ]
    assert reason_codes(decision) == ["unique_match"]


def test_a_phone_stored_in_another_spelling_links_by_phone() -> None:
    # Given a customer whose phone is stored as bare digits, and a profile with the E.164 number
    decision = resolve(profile(phones=["+14155550123"]), [registered(3, "x@example.com", "4155550123")])
    # Then the phone match links the customer
    assert decision.kind == "linked"
    assert decision.customer_ref == "3"
    assert [(item.profile_field, item.customer_field, item.customer_value) for item in decision.evidence] == [
        ("phone", "phone", "4155550123")
    ]


def test_email_pointing_at_one_customer_and_phone_at_another_is_ambiguous() -> None:
    # Given the profile's email belongs to customer 1 and its phone to customer 2
    gladly_profile = profile(emails=["alice.conflict@example.com"], phones=["+12125550199"])
    shoppers = [
        registered(1, "alice.conflict@example.com", "+1 415 555 0111"),
        registered(2, "someone.else@example.com", "(212) 555-0199"),
    ]
    # When the decision is made
    decision = resolve(gladly_profile, shoppers)
    # Then nobody is linked, both are candidates, and the reason names the disagreement
    assert decision.kind == "ambiguous"
    assert decision.customer_ref is None
    assert decision.candidate_refs == ["1", "2"]
    assert reason_codes(decision) == ["values_point_at_different_shoppers"]
    # and the reason reads without the values in clear
    assert "alice.conflict@example.com" not in decision.reasons[0].detail
    assert "a***@e***.com" in decision.reasons[0].detail


def test_one_email_on_two_accounts_is_ambiguous() -> None:
    # Given two storefront accounts share the profile's email
    decision = resolve(
        profile(emails=["shared.email@example.com"]),
        [registered(4, "shared.email@example.com"), registered(5, "SHARED.email@example.com")],
    )
    assert decision.kind == "ambiguous"
    assert decision.candidate_refs == ["4", "5"]
    assert reason_codes(decision) == ["value_shared_by_shoppers"]
    assert decision.reasons[0].customer_refs == ["4", "5"]


def test_a_guest_only_shopper_links_by_the_email_of_its_orders() -> None:
    decision = resolve(profile(emails=["guest.only@example.org"]), [guest("Guest.Only@example.org")])
    assert decision.kind == "linked"
    assert decision.customer_ref == "guest:guest.only@example.org"
    assert decision.candidates[0].shopper_kind == "guest"
    assert decision.evidence[0].customer_field == "guest_order_email"


def test_guest_orders_under_an_accounts_email_are_the_same_shopper() -> None:
    # Given a registered customer who also checked out as a guest with the same email
    decision = resolve(
        profile(emails=["ann@example.com"]), [registered(9, "ann@example.com"), guest("ANN@example.com")]
    )
    # Then it is one shopper (the account), not a conflict; the evidence still shows the guest orders
    assert decision.kind == "linked"
    assert decision.customer_ref == "9"
    assert reason_codes(decision) == ["unique_match", "guest_orders_of_registered_customer"]
    assert {item.customer_field for item in decision.evidence} == {"email", "guest_order_email"}


def test_a_guest_under_another_email_than_the_matching_account_is_a_conflict() -> None:
    # Given the phone points at an account and a second email of the profile at guest orders
    decision = resolve(
        profile(emails=["other@example.com"], phones=["+14155550100"]),
        [registered(9, "ann@example.com", "(415) 555-0100"), guest("other@example.com")],
    )
    assert decision.kind == "ambiguous"
    assert decision.candidate_refs == ["9", "guest:other@example.com"]


def test_nothing_found_is_no_match() -> None:
    decision = resolve(profile(emails=["nobody@example.com"], phones=["+13125550000"]), [])
    assert decision.kind == "no_match"
    assert decision.candidates == []
    assert reason_codes(decision) == ["nothing_matched"]


def test_a_profile_without_email_or_phone_is_no_match_and_says_so() -> None:
    decision = resolve(profile(), [registered(1, "ann@example.com")])
    assert decision.kind == "no_match"
    assert reason_codes(decision) == ["no_contact_values"]


def test_a_match_only_on_a_disabled_field_does_not_link() -> None:
    # Given the admin links by email only, and only the phone matches
    decision = resolve(
        profile(emails=["pat@example.com"], phones=["+14155550100"]),
        [registered(2, "martha@example.com", "(415) 555-0100")],
        enabled=["email"],
    )
    # Then the one candidate is not linked, and the reason names the setting
    assert decision.kind == "ambiguous"
    assert decision.candidate_refs == ["2"]
    assert reason_codes(decision) == ["only_disabled_fields"]
    assert "AUTO_LINK_FIELDS is email" in decision.reasons[0].detail


def test_with_auto_linking_off_a_unique_match_does_not_link() -> None:
    decision = resolve(profile(emails=["ann@example.com"]), [registered(1, "ann@example.com")], enabled=[])
    assert decision.kind == "ambiguous"
    assert "auto-linking is off" in decision.reasons[0].detail


def test_a_disabled_field_pointing_elsewhere_still_blocks_the_link() -> None:
    # Given email (enabled) -> customer 1 and phone (disabled) -> customer 2
    decision = resolve(
        profile(emails=["ann@example.com"], phones=["+14155550100"]),
        [registered(1, "ann@example.com"), registered(2, "bob@example.com", "415-555-0100")],
        enabled=["email"],
    )
    # Then it is a conflict: a phone pointing at someone else is a reason for doubt
    assert decision.kind == "ambiguous"
    assert decision.candidate_refs == ["1", "2"]


def test_a_customer_matching_on_email_and_phone_links_with_both_items() -> None:
    decision = resolve(
        profile(emails=["ann@example.com"], phones=["+14155550100"]),
        [registered(1, "ann@example.com", "(415) 555-0100")],
    )
    assert decision.kind == "linked"
    assert decision.candidates[0].matched_fields == ["email", "phone"]
    assert len(decision.evidence) == 2


def test_a_profile_phone_that_is_not_a_number_is_reported() -> None:
    decision = resolve(profile(emails=["ann@example.com"], phones=["12"]), [registered(1, "ann@example.com")])
    assert decision.kind == "linked"
    assert reason_codes(decision) == ["unique_match", "not_a_phone_number"]


def test_the_logged_form_of_a_decision_has_no_email_or_phone_in_clear() -> None:
    decision = resolve(
        profile(emails=["alice.conflict@example.com"], phones=["+12125550199"]),
        [registered(1, "alice.conflict@example.com"), registered(2, "b@example.com", "2125550199")],
    )
    logged = repr(decision.for_log())
    assert "alice.conflict@example.com" not in logged
    assert "+12125550199" not in logged
    assert "2125550199" not in logged  # the stored spelling is masked too
    assert "+1******0199" in logged


def test_stored_phones_that_are_not_numbers_never_match() -> None:
    decision = resolve(profile(phones=["+14155550100"]), [registered(1, "a@example.com", "n/a")])
    assert decision.kind == "no_match"


# --- Property: the invariant, against an oracle built from the generated store -------------------------


@pytest.mark.parametrize(("e164", "spellings"), NUMBER_SPELLINGS.items())
def test_the_spelling_table_is_right(e164: str, spellings: list[str]) -> None:
    # The oracle trusts this table; make sure every spelling really is its number.
    assert all(to_e164(spelling, REGION) == e164 for spelling in spellings)


@dataclass(frozen=True)
class StoredCustomer:
    id: int
    email: str
    number: str | None  # the E.164 number the stored spelling is, None for none/garbage
    phone_spelling: str


@dataclass(frozen=True)
class Store:
    customers: list[StoredCustomer]
    guest_emails: list[str]

    def shoppers(self) -> list[FoundShopper]:
        found = [registered(c.id, c.email, c.phone_spelling) for c in self.customers]
        # One guest shopper per distinct email, as the lookup identifies guests.
        by_email = {email.lower(): email for email in self.guest_emails}
        return found + [guest(email) for email in by_email.values()]


def case_variant(email: str) -> st.SearchStrategy[str]:
    return st.sampled_from([email, email.upper(), email.capitalize(), email.swapcase()])


emails = st.sampled_from(EMAILS).flatmap(case_variant)


@st.composite
def stored_phones(draw: st.DrawFn) -> tuple[str | None, str]:
    if draw(st.booleans()):
        return None, draw(st.sampled_from(NOT_A_PHONE))
    number = draw(st.sampled_from(sorted(NUMBER_SPELLINGS)))
    return number, draw(st.sampled_from(NUMBER_SPELLINGS[number]))


@st.composite
def stores(draw: st.DrawFn) -> Store:
    rows = draw(st.lists(st.tuples(emails, stored_phones()), max_size=6))
    customers = [
        StoredCustomer(id=index + 1, email=email, number=number, phone_spelling=spelling)
        for index, (email, (number, spelling)) in enumerate(rows)
    ]
    return Store(customers=customers, guest_emails=draw(st.lists(emails, max_size=3)))


@st.composite
def stores_and_profiles(draw: st.DrawFn) -> tuple[Store, GladlyProfile]:
    """A store, and a profile whose values are mostly the store's own (in other spellings)."""
    store = draw(stores())
    store_emails = [c.email for c in store.customers] + store.guest_emails
    known_emails = st.sampled_from(store_emails).flatmap(case_variant) if store_emails else emails
    store_numbers = sorted({c.number for c in store.customers if c.number})
    known_numbers = (
        st.sampled_from(store_numbers) if store_numbers else st.sampled_from(sorted(NUMBER_SPELLINGS))
    )
    other_phones = st.sampled_from([*NUMBER_SPELLINGS, UNKNOWN_NUMBER, "12"])
    gladly_profile = profile(
        emails=draw(
            st.lists(st.one_of(known_emails, emails, st.just(UNKNOWN_EMAIL)), max_size=3, unique_by=str.lower)
        ),
        phones=draw(st.lists(st.one_of(known_numbers, other_phones), max_size=2, unique=True)),
    )
    return store, gladly_profile


enabled_fields = st.sets(st.sampled_from(["email", "phone"]))


def oracle(store: Store, gladly_profile: GladlyProfile) -> dict[str, set[str]]:
    """Shopper ref -> profile fields it matches, from the generated truth."""
    wanted_emails = {email.lower() for email in gladly_profile.emails}
    wanted_numbers = set(gladly_profile.phones)
    matches: dict[str, set[str]] = {}
    for customer in store.customers:
        fields = set()
        if customer.email.lower() in wanted_emails:
            fields.add("email")
        if customer.number is not None and customer.number in wanted_numbers:
            fields.add("phone")
        if fields:
            matches[str(customer.id)] = fields
    account_emails = {customer.email.lower() for customer in store.customers}
    for email in {email.lower() for email in store.guest_emails}:
        if email in wanted_emails and email not in account_emails:
            matches[guest_customer_id(email)] = {"email"}
    return matches


@settings(max_examples=300, deadline=None)
@given(store_and_profile=stores_and_profiles(), enabled=enabled_fields)
def test_linked_means_exactly_one_shopper_matches_and_on_an_enabled_field(
    store_and_profile: tuple[Store, GladlyProfile], enabled: set[ProfileField]
) -> None:
    store, gladly_profile = store_and_profile
    # Given a random store and profile When the decision is made
    decision = resolve(gladly_profile, store.shoppers(), sorted(enabled))
    truth = oracle(store, gladly_profile)
    # Then the candidates are exactly the shoppers that match any profile value on any field
    assert set(decision.candidate_refs) == set(truth)
    # and linked <=> exactly one matches, and it matches on an enabled field
    should_link = len(truth) == 1 and bool(next(iter(truth.values())) & enabled)
    assert (decision.kind == "linked") == should_link
    if decision.kind == "linked":
        assert decision.candidate_refs == [decision.customer_ref]
        assert truth[decision.customer_ref or ""] & enabled
    assert (decision.kind == "no_match") == (not truth)
    # and every evidence item is true, every candidate is backed by evidence
    for item in decision.evidence:
        assert item.profile_value in getattr(gladly_profile, f"{item.profile_field}s")
    assert {item.customer_ref for item in decision.evidence} >= set(truth)
    # and an undecided answer always says why
    assert decision.reasons


# --- The answer Gladly gets ----------------------------------------------------------------------------


def deployment(enabled: Sequence[str] = ("email", "phone"), *, region: str = REGION) -> AdaptorSettings:
    return AdaptorSettings.model_validate(
        {
            "name": "test",
            "store_hash": "abc123",
            "secret_name": "adaptor-secret",
            "search_query_attributes": "email:Email,phone:Phone",
            "search_results_attributes": "name:Name,email:Email,phone:Phone",
            "auto_link_fields": ",".join(enabled),
            "default_phone_region": region,
        }
    )


def account(ref: int, email: str, phone: str = "", **fields: object) -> Customer:
    return Customer.model_validate({"id": ref, "email": email, "phone": phone, **fields})


def answer(
    gladly_profile: GladlyProfile,
    customers: Sequence[Customer],
    guests: Sequence[GuestShopper] = (),
    settings: AdaptorSettings | None = None,
) -> tuple[AutoLinkDecision, list[dict[str, Any]]]:
    settings = settings or deployment()
    resolution = resolution_from_matches(gladly_profile, customers, guests, settings)
    return resolution.decision, auto_link_response(resolution, settings).to_body()["results"]


def gladly_would_link(
    results: list[dict[str, Any]], gladly_profile: GladlyProfile, enabled: Iterable[str]
) -> str | None:
    """Gladly's own rule (protocol section 5): exactly one result, matching on an enabled field."""
    if len(results) != 1:
        return None
    result = results[0]
    emails = {email.strip().lower() for email in gladly_profile.emails}
    by_email = "email" in enabled and any(
        item["original"].strip().lower() in emails for item in result.get("emails", [])
    )
    by_phone = "phone" in enabled and any(
        item.get("type") == "MOBILE" and item["original"] in gladly_profile.phones
        for item in result.get("phones", [])
    )
    return result["externalCustomerId"] if by_email or by_phone else None


def test_a_linked_answer_spells_the_email_as_the_profile_does() -> None:
    # Given the store holds the email in lower case and the profile in mixed case
    gladly_profile = profile(emails=["Martha@Example.com"])
    decision, results = answer(gladly_profile, [account(7, "martha@example.com", first_name="Martha")])
    # Then the one result carries the profile's spelling, in the list and in the email column
    assert decision.kind == "linked"
    assert len(results) == 1
    assert results[0]["externalCustomerId"] == "7"
    assert results[0]["emails"] == [{"original": "Martha@Example.com"}]
    assert results[0]["email"] == "Martha@Example.com"
    assert gladly_would_link(results, gladly_profile, ["email"]) == "7"


def test_a_linked_answer_sends_the_matching_phone_as_mobile_e164() -> None:
    # Given a London landline stored with spaces (phonenumbers types it HOME)
    gladly_profile = profile(phones=["+442079460958"])
    decision, results = answer(gladly_profile, [account(8, "x@example.com", "+44 20 7946 0958")])
    # Then the answer sends it as the profile's E.164, typed MOBILE, so Gladly's phone check passes
    assert decision.kind == "linked"
    assert results[0]["phones"] == [{"original": "+442079460958", "type": "MOBILE"}]
    assert gladly_would_link(results, gladly_profile, ["phone"]) == "8"


def test_an_ambiguous_answer_holds_every_candidate() -> None:
    gladly_profile = profile(emails=["shared.email@example.com"])
    decision, results = answer(
        gladly_profile, [account(4, "shared.email@example.com"), account(5, "shared.email@example.com")]
    )
    assert decision.kind == "ambiguous"
    assert [result["externalCustomerId"] for result in results] == ["4", "5"]
    assert gladly_would_link(results, gladly_profile, ["email", "phone"]) is None


def test_a_lone_candidate_on_a_disabled_field_comes_back_without_the_matching_value() -> None:
    # Given linking by email only, and a customer matching the profile's phone only
    gladly_profile = profile(emails=["pat@example.com"], phones=["+14155550100"])
    decision, results = answer(
        gladly_profile, [account(2, "martha@example.com", "(415) 555-0100")], settings=deployment(["email"])
    )
    # Then the candidate is answered without that phone: even a Gladly linking by phone cannot link
    assert decision.kind == "ambiguous"
    assert [result["externalCustomerId"] for result in results] == ["2"]
    assert "phones" not in results[0]
    assert results[0]["emails"] == [{"original": "martha@example.com"}]
    assert gladly_would_link(results, gladly_profile, ["email", "phone"]) is None


def test_no_match_answers_an_empty_list() -> None:
    decision, results = answer(profile(emails=["nobody@example.com"]), [])
    assert decision.kind == "no_match"
    assert results == []


def test_a_guest_only_shopper_is_answered_with_its_guest_id() -> None:
    gladly_profile = profile(emails=["guest.only@example.org"])
    decision, results = answer(gladly_profile, [], [GuestShopper("guest.only@example.org", ())])
    assert decision.kind == "linked"
    assert results[0]["externalCustomerId"] == "guest:guest.only@example.org"
    assert gladly_would_link(results, gladly_profile, ["email"]) == "guest:guest.only@example.org"


def test_the_linked_result_carries_name_address_and_company() -> None:
    # Given a customer with a name, an address and a company
    customer = account(
        7,
        "martha@example.com",
        first_name="Martha",
        last_name="Williams",
        company="Williams Design Studio",
        addresses=[
            {"id": 1, "address1": "12 Main St", "city": "Springfield", "country_code": "US"},
        ],
    )
    # When the linked answer is built under default settings
    decision, results = answer(profile(emails=["martha@example.com"]), [customer], settings=deployment())
    # Then it carries all three: Gladly applies Overwrite Existing Values itself
    assert decision.kind == "linked"
    assert results[0]["name"] == "Martha Williams"
    assert results[0]["address"] == "12 Main St, Springfield, US"
    assert results[0]["customAttributes"] == {"company": "Williams Design Studio"}


@settings(max_examples=200, deadline=None)
@given(store_and_profile=stores_and_profiles(), enabled=enabled_fields)
def test_gladly_links_exactly_when_the_decision_is_linked(
    store_and_profile: tuple[Store, GladlyProfile], enabled: set[ProfileField]
) -> None:
    store, gladly_profile = store_and_profile
    # Given a random store and profile
    customers = [account(c.id, c.email, c.phone_spelling) for c in store.customers]
    guests = [
        GuestShopper(email, ()) for email in dict.fromkeys(email.lower() for email in store.guest_emails)
    ]
    # When the answer is built
    decision, results = answer(gladly_profile, customers, guests, deployment(sorted(enabled)))
    # Then Gladly's own check links exactly the linked shopper, and nothing otherwise
    expected = decision.customer_ref if decision.kind == "linked" else None
    assert gladly_would_link(results, gladly_profile, enabled) == expected
    # even when Gladly's Auto-Linking Fields drifted from ours
    if decision.kind != "linked":
        assert gladly_would_link(results, gladly_profile, ["email", "phone"]) is None
    assert [result["externalCustomerId"] for result in results] == (
        decision.candidate_refs if decision.kind != "no_match" else []
    )


# --- Logs and metrics ----------------------------------------------------------------------------------


@pytest.fixture
def counted() -> Iterator[dict[str, Any]]:
    metrics.clear_metrics()
    yield metrics.metric_set
    metrics.clear_metrics()


def test_a_decision_is_counted_by_kind_and_reason_and_by_source(counted: dict[str, Any]) -> None:
    decision = resolve(
        profile(emails=["shared.email@example.com"]),
        [registered(4, "shared.email@example.com"), registered(5, "shared.email@example.com")],
    )
    record_decision(decision, source="lookup", profile_id="gladly-1")
    record_decision(decision, source="explain", profile_id="gladly-1")
    assert set(counted) == {
        "AutoLinkAmbiguous",
        "AutoLinkReasonValueSharedByShoppers",
        "AutoLinkExplainAmbiguous",
        "AutoLinkExplainReasonValueSharedByShoppers",
    }


def test_a_decision_is_logged_once_with_masked_values(
    log_lines: io.StringIO, counted: dict[str, Any]
) -> None:
    # Given a conflict between an email and a phone stored in another spelling
    decision = resolve(
        profile(emails=["alice.conflict@example.com"], phones=["+12125550199"]),
        [registered(5, "alice.conflict@example.com"), registered(6, "bob@example.com", "(212) 555-0199")],
    )
    # When it is recorded
    record_decision(decision, source="lookup", profile_id="gladly-1")
    # Then one line tells the kind, the candidates and the evidence, with every value masked
    (line,) = [json.loads(text) for text in log_lines.getvalue().splitlines()]
    assert line["message"] == "Auto-link decision"
    assert line["gladly_profile_id"] == "gladly-1"
    assert line["auto_link"]["kind"] == "ambiguous"
    assert line["auto_link"]["candidates"] == ["5", "6"]
    assert line["auto_link"]["evidence"][1]["customerValue"] == "(2********0199"
    for value in ("alice.conflict@example.com", "+12125550199", "(212) 555-0199", "bob@example.com"):
        assert value not in log_lines.getvalue()


def test_a_guests_email_inside_its_id_is_masked_in_logs_and_reasons(
    log_lines: io.StringIO, counted: dict[str, Any]
) -> None:
    # Given a guest-only shopper (its id is guest:<email>)
    decision = resolve(profile(emails=["guest.only@example.org"]), [guest("guest.only@example.org")])
    # When the decision is recorded Then neither the log line nor the reason shows the email
    record_decision(decision, source="lookup", profile_id="gladly-1")
    assert "guest.only@example.org" not in log_lines.getvalue()
    assert "guest:g***@e***.org" in log_lines.getvalue()
    assert "guest.only@example.org" not in decision.reasons[0].detail
    # while the decision itself keeps the real id, which is what Gladly gets
    assert decision.customer_ref == "guest:guest.only@example.org"
