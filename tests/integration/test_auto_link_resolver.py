"""The whole auto-link resolver (concurrent searches, then the decision) against the sandbox over HTTP.

The property test fills the sandbox with generated stores and checks the invariant end to end,
searches included: phones found only in the spelling the store used, guests only by email.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from devtools.sandbox import DEFAULT_TOKEN, SandboxServer
from devtools.sandbox import seed as demo
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import DeadlineExceeded
from gladly_bigcommerce.gladly.customer_ids import guest_customer_id
from gladly_bigcommerce.gladly.limits import PHONE_SPELLINGS_ONE_BY_ONE
from gladly_bigcommerce.gladly.models import GladlyProfile
from gladly_bigcommerce.lookup.auto_link.evidence import ProfileField
from gladly_bigcommerce.lookup.auto_link.resolver import resolve_auto_link
from gladly_bigcommerce.lookup.search import PhoneRegion
from gladly_bigcommerce.settings.model import AdaptorSettings
from tests.unit.test_auto_link import Store, deployment, enabled_fields, oracle, profile, stores_and_profiles

LOOKUP_DEADLINE_SECONDS = 4.5


@pytest.fixture
def client(bc_sandbox: SandboxServer) -> Iterator[BigCommerceClient]:
    with BigCommerceClient(bc_sandbox.store_hash, DEFAULT_TOKEN, api_base=bc_sandbox.url) as client:
        yield client


def sandbox_deployment(server: SandboxServer, enabled: list[str] | None = None) -> AdaptorSettings:
    settings = deployment(["email", "phone"] if enabled is None else enabled)
    return settings.model_copy(update={"store_hash": server.store_hash, "api_base": server.url})


def fill(server: SandboxServer, store: Store) -> None:
    """The generated store in the sandbox: each account on its own channel (emails may repeat).

    The rate limit starts afresh too: one test makes many examples' worth of calls.
    """
    server.store.clear()
    server.rate_limit.reset()
    for customer in store.customers:
        server.store.add_customer(
            email=customer.email,
            first_name="Test",
            last_name=f"Customer {customer.id}",
            phone=customer.phone_spelling,
            channel_ids=[customer.id],
        )
    for email in store.guest_emails:
        server.store.add_order(
            customer_id=0,
            billing_address={"first_name": "Guest", "last_name": "Shopper", "zip": "94107", "email": email},
            products=[
                {"name": "Tote", "quantity": 1, "price_inc_tax": Decimal("10"), "price_ex_tax": Decimal("10")}
            ],
        )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(store_and_profile=stores_and_profiles(), enabled=enabled_fields)
def test_the_resolver_links_only_a_shopper_that_alone_matches_on_an_enabled_field(
    bc_sandbox: SandboxServer,
    client: BigCommerceClient,
    store_and_profile: tuple[Store, GladlyProfile],
    enabled: set[ProfileField],
) -> None:
    # Given a generated store in the sandbox and a profile
    store, gladly_profile = store_and_profile
    fill(bc_sandbox, store)
    # When the resolver searches BigCommerce and decides
    resolution = resolve_auto_link(
        client,
        gladly_profile,
        sandbox_deployment(bc_sandbox, sorted(enabled)),
        Deadline.after(LOOKUP_DEADLINE_SECONDS),
        PhoneRegion("US"),
    )
    decision = resolution.decision
    truth = oracle(store, gladly_profile)
    # Then the searches found exactly the matching shoppers, and linked <=> one of them, on an enabled field
    assert set(decision.candidate_refs) == set(truth)
    should_link = len(truth) == 1 and bool(next(iter(truth.values())) & enabled)
    assert (decision.kind == "linked") == should_link
    assert (decision.kind == "no_match") == (not truth)
    # and the records of every candidate came back for the answer
    assert set(resolution.customers) | set(resolution.guests) == set(decision.candidate_refs)


@pytest.mark.parametrize(
    ("emails", "phones", "kind", "candidates"),
    [
        ([demo.MARTHA_EMAIL.upper()], [], "linked", [str(demo.MARTHA_CUSTOMER_ID)]),
        (["sam.new.address@example.net"], ["+14155550123"], "linked", [str(demo.DIGITS_ONLY_CUSTOMER_ID)]),
        (
            [demo.ALICE_CONFLICT_EMAIL],
            ["+12125550199"],
            "ambiguous",
            [str(demo.ALICE_CUSTOMER_ID), str(demo.BOB_CUSTOMER_ID)],
        ),
        ([demo.SHARED_EMAIL], [], "ambiguous", [str(ref) for ref in demo.SHARED_EMAIL_CUSTOMER_IDS]),
        ([demo.GUEST_EMAIL], [], "linked", [guest_customer_id(demo.GUEST_EMAIL)]),
        ([demo.MIXED_EMAIL], [], "linked", [str(demo.MIXED_CUSTOMER_ID)]),
        (["nobody.known@example.net"], ["+13125550000"], "no_match", []),
    ],
    ids=["email", "phone-spelling", "conflict", "duplicate-email", "guest-only", "account-and-guest", "none"],
)
def test_the_seeded_store_decides_each_kind(
    bc_sandbox: SandboxServer,
    client: BigCommerceClient,
    phone_in_no_split: bool,
    emails: list[str],
    phones: list[str],
    kind: str,
    candidates: list[str],
) -> None:
    # Under either reading of `phone:in` (split at commas, or one literal string)
    resolution = resolve_auto_link(
        client,
        profile(emails, phones),
        sandbox_deployment(bc_sandbox),
        Deadline.after(LOOKUP_DEADLINE_SECONDS),
        PhoneRegion("US"),
    )
    assert resolution.decision.kind == kind
    assert resolution.decision.candidate_refs == candidates


def test_auto_link_by_phone_finds_the_stored_spelling_within_the_call_budget(
    bc_sandbox: SandboxServer, client: BigCommerceClient, phone_in_no_split: bool
) -> None:
    # Given Devon's phone stored as bare digits, and a profile with only that number in E.164
    gladly_profile = profile([], ["+14155550123"])
    # When the resolver searches, under either reading of `phone:in`
    resolution = resolve_auto_link(
        client,
        gladly_profile,
        sandbox_deployment(bc_sandbox),
        Deadline.after(LOOKUP_DEADLINE_SECONDS),
        PhoneRegion("US"),
    )
    # Then Devon is linked
    assert resolution.decision.kind == "linked"
    assert resolution.decision.candidate_refs == [str(demo.DIGITS_ONLY_CUSTOMER_ID)]
    # within the budget: one joined call when BigCommerce splits the list; else at most one more
    # call per likely spelling of the one number
    calls = len(bc_sandbox.requests.find("GET", r"^/v3/customers$"))
    if phone_in_no_split:
        assert 2 <= calls <= 1 + PHONE_SPELLINGS_ONE_BY_ONE
    else:
        assert calls == 1


def test_the_searches_run_at_once_within_the_lookup_deadline(
    bc_sandbox: SandboxServer, client: BigCommerceClient
) -> None:
    # Given every BigCommerce answer takes 1 s, and a profile needing 4 searches (customers by
    # email, by phone, guest orders for each of 2 emails): 4 s if they ran one after the other
    bc_sandbox.latency = 1.0
    gladly_profile = profile([demo.MARTHA_EMAIL, "other@example.net"], [demo.MARTHA_PHONE])
    # When the resolver runs with 3.5 s left
    resolution = resolve_auto_link(
        client, gladly_profile, sandbox_deployment(bc_sandbox), Deadline.after(3.5), PhoneRegion("US")
    )
    # Then it decides in time
    assert resolution.decision.kind == "linked"
    # And the 4 searches overlapped: all reached BigCommerce within one latency of each other. (The
    # guest search of an email that belongs to a registered customer is not awaited, so it may still be
    # on its way when the decision is made: wait for it rather than race it.)
    arrivals = _wait_for_requests(bc_sandbox, 4)
    assert len(arrivals) == 4
    # The sandbox logs arrivals to the second (as BigCommerce stores times): overlapping searches can
    # straddle a second's boundary (1 s apart in the log), one after the other they are 3 s apart or more.
    assert (max(arrivals) - min(arrivals)).total_seconds() <= 1.0


def _wait_for_requests(sandbox: SandboxServer, count: int, timeout: float = 5.0) -> list[datetime]:
    """The arrival times of the first ``count`` requests, once the sandbox has logged them."""
    waited_until = time.monotonic() + timeout
    while len(sandbox.requests) < count and time.monotonic() < waited_until:
        time.sleep(0.05)
    return [record.time for record in sandbox.requests.snapshot()[:count]]


def test_a_search_past_the_deadline_fails_instead_of_deciding_on_part_of_the_evidence(
    bc_sandbox: SandboxServer, client: BigCommerceClient
) -> None:
    # Given BigCommerce answers slower than the time left
    bc_sandbox.latency = 1.0
    # When the resolver runs Then it raises (the lookup answers 503) rather than link on half the searches
    with pytest.raises(DeadlineExceeded):
        resolve_auto_link(
            client,
            profile([demo.MARTHA_EMAIL], [demo.MARTHA_PHONE]),
            sandbox_deployment(bc_sandbox),
            Deadline.after(0.3),
            PhoneRegion("US"),
        )
