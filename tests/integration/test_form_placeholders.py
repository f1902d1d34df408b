"""The placeholder of a form's number field is a value that field takes (issue 18): never above the
limit its label states ("Shipping: up to $9.95" with a placeholder of 12.50 invites an agent to type
an amount the submit refuses).

Every form the sandbox can produce is opened through the local gateway, as Gladly opens it: the refund
and cancel form of every order and the discount form of every shopper of the demo store; the discount
form under limits below the usual example; and the forms of the Japanese store, in yen. Each number
placeholder is checked against every "up to ..." its label states, and against the spelling the field
reads (ASCII digits, the currency's decimals).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from devtools.replay import GladlyClient
from devtools.sandbox import SandboxServer
from devtools.sandbox.server import JAPAN_STORE_HASH
from devtools.sandbox.store import SandboxStore
from gladly_bigcommerce.bigcommerce.quota import forget_quotas
from gladly_bigcommerce.gladly.customer_ids import guest_customer_id
from tests.fixtures.gateway import configured_gateway
from tests.integration.actions_support import form_url, submit

ALL_ACTIONS = {"ACTIONS_ENABLED": "refund,cancel,discount"}
UP_TO = re.compile(r"up to ([^\s),]*[0-9][0-9,.]*)")
PLAIN = re.compile(r"[0-9]+(\.[0-9]+)?")


def every_form_url(client: GladlyClient, store: SandboxStore) -> list[str]:
    """The formUrl of each order's refund and cancel form and each shopper's discount form."""
    urls = []
    for order in store.orders.values():
        customer = (
            str(order.customer_id) if order.customer_id else guest_customer_id(order.billing_address.email)
        )
        urls += [
            form_url(client, action, {"orderId": order.id, "customer": customer})
            for action in ("refund", "cancel")
        ]
    urls += [form_url(client, "discount", {"customer": str(customer)}) for customer in store.customers]
    return urls


def limits_stated(label: str) -> list[Decimal]:
    """Each "up to ..." of a label as a number: "up to $1,234.50" -> 1234.50, "up to 20%" -> 20."""
    return [Decimal(re.sub(r"[^0-9.]", "", found).rstrip(".")) for found in UP_TO.findall(label)]


def placeholder_problems(form: dict[str, Any]) -> list[str]:
    """What is wrong with the number placeholders of one form (nothing when each is within its label's
    limits and spelled as the field reads)."""
    problems = []
    for section in form["sections"]:
        placeholder = (section.get("input") or {}).get("placeholder")
        limits = limits_stated(section.get("label", ""))
        if placeholder is None or not limits:
            continue
        if not PLAIN.fullmatch(placeholder):
            problems.append(f"{section['attr']}: placeholder {placeholder!r} is no plain number")
        elif Decimal(placeholder) <= 0 or any(Decimal(placeholder) > limit for limit in limits):
            problems.append(f"{section['attr']}: placeholder {placeholder} beside {section['label']!r}")
    return problems


def check_every_form(client: GladlyClient, urls: list[str]) -> tuple[list[str], list[str]]:
    """Open each form; the number placeholders checked, and the problems found."""
    checked: list[str] = []
    problems: list[str] = []
    for url in urls:
        response = client.get(url)
        if response.status_code == 406:  # nothing left to refund, not cancellable: no form to show
            continue
        assert response.status_code == 200, (url, response.text)
        form = response.json()
        checked += [
            section["input"]["placeholder"]
            for section in form["sections"]
            if (section.get("input") or {}).get("placeholder") and limits_stated(section.get("label", ""))
        ]
        problems += [f"{url}: {problem}" for problem in placeholder_problems(form)]
    return checked, problems


@pytest.fixture
def unlimited_quota(bc_sandbox: SandboxServer) -> SandboxServer:
    """Every form of every order is a few hundred calls: more than the store's 150 per 30 s."""
    bc_sandbox.rate_limit.configure(quota=100_000)
    forget_quotas()
    return bc_sandbox


@pytest.fixture
def tight_discounts(bc_sandbox_server: SandboxServer) -> Iterator[GladlyClient]:
    """A deployment whose discounts go up to 5% or $3, below the usual example of 12.50."""
    settings = {**ALL_ACTIONS, "DISCOUNT_MAX_PERCENT": "5", "DISCOUNT_MAX_AMOUNT": "3"}
    with configured_gateway(bc_sandbox_server, settings) as client:
        yield client


def test_every_form_of_the_demo_store_has_placeholders_within_its_fields_limits(
    gladly_client: GladlyClient, unlimited_quota: SandboxServer
) -> None:
    # Given every order and shopper of the demo store (shipping of $9.95 among them)
    urls = every_form_url(gladly_client, unlimited_quota.store)
    # When each form is opened as Gladly opens it
    checked, problems = check_every_form(gladly_client, urls)
    # Then no number placeholder is above what its label says the field takes
    assert problems == []
    assert len(checked) > 50  # refund shipping and custom amounts of many orders, and the discount forms


def test_the_discount_placeholder_stays_within_limits_below_the_usual_example(
    tight_discounts: GladlyClient, unlimited_quota: SandboxServer
) -> None:
    urls = [
        form_url(tight_discounts, "discount", {"customer": str(c)}) for c in unlimited_quota.store.customers
    ]
    checked, problems = check_every_form(tight_discounts, urls[:5])
    assert problems == []
    assert checked == ["3.00"] * 5  # the lower of 5 (%) and 3 (USD), in cents
    # And a percentage left empty or mistyped is shown an example the field takes
    form = tight_discounts.get(urls[0]).json()
    for typed, detail in (
        ("", "Enter the percentage off, like 5."),
        ("5%", "Type a percentage above zero like 5, without the % sign."),
    ):
        answer = submit(
            tight_discounts, form, {"discount_type": "percentage", "amount": typed, "reason": "Sorry"}
        )
        assert answer.status_code == 400
        assert [(e["attr"], e["detail"]) for e in answer.json()["errors"]] == [("amount", detail)]


def test_every_form_of_the_yen_store_has_placeholders_in_whole_yen_within_limits(
    bc_sandbox_server: SandboxServer, unlimited_quota: SandboxServer
) -> None:
    settings = {**ALL_ACTIONS, "BIGCOMMERCE_STORE_HASH": JAPAN_STORE_HASH}
    with configured_gateway(bc_sandbox_server, settings) as client:
        checked, problems = check_every_form(
            client, every_form_url(client, unlimited_quota.stores[JAPAN_STORE_HASH])
        )
    assert problems == []
    assert len(checked) >= 3 and all(placeholder.isdigit() for placeholder in checked), checked
