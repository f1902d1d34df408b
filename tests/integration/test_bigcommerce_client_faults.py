"""BigCommerceClient under the sandbox fault plan: retries, rate limits, deadlines, writes sent once.

No assertion measures time: deadlines run on a manual clock (`tests.fixtures.clock`) that moves by
the waits the client asks for and by the timeouts of attempts that time out; the tests assert on those
waits and on the timeouts the client gave each attempt, against what was left of the deadline.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from devtools.sandbox.admin_client import (
    CustomerCreate,
    OrderAddressCreate,
    OrderCreate,
    OrderProductCreate,
    ShipmentCreate,
    ShipmentItemCreate,
    StoreAdminClient,
)
from gladly_bigcommerce.bigcommerce import http as bigcommerce_http
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import (
    BadUpstreamResponse,
    DeadlineExceeded,
    OutcomeUnknown,
    RateLimited,
    UpstreamUnavailable,
)
from gladly_bigcommerce.bigcommerce.http import RequestRecord, RetryPolicy
from gladly_bigcommerce.bigcommerce.models import (
    CartValueAction,
    FixedDiscount,
    Order,
    PromotionAction,
    PromotionCreate,
    PromotionRule,
    RefundItem,
    RefundPayment,
)
from tests.fixtures.clock import ManualClock, SleepSpy, TimeoutSpy, spy_on_client_sleep

pytestmark = pytest.mark.sandbox

TOKEN = "sandbox-token"
STORE_PATH = r"^/v2/store$"


@pytest.fixture
def records() -> list[RequestRecord]:
    return []


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch, clock: ManualClock) -> SleepSpy:
    """Every wait the client asks for (they also move `clock`)."""
    return spy_on_client_sleep(monkeypatch, clock)


@pytest.fixture
def session(clock: ManualClock) -> Iterator[TimeoutSpy]:
    """The client's HTTP session: it records each attempt's timeouts against `session.deadline`."""
    with TimeoutSpy(clock) as spy:
        yield spy


@pytest.fixture
def client(
    bc_sandbox: Any, records: list[RequestRecord], session: TimeoutSpy, sleeps: SleepSpy
) -> Iterator[BigCommerceClient]:
    """A client with short timeouts and back-off, so that faults cost tenths of a second."""
    with StoreAdminClient(
        bc_sandbox.store_hash,
        TOKEN,
        api_base=bc_sandbox.url,
        connect_timeout=0.3,
        read_timeout=0.3,
        retry=RetryPolicy(max_attempts=3, backoff_base=0.02, backoff_cap=0.1),
        session=session,
        on_request=records.append,
    ) as bigcommerce:
        yield bigcommerce


def under_deadline(clock: ManualClock, session: TimeoutSpy, seconds: float) -> Deadline:
    """A deadline on the manual clock, which the session spy checks each attempt against from now on."""
    session.attempts.clear()
    session.deadline = clock.deadline(seconds)
    return session.deadline


@pytest.fixture
def order(client: BigCommerceClient) -> Order:
    """A paid guest order of 2 x 12.50 (made before any fault is planned)."""
    return client.create_order(
        OrderCreate(
            status_id=11,
            billing_address=OrderAddressCreate(first_name="Jane", zip="78701", email="faults@example.org"),
            products=[
                OrderProductCreate(
                    name="Mug", quantity=2, price_inc_tax=Decimal("12.50"), price_ex_tax=Decimal("12.50")
                )
            ],
        )
    )


def refund_of(client: BigCommerceClient, order: Order) -> tuple[list[RefundItem], list[RefundPayment]]:
    """One ORDER-level refund of 1.00 and the payments its quote proposes."""
    items = [RefundItem(item_type="ORDER", item_id=order.id, amount=Decimal("1.00"))]
    method = client.create_refund_quote(order.id, items).refund_methods[0]
    return items, [
        RefundPayment(provider_id=p.provider_id, amount=p.amount, offline=p.offline) for p in method
    ]


# --- reads retry ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_read_is_retried_after_a_server_error(
    status: int, client: BigCommerceClient, bc_sandbox: Any, records: list[RequestRecord]
) -> None:
    # Given one server error planned on the store endpoint
    bc_sandbox.faults.add(STORE_PATH, status, times=1)
    # When the store is read
    store = client.get_store()
    # Then the second attempt succeeds, and the hook saw both attempts
    assert store.currency
    assert [r.status for r in bc_sandbox.requests.find("GET", STORE_PATH)] == [status, 200]
    assert [(r.status, r.attempt) for r in records] == [(status, 1), (200, 2)]


def test_product_images_are_retried_like_every_read(
    client: BigCommerceClient, bc_sandbox: Any, records: list[RequestRecord]
) -> None:
    bc_sandbox.faults.add(r"^/v3/catalog/products$", 503, times=1)
    assert list(client.get_product_images([102])) == [102]
    assert [(r.status, r.attempt) for r in records] == [(503, 1), (200, 2)]


def test_a_read_gives_up_after_max_attempts_within_its_deadline(
    client: BigCommerceClient, bc_sandbox: Any, clock: ManualClock, session: TimeoutSpy, sleeps: SleepSpy
) -> None:
    # Given the store endpoint failing with 503 every time
    bc_sandbox.faults.add(STORE_PATH, 503)
    deadline = under_deadline(clock, session, 2.0)
    # When the store is read under a 2 s deadline
    with pytest.raises(UpstreamUnavailable) as raised:
        client.get_store(deadline=deadline)
    # Then it tried 3 times, with a short back-off between, every attempt within the deadline
    assert type(raised.value) is UpstreamUnavailable
    assert raised.value.status == 503
    assert len(bc_sandbox.requests.find("GET", STORE_PATH)) == 3
    assert len(sleeps.waits) == 2
    assert all(0 < wait <= 0.1 for wait in sleeps.waits)  # the policy's back-off cap
    assert len(session.attempts) == 3
    assert session.all_within_the_deadline()
    assert not deadline.expired


def test_a_read_is_retried_after_a_connection_reset(
    client: BigCommerceClient, bc_sandbox: Any, records: list[RequestRecord]
) -> None:
    bc_sandbox.faults.add(STORE_PATH, "reset", times=1)
    assert client.get_store().currency
    assert [(r.status, r.error) for r in records] == [(None, "connection"), (200, None)]


def test_persistent_resets_on_a_read_are_upstream_unavailable(
    client: BigCommerceClient, bc_sandbox: Any
) -> None:
    bc_sandbox.faults.add(STORE_PATH, "reset")
    with pytest.raises(UpstreamUnavailable) as raised:
        client.get_store(deadline=Deadline.after(2.0))
    # a read has no unknown outcome: it is plain unavailability
    assert type(raised.value) is UpstreamUnavailable
    assert len(bc_sandbox.requests.find("GET", STORE_PATH)) == 3


def test_a_slow_read_times_out_and_the_retry_succeeds(
    client: BigCommerceClient,
    bc_sandbox: Any,
    records: list[RequestRecord],
    clock: ManualClock,
    session: TimeoutSpy,
) -> None:
    # Given the first answer delayed well past the 0.3 s read timeout
    bc_sandbox.faults.add(STORE_PATH, "slow", times=1, seconds=1.0)
    deadline = under_deadline(clock, session, 2.0)
    # When read under a deadline
    assert client.get_store(deadline=deadline).currency
    # Then the client gave up on the slow answer at its read timeout (shorter than the answer's
    # delay) and the retry succeeded, both attempts within the deadline
    assert [(r.status, r.error) for r in records] == [(None, "timeout"), (200, None)]
    assert [(a.read_timeout, a.timed_out) for a in session.attempts] == [(0.3, True), (0.3, False)]
    assert session.all_within_the_deadline()
    assert not deadline.expired


def test_a_persistently_slow_read_stops_at_the_deadline(
    client: BigCommerceClient, bc_sandbox: Any, clock: ManualClock, session: TimeoutSpy
) -> None:
    # Given every answer 2 s late, and a 0.5 s deadline
    bc_sandbox.faults.add(STORE_PATH, "slow", seconds=2.0)
    deadline = under_deadline(clock, session, 0.5)
    # When the store is read
    with pytest.raises(DeadlineExceeded):
        client.get_store(deadline=deadline)
    # Then the retry's timeout was cut to what was left of the deadline, and it stopped there
    first, second = session.attempts
    assert (first.read_timeout, first.timed_out) == (0.3, True)
    assert second.timed_out and second.read_timeout < 0.3
    assert session.all_within_the_deadline()
    assert deadline.expired


def test_latency_beyond_the_deadline_is_deadline_exceeded(
    client: BigCommerceClient, bc_sandbox: Any, clock: ManualClock, session: TimeoutSpy
) -> None:
    # Given a sandbox 1 s slow, and a deadline of 0.25 s (shorter than the 0.3 s read timeout)
    bc_sandbox.latency = 1.0
    deadline = under_deadline(clock, session, 0.25)
    # When customers are searched
    with pytest.raises(DeadlineExceeded):
        client.search_customers(emails=["jane@example.org"], deadline=deadline)
    # Then the one attempt waited only what the deadline allowed, not the configured 0.3 s
    assert [(a.connect_timeout, a.read_timeout, a.timed_out) for a in session.attempts] == [
        (0.25, 0.25, True)
    ]
    assert session.all_within_the_deadline()


def test_small_latency_within_the_deadline_is_fine(client: BigCommerceClient, bc_sandbox: Any) -> None:
    bc_sandbox.latency = 0.05
    assert client.get_store(deadline=Deadline.after(1.0)).currency


def test_an_expired_deadline_sends_nothing(client: BigCommerceClient, bc_sandbox: Any) -> None:
    with pytest.raises(DeadlineExceeded):
        client.list_orders(deadline=Deadline.after(0))
    assert len(bc_sandbox.requests) == 0


def test_malformed_json_is_a_bad_upstream_response_and_not_retried(
    client: BigCommerceClient, bc_sandbox: Any
) -> None:
    bc_sandbox.faults.add(r"^/v3/customers$", "malformed_json", method="GET")
    with pytest.raises(BadUpstreamResponse):
        client.search_customers(emails=["jane@example.org"])
    assert len(bc_sandbox.requests.find("GET", r"^/v3/customers$")) == 1


# --- rate limits ----------------------------------------------------------------------------------


def test_429_waits_for_x_retry_after_then_succeeds(
    client: BigCommerceClient, bc_sandbox: Any, clock: ManualClock, session: TimeoutSpy, sleeps: SleepSpy
) -> None:
    # Given one 429 asking to wait 1 s
    bc_sandbox.faults.add(STORE_PATH, "rate_limit", times=1, retry_after=1)
    deadline = under_deadline(clock, session, 3.0)
    # When read under a deadline that allows the wait
    assert client.get_store(deadline=deadline).currency
    # Then the client waited the requested second (plus a little jitter, at most the back-off base)
    # before the retry, which succeeded within the deadline
    attempts = bc_sandbox.requests.find("GET", STORE_PATH)
    assert [r.status for r in attempts] == [429, 200]
    (wait,) = sleeps.waits
    assert 1.0 <= wait <= 1.0 + 0.02
    assert session.all_within_the_deadline()
    assert not deadline.expired


def test_429_whose_wait_passes_the_deadline_is_rate_limited_at_once(
    client: BigCommerceClient, bc_sandbox: Any, clock: ManualClock, session: TimeoutSpy, sleeps: SleepSpy
) -> None:
    # Given a 429 asking to wait 5 s, and a 1 s deadline
    bc_sandbox.faults.add(STORE_PATH, "rate_limit", retry_after=5)
    # When the store is read
    with pytest.raises(RateLimited) as raised:
        client.get_store(deadline=under_deadline(clock, session, 1.0))
    # Then it is rate-limited at once: one request, and no wait at all (not even into the deadline)
    assert raised.value.retry_after == 5.0
    assert len(bc_sandbox.requests.find("GET", STORE_PATH)) == 1
    assert sleeps.waits == []


def test_the_store_quota_is_honoured_with_its_reset_headers(
    client: BigCommerceClient, bc_sandbox: Any, sleeps: SleepSpy
) -> None:
    # Given a quota of one request per second, used by a read whose answer said none is left
    bc_sandbox.rate_limit.configure(quota=1, window_seconds=1.0)
    client.get_store()
    spent = bc_sandbox.requests.find("GET", STORE_PATH)[0].response_headers
    assert spent["X-Rate-Limit-Requests-Left"] == "0"
    # When read again at once
    client.get_store(deadline=Deadline.after(3.0))
    # Then nothing was sent while the quota was spent (no 429 provoked): the client waited once, for
    # the window to reset (at most the reset header's time plus the jitter), and then succeeded
    attempts = bc_sandbox.requests.find("GET", STORE_PATH)
    assert [r.status for r in attempts] == [200, 200]
    (wait,) = sleeps.waits
    assert 0 < wait <= int(spent["X-Rate-Limit-Time-Reset-Ms"]) / 1000 + 0.02


def test_a_quota_wait_whose_jitter_would_pass_the_deadline_is_not_started(
    client: BigCommerceClient, clock: ManualClock, session: TimeoutSpy, sleeps: SleepSpy, monkeypatch: Any
) -> None:
    # Given the store's quota closed for 16 ms, a jitter drawn at its top (the 20 ms back-off base), and
    # 35 ms left: the reset alone fits in half of what is left, the reset plus its jitter ends past it
    monkeypatch.setattr(client._quota, "admit", lambda: 0.016)
    monkeypatch.setattr(bigcommerce_http._jitter, "uniform", lambda low, high: high)
    # When the store is read
    with pytest.raises(RateLimited) as raised:
        client.get_store(deadline=under_deadline(clock, session, 0.035))
    # Then it is rate-limited at once, with the reset to wait for, and nothing waited or sent
    assert raised.value.retry_after == 0.016
    assert sleeps.waits == []
    assert session.attempts == []


# --- the refund quote is a safe POST --------------------------------------------------------------


def test_a_refund_quote_is_retried(client: BigCommerceClient, bc_sandbox: Any, order: Order) -> None:
    bc_sandbox.faults.add(r"/payment_actions/refund_quotes$", 503, times=1)
    quote = client.create_refund_quote(
        order.id, [RefundItem(item_type="ORDER", item_id=order.id, amount=Decimal(1))]
    )
    assert quote.total_refund_amount == Decimal("1.00")
    assert len(bc_sandbox.requests.find("POST", r"/refund_quotes$")) == 2


# --- writes that change money or orders are sent once ---------------------------------------------


@pytest.mark.parametrize("kind", [500, 502, 503, 504, "reset"])
def test_a_failed_refund_is_sent_once_and_its_outcome_is_unknown(
    kind: int | str, client: BigCommerceClient, bc_sandbox: Any, order: Order
) -> None:
    # Given a refund ready to send, and a fault on the refund POST
    items, payments = refund_of(client, order)
    bc_sandbox.faults.add(r"/payment_actions/refunds$", kind, method="POST")
    # When it is sent
    with pytest.raises(OutcomeUnknown) as raised:
        client.create_refund(order.id, items, payments, deadline=Deadline.after(2.0))
    # Then exactly one POST went out, and the caller is told to check before retrying
    assert len(bc_sandbox.requests.find("POST", r"/payment_actions/refunds$")) == 1
    assert isinstance(raised.value, UpstreamUnavailable)


def test_a_slow_refund_that_happened_is_outcome_unknown_and_listed(
    client: BigCommerceClient, bc_sandbox: Any, order: Order, clock: ManualClock, session: TimeoutSpy
) -> None:
    # Given a refund whose answer comes after the client's read timeout (the work is done first)
    items, payments = refund_of(client, order)
    bc_sandbox.faults.add(r"/payment_actions/refunds$", "slow", method="POST", seconds=1.0)
    deadline = under_deadline(clock, session, 2.0)
    # When it is sent
    with pytest.raises(OutcomeUnknown):
        client.create_refund(order.id, items, payments, deadline=deadline)
    # Then the client stopped waiting at its timeout, sent it once, and the refund did happen
    (refund_attempt,) = session.attempts
    assert (refund_attempt.read_timeout, refund_attempt.timed_out) == (0.3, True)
    assert session.all_within_the_deadline()
    assert len(bc_sandbox.requests.find("POST", r"/payment_actions/refunds$")) == 1
    assert [r.total_amount for r in client.list_refunds(order.id)] == [Decimal("1.00")]


def test_a_refund_with_an_unreadable_answer_is_outcome_unknown(
    client: BigCommerceClient, bc_sandbox: Any, order: Order
) -> None:
    items, payments = refund_of(client, order)
    bc_sandbox.faults.add(r"/payment_actions/refunds$", "malformed_json", method="POST")
    with pytest.raises(OutcomeUnknown):
        client.create_refund(order.id, items, payments)
    assert len(client.list_refunds(order.id)) == 1


def test_a_rate_limited_refund_is_not_retried_and_did_not_happen(
    client: BigCommerceClient, bc_sandbox: Any, order: Order
) -> None:
    items, payments = refund_of(client, order)
    bc_sandbox.faults.add(r"/payment_actions/refunds$", "rate_limit", method="POST", retry_after=1)
    with pytest.raises(RateLimited):
        client.create_refund(order.id, items, payments)
    assert len(bc_sandbox.requests.find("POST", r"/payment_actions/refunds$")) == 1
    assert client.list_refunds(order.id) == []


@pytest.mark.parametrize("kind", [502, "reset"])
def test_a_failed_status_update_is_sent_once(
    kind: int | str, client: BigCommerceClient, bc_sandbox: Any, order: Order
) -> None:
    bc_sandbox.faults.add(r"^/v2/orders/\d+$", kind, method="PUT")
    with pytest.raises(OutcomeUnknown):
        client.update_order_status(order.id, 5)
    assert len(bc_sandbox.requests.find("PUT", r"^/v2/orders/\d+$")) == 1


def five_off() -> PromotionCreate:
    action = PromotionAction(cart_value=CartValueAction(discount=FixedDiscount(fixed_amount=Decimal("5"))))
    return PromotionCreate(name="Five off", rules=[PromotionRule(action=action)])


def _create_promotion(client: BigCommerceClient, order: Order) -> object:
    return client.create_promotion(five_off())


def _create_customers(client: BigCommerceClient, order: Order) -> object:
    return client.create_customers([CustomerCreate(email="new@example.org", first_name="N", last_name="C")])


def _create_order(client: BigCommerceClient, order: Order) -> object:
    return client.create_order(
        OrderCreate(
            billing_address=OrderAddressCreate(zip="78701"),
            products=[
                OrderProductCreate(name="Pen", quantity=1, price_inc_tax=Decimal(1), price_ex_tax=Decimal(1))
            ],
        )
    )


def _create_shipment(client: BigCommerceClient, order: Order) -> object:
    product = client.list_order_products(order.id)[0]
    address = client.list_shipping_addresses(order.id)[0]
    shipment = ShipmentCreate(
        order_address_id=address.id,
        items=[ShipmentItemCreate(order_product_id=product.id, quantity=1)],
    )
    return client.create_shipment(order.id, shipment)


@pytest.mark.parametrize(
    ("write", "method", "path"),
    [
        (_create_promotion, "POST", r"^/v3/promotions$"),
        (_create_customers, "POST", r"^/v3/customers$"),
        (_create_order, "POST", r"^/v2/orders$"),
        (_create_shipment, "POST", r"/shipments$"),
    ],
)
def test_other_writes_are_sent_once_too(
    write: Callable[[BigCommerceClient, Order], object],
    method: str,
    path: str,
    client: BigCommerceClient,
    bc_sandbox: Any,
    order: Order,
) -> None:
    # Given a 503 planned on the write (and a log that starts after the fixtures were made)
    bc_sandbox.faults.add(path, 503, method=method)
    bc_sandbox.requests.clear()
    # When it is sent, Then its outcome is unknown and it went out exactly once
    with pytest.raises(OutcomeUnknown):
        write(client, order)
    assert len(bc_sandbox.requests.find(method, path)) == 1


def test_a_promotion_code_that_may_exist_can_be_checked(client: BigCommerceClient, bc_sandbox: Any) -> None:
    # Given a promotion, and a code POST whose answer never arrives after the code was made
    promotion = client.create_promotion(five_off())
    bc_sandbox.faults.add(r"/codes$", "slow", method="POST", seconds=1.0)
    # When the code is created
    with pytest.raises(OutcomeUnknown):
        client.create_promotion_code(promotion.id, "MAYBE-1")
    # Then looking it up settles the question
    assert client.find_promotion_code("MAYBE-1") is not None


def test_a_write_that_never_connected_is_plainly_unavailable() -> None:
    # Given a port nobody listens on
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    nowhere = BigCommerceClient("sandbox", TOKEN, api_base=f"http://127.0.0.1:{port}", connect_timeout=0.3)
    # When a status change is sent
    with nowhere, pytest.raises(UpstreamUnavailable) as raised:
        nowhere.update_order_status(100, 5)
    # Then it is known not to have happened (no connection was made): not an unknown outcome
    assert not isinstance(raised.value, OutcomeUnknown)


# --- the metrics hook -----------------------------------------------------------------------------


def test_a_failing_hook_does_not_fail_the_call(bc_sandbox: Any) -> None:
    def broken(record: RequestRecord) -> None:
        raise RuntimeError("metrics are down")

    with BigCommerceClient(
        bc_sandbox.store_hash, TOKEN, api_base=bc_sandbox.url, on_request=broken
    ) as client:
        assert client.get_store().currency
