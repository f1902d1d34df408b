"""The logs of representative traffic hold no personal data, secret or stack trace (issue 9, item 6).

`make run` runs in a child process (`configured_gateway`) whose whole output is captured: the handlers'
logs (Powertools JSON), the local gateway's access log and its own messages. Every event in `events/`
is replayed as `make replay` does, then a bounded fuzzing campaign (`devtools/fuzz.py`) is sent, and
the output after the banner is scanned for what the traffic actually carried, in clear: the emails,
phone numbers and names of the events and of every shopper of the seeded store (in each spelling the
store holds, and in E.164), the credentials secret's values, every form token issued and every
discount code created; and for any stack trace.

The banner `make run` prints before serving is left out: it shows the local signing key on purpose,
for the developer who signs requests by hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import phonenumbers
import pytest
import requests

from devtools.fuzz import FUZZ_QUOTA, Fuzzer
from devtools.gateway_log import mask_query_values
from devtools.replay import DEFAULT_SIGNING_KEY, FRESH_FORM_TOKEN, load_event
from devtools.run import local_secret
from devtools.sandbox import SandboxServer
from devtools.sandbox.store import SandboxStore
from gladly_bigcommerce.gladly.customer_ids import GUEST_ID_PREFIX
from tests.fixtures.gateway import BANNER_END, configured_gateway

EVENTS = sorted((Path(__file__).resolve().parents[2] / "events").glob("*.json"))
FUZZ_EXAMPLES = 4
"""A bounded campaign (about 130 requests) on top of the events: hostile input, logged as it is."""
DISCOUNT_CODE = re.compile(r"\bGLADLY-[A-Z0-9]{4}-[A-Z0-9]{4}\b")
CONTACT_KEYS = ("emails", "email", "phones", "phone")
MAKE_RUN_SETTINGS = {"ACTIONS_ENABLED": "true"}
"""`make run` against the sandbox turns every action on; the child is given the store as a real one."""


@dataclass(frozen=True)
class Forbidden:
    what: str
    value: str


def test_the_output_of_representative_traffic_holds_no_personal_data_secret_or_stack_trace(
    bc_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """One test, so that the traffic runs once whatever the workers."""
    # Given `make run` against a freshly seeded store, its whole output captured, with a quota no
    # campaign reaches (every request reaches the handlers and their logs)
    bc_sandbox.rate_limit.configure(quota=FUZZ_QUOTA)
    log = tmp_path / "make-run.log"
    # When every event is replayed as `make replay` does, then a bounded fuzzing campaign is sent
    with configured_gateway(bc_sandbox, MAKE_RUN_SETTINGS, log_file=log) as client:
        answers = [client.send_event(event_file) for event_file in EVENTS]
        replayed_tokens = {
            token
            for event_file, answer in zip(EVENTS, answers, strict=True)
            if FRESH_FORM_TOKEN in event_file.read_text(encoding="utf-8")
            for token in parse_qs(urlsplit(str(answer.request.url)).query).get("token", [])
        }
        fuzzer = Fuzzer(client.base_url)
        fuzzer.report.keep_answers = True
        fuzzer.run(FUZZ_EXAMPLES)
        answers += fuzzer.report.answers
    output = log.read_text(encoding="utf-8", errors="replace").partition(BANNER_END)[2]
    forbidden = forbidden_values(EVENTS, bc_sandbox.store, answers, replayed_tokens)

    # Then the traffic was representative: the handlers worked and refused, so every kind of log line
    # is in the output, beside the gateway's access log
    assert {200, 400, 401, 406} <= {answer.status_code for answer in answers}
    assert '"level":"INFO"' in output and '"level":"WARNING"' in output
    assert re.search(r'"POST /prod/actions/refund\?orderId=\d+&customer=\*\*\*&token=\*\*\* HTTP', output)
    # And the scan has values of every kind to look for
    kinds = {item.what for item in forbidden}
    assert {"email", "phone", "name", "access token", "signing key", "form token", "discount code"} <= kinds
    # And none of them is in the output in clear
    text = output.lower()
    leaks = sorted({f"{item.what}: {item.value}" for item in forbidden if item.value.lower() in text})
    assert leaks == [], "\n".join([*leaks, "", *_lines_with(output, forbidden)[:20]])
    # And no stack trace either
    assert "Traceback" not in output, _around(output, "Traceback")


@pytest.mark.parametrize(
    ("logged", "masked"),
    [
        (
            "/prod/actions/refund?orderId=110&customer=guest%3Aguest.shopper%40example.com&token=17.abc.def",
            "/prod/actions/refund?orderId=110&customer=***&token=***",
        ),
        ("/prod/actions/discount?customer=guest:a@b.com", "/prod/actions/discount?customer=***"),
        ("/prod/actions/cancel?orderId=guest:a@b.com", "/prod/actions/cancel?orderId=***"),
        ("/prod/lookup", "/prod/lookup"),
        (
            "Bad request syntax ('GET /prod/actions/refund?customer=guest:a@b.com&guest:c@d.com HTTP/1.1')",
            "Bad request syntax ('GET /prod/actions/refund?customer=***&*** HTTP/1.1')",
        ),
    ],
    ids=["action-url", "unencoded", "order-id-not-digits", "no-query", "error-line"],
)
def test_the_access_log_masks_every_query_value_but_an_order_number(logged: str, masked: str) -> None:
    assert mask_query_values(logged) == masked


# --- What must not appear ----------------------------------------------------------------------------


def forbidden_values(
    event_files: Iterable[Path],
    store: SandboxStore,
    answers: Iterable[requests.Response],
    replayed_tokens: Iterable[str],
) -> list[Forbidden]:
    """Everything the traffic carried that a log may not hold in clear (values under 4 characters are
    left out: they would match anywhere and identify no one)."""
    answers = list(answers)
    items: list[Forbidden] = []
    for event_file in event_files:
        items += _event_values(load_event(event_file))
    items += _store_values(store)
    secret = local_secret(signing_key=DEFAULT_SIGNING_KEY)
    items += [
        Forbidden("access token", secret["access_token"]),
        Forbidden("signing key", secret["gladly_signing_key"]),
    ]
    items += [Forbidden("form token", token) for token in _issued_tokens(answers, replayed_tokens)]
    items += [Forbidden("discount code", code) for code in _discount_codes(answers, store)]
    # Each value also as it reads in a URL (an access log line quotes what the client sent).
    items += [Forbidden(item.what, quote(item.value)) for item in items if quote(item.value) != item.value]
    unique = {(item.what, item.value): item for item in items if len(item.value) >= 4}
    return list(unique.values())


def _event_values(event: dict[str, Any]) -> list[Forbidden]:
    items = []
    body = _json_or_none(event.get("body"))
    query = body.get("query") if isinstance(body, dict) else None
    if isinstance(query, dict):
        for key in CONTACT_KEYS:
            for value in _strings(query.get(key)):
                items += _contact(value, "email" if key.startswith("email") else "phone")
        for value in _strings(query.get("name")):
            items.append(Forbidden("name", value))
        for value in _strings(query.get("externalCustomerId")):
            items += _guest_email(value)
    for value in (event.get("queryStringParameters") or {}).values():
        items += _guest_email(str(value))
    return items


def _store_values(store: SandboxStore) -> list[Forbidden]:
    """Every shopper of the store: customers, and the billing and shipping people of orders."""
    items = []
    with store.lock:
        people = [
            (customer.email, customer.phone, customer.first_name, customer.last_name)
            for customer in store.customers.values()
        ]
        for order in store.orders.values():
            addresses = [order.billing_address, *(shipping.address for shipping in order.shipping_addresses)]
            people += [
                (address.email, address.phone, address.first_name, address.last_name) for address in addresses
            ]
    for email, phone, first_name, last_name in people:
        items += _contact(email, "email") + _contact(phone, "phone")
        if first_name and last_name:
            items.append(Forbidden("name", f"{first_name} {last_name}"))
    return items


def _contact(value: str, kind: str) -> list[Forbidden]:
    value = value.strip()
    if not value:
        return []
    items = [Forbidden(kind, value)]
    if kind == "phone":
        items += [Forbidden("phone", spelling) for spelling in _phone_spellings(value)]
    return items


def _phone_spellings(phone: str) -> list[str]:
    """E.164 and the national digits of a phone, besides the spelling given."""
    spellings = []
    for region in ("US", "GB"):
        try:
            number = phonenumbers.parse(phone, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            spellings.append(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
            spellings.append(str(number.national_number))
            break
    return spellings


def _guest_email(customer_ref: str) -> list[Forbidden]:
    if customer_ref.startswith(GUEST_ID_PREFIX):
        return _contact(customer_ref.removeprefix(GUEST_ID_PREFIX), "email")
    return []


def _issued_tokens(answers: Iterable[requests.Response], replayed_tokens: Iterable[str]) -> set[str]:
    """Tokens of forms rendered (their actionUrl) and of submits `make replay` issued a token for, and
    each long part of them (a token's random part alone is as good as the token to whoever reads it)."""
    tokens = set(replayed_tokens)
    for answer in answers:
        document = _json_or_none(answer.text)
        if answer.status_code == 200 and isinstance(document, dict) and "actionUrl" in document:
            tokens.update(parse_qs(urlsplit(document["actionUrl"]).query).get("token", []))
    return tokens | {part for token in tokens for part in token.split(".") if len(part) >= 16}


def _discount_codes(answers: Iterable[requests.Response], store: SandboxStore) -> set[str]:
    codes = {code for answer in answers for code in DISCOUNT_CODE.findall(answer.text)}
    with store.lock:
        codes.update(code.code for code in store.coupon_codes.values() if DISCOUNT_CODE.match(code.code))
    return codes


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _json_or_none(text: Any) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _lines_with(output: str, forbidden: Iterable[Forbidden]) -> list[str]:
    values = [item.value.lower() for item in forbidden]
    return [line[:400] for line in output.splitlines() if any(value in line.lower() for value in values)]


def _around(text: str, needle: str, width: int = 1500) -> str:
    at = text.find(needle)
    return "" if at < 0 else text[max(0, at - 200) : at + width]
