"""Every submitted value means exactly one thing (issue 16): each reproducer of its "Why", signed as Gladly
signs, through the local API Gateway and the real handlers, on a real form (a fresh one-time token).

Each is refused with a 400 on its field (Gladly's error shape; `attr` is "" when the name is no plain
field name or a URL parameter is at fault), and nothing changed: BigCommerce got no write (the sandbox's
request log holds reads and refund quotes only), the store's refunds, statuses and promotions are as
seeded, and the form's token has no attempt journaled. The unit-level cases are in
tests/unit/test_submit_reading.py; the events in events/ that replay them are in each action's test.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from devtools.aws import LocalResources
from devtools.replay import GladlyClient
from devtools.sandbox import seed
from devtools.sandbox.server import SandboxServer
from gladly_bigcommerce.actions.machinery.attempts import AttemptJournal
from gladly_bigcommerce.actions.machinery.tokens import FormSubject
from tests.integration.actions_support import (
    MARTHA,
    check_token,
    error_of,
    open_action_form,
    open_form,
    refunds_of,
    sections_by_attr,
    submit,
    with_query,
)
from tests.integration.test_discount_action import TEN_PERCENT

REFUND_ORDER = seed.REFUNDABLE_ORDER_ID  # $331.92 paid by card (braintree); lines 1 and 2 (2 graters)
CANCEL_ORDER = seed.UNSHIPPED_ORDER_ID  # $170.54 paid by card: the form offers none and three refunds
CANCELLED = 5

pytestmark = pytest.mark.usefixtures("bc_sandbox")


def writes(sandbox: SandboxServer) -> list[str]:
    """Every request that could change the store: anything but a read or a refund quote."""
    return [
        f"{record.method} {record.path}"
        for record in sandbox.requests.snapshot()
        if record.method not in ("GET", "HEAD") and not record.path.endswith("/payment_actions/refund_quotes")
    ]


def status_of(sandbox: SandboxServer, order_id: int) -> int:
    with sandbox.store.lock:
        return sandbox.store.order(order_id).status_id


def promotions(sandbox: SandboxServer) -> list[int]:
    with sandbox.store.lock:
        return sorted(sandbox.store.promotions)


@pytest.fixture
def journal(local_aws: LocalResources) -> AttemptJournal:
    """The attempt journal the action functions write (the order-locks table, in moto)."""
    return AttemptJournal(
        client=local_aws.aws.client("dynamodb"), table_name=local_aws.table_names["OrderLocksTable"]
    )


def raw_submit(client: GladlyClient, form: dict[str, Any], body: bytes) -> requests.Response:
    """POST raw JSON bytes (a number written as Gladly never writes one) to the form's actionUrl."""
    return client.post(form["actionUrl"], body)


def assert_refused(response: requests.Response, attr: str, code: str) -> None:
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert (error["attr"], error["code"]) == (attr, code), error
    assert error["detail"] and error["message"]


def assert_nothing_done(
    client: GladlyClient,
    sandbox: SandboxServer,
    journal: AttemptJournal,
    form: dict[str, Any],
    subject: FormSubject,
) -> None:
    """No write reached BigCommerce, the store is as seeded, and the form's token journaled no attempt."""
    assert writes(sandbox) == []
    assert refunds_of(sandbox, REFUND_ORDER) == [] and refunds_of(sandbox, CANCEL_ORDER) == []
    assert status_of(sandbox, CANCEL_ORDER) != CANCELLED
    token = check_token(client, form, subject)
    assert journal.get(subject.action, token.nonce) is None


def refused_on_a_refund_form(
    client: GladlyClient,
    sandbox: SandboxServer,
    journal: AttemptJournal,
    values: dict[str, Any],
    refused: tuple[str, str],
) -> None:
    """Submit ``values`` to a fresh refund form of REFUND_ORDER: refused as ``(attr, code)``, nothing done."""
    form = open_form(client, "refund", REFUND_ORDER)
    assert_refused(submit(client, form, values), *refused)
    assert_nothing_done(client, sandbox, journal, form, REFUND_SUBJECT)


REFUND_SUBJECT = FormSubject("refund", REFUND_ORDER, MARTHA)
CANCEL_SUBJECT = FormSubject("cancel", CANCEL_ORDER, MARTHA)
VALID_REFUND = {"refund": "amount", "amount": "5.00", "payment_method": "braintree", "reason": "Goodwill"}


# --- Cancel: the refund choice is exactly one the form offered -------------------------------------------


@pytest.mark.parametrize("choice", ["refund:", "refund: braintree", "refund:braintree ", " none", "NONE"])
def test_a_cancel_refund_choice_the_form_never_offered_cancels_nothing_and_refunds_nothing(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, journal: AttemptJournal, choice: str
) -> None:
    # Given the cancel form of an unshipped, paid order: none, refund:braintree, :storecredit, :custom
    form = open_form(gladly_client, "cancel", CANCEL_ORDER)
    assert "refund:" not in [
        option["value"] for option in sections_by_attr(form)["refund"]["input"]["options"]
    ]
    # When the submit carries a spelling of a choice the form never offered
    response = submit(gladly_client, form, {"reason": "Changed mind", "refund": choice})
    # Then it is refused on the select, and the order is neither cancelled nor refunded
    assert_refused(response, "refund", "invalid_choice")
    assert_nothing_done(gladly_client, bc_sandbox, journal, form, CANCEL_SUBJECT)


# --- Refund method: a value of another JSON type is refused, never read as "no choice" -------------------


@pytest.mark.parametrize("method", [["storecredit"], 7, {"key": "storecredit"}, True])
def test_a_refund_method_of_another_json_type_is_refused_and_nothing_is_refunded(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, journal: AttemptJournal, method: Any
) -> None:
    values = {**VALID_REFUND, "payment_method": method}
    refused_on_a_refund_form(gladly_client, bc_sandbox, journal, values, ("payment_method", "invalid_type"))


# --- Line items: one field each -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "attr"),
    [
        ({"qty_01": "1"}, "qty_01"),
        ({"qty_2": "1", "qty_02": "1"}, "qty_02"),
        ({"qty_\u0662": "1"}, ""),
        ({"qty_2": "1", "QTY_2": "1"}, "QTY_2"),
        ({"qty_2": "1", "qty_" + "9" * 4_301: "1"}, ""),
        ({"qty_2": "1", "9" * 4_301: "1"}, ""),
    ],
    ids=[
        "zero-padded",
        "alias-beside-its-field",
        "arabic-indic-digit",
        "upper-case-beside-its-field",
        "qty-of-4301-digits",
        "name-of-4301-digits",
    ],
)
def test_a_line_item_under_another_name_is_refused_and_nothing_is_refunded(
    gladly_client: GladlyClient,
    bc_sandbox: SandboxServer,
    journal: AttemptJournal,
    values: dict[str, str],
    attr: str,
) -> None:
    form = open_form(gladly_client, "refund", REFUND_ORDER)
    response = submit(gladly_client, form, {"refund": "items", "reason": "Chipped", **values})
    assert_refused(response, attr, "unknown_field")
    assert "9999" not in response.text  # an overlong name is never echoed
    assert_nothing_done(gladly_client, bc_sandbox, journal, form, REFUND_SUBJECT)


def test_a_line_item_given_twice_under_the_same_name_is_refused_and_nothing_is_refunded(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, journal: AttemptJournal
) -> None:
    # Given a submit whose JSON gives qty_2 twice (a parser keeps the last one silently)
    form = open_form(gladly_client, "refund", REFUND_ORDER)
    body = b'{"payment_method":"braintree","qty_2":"1","qty_2":"2","reason":"Chipped","refund":"items"}'
    # Then it is refused as a body, naming no field, and nothing is refunded
    assert_refused(raw_submit(gladly_client, form, body), "", "duplicate_key")
    assert_nothing_done(gladly_client, bc_sandbox, journal, form, REFUND_SUBJECT)


# --- Numbers: ASCII digits, one point, as strings ---------------------------------------------------------


@pytest.mark.parametrize(
    "amount",
    ["\u0661\u0662", "\uff11\uff12.\uff15", "\U0001d7d0", "12\u00a0", "\u00a012", " 12", "1e2", "12.505"],
    ids=[
        "arabic-indic",
        "fullwidth",
        "mathematical-bold",
        "trailing-nbsp",
        "leading-nbsp",
        "space",
        "exp",
        "3dp",
    ],
)
def test_an_amount_in_anything_but_plain_ascii_digits_is_refused_and_nothing_is_refunded(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, journal: AttemptJournal, amount: str
) -> None:
    values = {**VALID_REFUND, "amount": amount}
    refused_on_a_refund_form(gladly_client, bc_sandbox, journal, values, ("amount", "invalid_amount"))


@pytest.mark.parametrize("number", [b"1e2", b"100", b"12.5", b"9" * 4_000])
def test_an_amount_sent_as_a_json_number_is_refused_and_nothing_is_refunded(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, journal: AttemptJournal, number: bytes
) -> None:
    form = open_form(gladly_client, "refund", REFUND_ORDER)
    body = json.dumps({**VALID_REFUND, "amount": "NUMBER"}, separators=(",", ":")).encode()
    response = raw_submit(gladly_client, form, body.replace(b'"NUMBER"', number))
    assert_refused(response, "amount", "invalid_type")
    assert_nothing_done(gladly_client, bc_sandbox, journal, form, REFUND_SUBJECT)


@pytest.mark.parametrize("quantity", ["\u0661", "\uff11", "1\u00a0", " 1"])
def test_a_quantity_in_anything_but_plain_ascii_digits_is_refused(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, journal: AttemptJournal, quantity: str
) -> None:
    values = {"refund": "items", "qty_2": quantity, "reason": "Chipped"}
    refused_on_a_refund_form(gladly_client, bc_sandbox, journal, values, ("qty_2", "invalid_quantity"))


def test_a_discount_in_other_digits_or_json_numbers_makes_no_code(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    seeded = promotions(bc_sandbox)
    for changes, attr, code in [
        ({"amount": "\u0661\u0660"}, "amount", "invalid_percentage"),
        ({"uses": "\uff11"}, "uses", "invalid_number"),
        ({"valid_days": 30}, "valid_days", "invalid_type"),
        ({"discount_type": "percentage "}, "discount_type", "invalid_choice"),
    ]:
        form = open_action_form(gladly_client, "discount", {"customer": MARTHA})
        assert_refused(submit(gladly_client, form, {**TEN_PERCENT, **changes}), attr, code)
    assert writes(bc_sandbox) == [] and promotions(bc_sandbox) == seeded


# --- URL ids: one spelling --------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["0104", "+104", "\u0661\u0660\u0664"])
def test_an_order_id_spelled_otherwise_is_refused_even_with_that_orders_token(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, journal: AttemptJournal, spelling: str
) -> None:
    # Given a form of order 104, its token issued for order 104
    order = seed.PARTIALLY_REFUNDED_ORDER_ID
    form = open_form(gladly_client, "refund", order)
    # When its submit URL names the order 0104
    response = gladly_client.post(with_query(form["actionUrl"], orderId=spelling), VALID_REFUND)
    # Then the URL is refused (no field of the form is at fault), and nothing is refunded
    assert_refused(response, "", "invalid")
    assert writes(bc_sandbox) == [] and len(refunds_of(bc_sandbox, order)) == 1  # the seeded one
    assert (
        journal.get("refund", check_token(gladly_client, form, FormSubject("refund", order, MARTHA)).nonce)
        is None
    )


# --- Text: no control or direction characters; echoed escaped ----------------------------------------------


@pytest.mark.parametrize(
    "reason",
    ["Arrived \u202edegamad ton", "Damaged\u0000", "\u2066isolated\u2069", "two\nlines", "x" * 1_001],
    ids=["right-to-left-override", "nul", "isolate", "newline", "too-long"],
)
def test_a_reason_with_control_or_direction_characters_is_refused_on_its_field(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, journal: AttemptJournal, reason: str
) -> None:
    form = open_form(gladly_client, "refund", REFUND_ORDER)
    response = submit(gladly_client, form, {**VALID_REFUND, "reason": reason})
    assert response.status_code == 400, response.text
    assert (error_of(response)["attr"], error_of(response)["code"]) in {
        ("reason", "invalid_text"),
        ("reason", "too_long"),
    }
    assert_nothing_done(gladly_client, bc_sandbox, journal, form, REFUND_SUBJECT)


def test_markup_in_a_reason_is_recorded_as_typed_and_echoed_escaped(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    reason = "<script>alert(1)</script> & goodwill"
    response = submit(
        gladly_client, open_form(gladly_client, "refund", REFUND_ORDER), {**VALID_REFUND, "reason": reason}
    )
    assert response.status_code == 200, response.text
    detail = response.json()["detail"]
    assert "Reason: &lt;script&gt;alert(1)&lt;/script&gt; &amp; goodwill" in detail
    assert "<script>" not in response.text
    (refund,) = refunds_of(bc_sandbox, REFUND_ORDER)
    assert refund.reason == reason  # BigCommerce keeps what the agent typed


# --- A valid submit still goes through ----------------------------------------------------------------


def test_the_forms_own_spelling_of_everything_still_refunds(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    form = open_form(gladly_client, "refund", REFUND_ORDER)
    response = submit(gladly_client, form, {**VALID_REFUND, "qty_1": "0", "qty_2": "0", "shipping_1": ""})
    assert response.status_code == 200, response.text
    (refund,) = refunds_of(bc_sandbox, REFUND_ORDER)
    assert str(refund.total_amount) == "5.00"


# --- A form opened before the order changed --------------------------------------------------------------


def test_a_form_opened_before_a_line_was_refunded_still_submits_its_zero_and_refuses_more(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a refund form of order 100 opened while both lines were left, and line 1 then refunded
    # through another form (the first form still shows it, and submits its "0")
    stale = open_form(gladly_client, "refund", REFUND_ORDER)
    first_line = {
        "refund": "items",
        "qty_1": "1",
        "qty_2": "0",
        "reason": "The first line",
        "payment_method": "braintree",
    }
    assert (
        submit(gladly_client, open_form(gladly_client, "refund", REFUND_ORDER), first_line).status_code == 200
    )
    assert "qty_1" not in sections_by_attr(open_form(gladly_client, "refund", REFUND_ORDER))
    # When the stale form asks for line 1 again, it is refused on that field: nothing is left of it
    again = {"refund": "items", "qty_1": "1", "qty_2": "0", "reason": "Again", "payment_method": "braintree"}
    assert_refused(submit(gladly_client, stale, again), "qty_1", "exceeds_remaining")
    assert len(refunds_of(bc_sandbox, REFUND_ORDER)) == 1
    # And when it refunds line 2, its untouched line 1 ("0") is no obstacle
    second = {
        "refund": "items",
        "qty_1": "0",
        "qty_2": "1",
        "reason": "One grater",
        "payment_method": "braintree",
    }
    assert submit(gladly_client, stale, second).status_code == 200
    assert len(refunds_of(bc_sandbox, REFUND_ORDER)) == 2
