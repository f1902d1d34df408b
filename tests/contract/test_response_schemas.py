"""Every answer BigCommerce's OpenAPI files allow is read by the client (issue 8, item 3).

For each operation the client calls, answers are generated from the success response schema of the
(patched: `KNOWN_DEVIATIONS`) OpenAPI file with hypothesis-jsonschema, served to a real
`BigCommerceClient` through a stub session, and read by the client's own parsing path (JSON decoded
with `parse_float=Decimal`, then `_one`/`_many`/`_v3_many`). For every answer:

- it never raises, unless it lacks what the adaptor cannot do without (a required field of the model,
  e.g. an order's `id`, which the files do not require): a list then skips exactly those items; a
  single object, and a refund list (read whole or not at all: a skipped refund could be refunded
  again), raise the client's own `BadUpstreamResponse`, or `OutcomeUnknown` for a write;
- money is `Decimal` equal to what was sent, for every money field of the model and of the models in it,
  as `MONEY_FIELDS_OF` lists them here (not found through the models' own validators, so a field that
  stops being read as money fails the check instead of leaving it), and no float appears anywhere;
- the example answers in the files read too, with no item skipped (except the listed examples that
  themselves lack an essential field).

Operations: every one `client.py` calls (the `PUT /v2/orders/{id}` that cancels included), and the
fixture writes of `devtools/sandbox/admin_client.py` (create customers, orders, shipments).

Not covered, because no OpenAPI file describes them (`OUTSIDE_CONTRACT` in
`devtools/sandbox/contract.py`): `GET /v3/catalog/products` and `GET /v2/customer_groups`.
`test_every_operation_the_client_calls_is_covered` keeps that list honest.

The generated schemas are the published ones with these changes, each a documented format the files
state only in prose, or a size cap:
- money members typed `string` are decimal strings (the files say "Float-As-String"); dates typed
  `string` without a format are RFC 2822 or `""` in v2 (the files say "RFC-2822"; `""` is v2's
  "not yet") and ISO 8601 in v3 (promotion dates);
- counts and ids the files type `number` (`items_total`, `quantity_refunded`, `customer_id`...) are
  integers, as in every example and real answer;
- a v3 envelope's `data` is required: an answer without it is unreadable on purpose (reading it as
  "nothing" could repeat a refund or a code), shown by `test_a_v3_answer_without_data_is_unreadable`;
- what the model cannot do without (its fields without a default, e.g. an order's `id`) is required and
  not null, and a list answer holds at least one item, so that at least half of the answers of every
  operation reach the reading of their models (the test counts them); answers as the file alone allows,
  mostly lacking those, are read too (`test_answers_lacking_what_the_adaptor_needs_are_skipped_or_refused`);
- only the members the models read are generated (the models ignore unknown members, so those cannot
  change what is read; the examples keep them all), each object closed to others, `allOf` parts
  merged; arrays hold at most 3 items and free strings at most 30 characters (speed: about 20 s for
  the module, deterministic: `derandomize=True`, 30 answers per operation, and 10 more without the
  model's essentials);
- a promotion's `rules` (400 kB of schema per alternative) are read as opaque objects, so any
  object is generated there: a superset of what the file allows.

hypothesis-jsonschema 0.23.1 drives Hypothesis' internal `many()` with a protocol the pinned
Hypothesis (6.170) no longer has; `_StepwiseMany` below adapts that one call.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis.internal.conjecture import utils as conjecture_utils
from hypothesis_jsonschema import _from_schema as hypothesis_jsonschema_internals
from hypothesis_jsonschema import from_schema
from pydantic import BaseModel

from devtools.sandbox.admin_client import (
    CustomerCreate,
    OrderAddressCreate,
    OrderCreate,
    OrderProductCreate,
    OrderStatus,
    ShipmentCreate,
    ShipmentItemCreate,
    StoreAdminClient,
)
from devtools.sandbox.contract import OUTSIDE_CONTRACT, REPOSITORY, contract_validator
from gladly_bigcommerce.bigcommerce import http as bigcommerce_http
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.errors import BadUpstreamResponse, OutcomeUnknown
from gladly_bigcommerce.bigcommerce.models import (
    AppliedDiscount,
    Channel,
    Country,
    CountryState,
    Customer,
    Order,
    OrderProduct,
    Promotion,
    PromotionAction,
    PromotionCode,
    PromotionCreate,
    PromotionRule,
    Refund,
    RefundedItem,
    RefundItem,
    RefundMethodPayment,
    RefundPayment,
    RefundPaymentResult,
    RefundQuote,
    Shipment,
    ShippingAction,
    ShippingAddress,
    ShippingAddressUpdate,
    ShippingConsignment,
    Site,
    StoreCreditAmount,
    StoreInfo,
)


class _StepwiseMany:
    """`cu.many` as hypothesis-jsonschema 0.23.1 drives it (`while elements.more(): ... reject()`).

    Hypothesis 6.170 has replaced that protocol with `with many(...) as elements: for _ in elements:`;
    hypothesis-jsonschema's one call (objects) still uses the old one. This adapts it, steering the
    same `many` object, so generation is unchanged and nothing else in Hypothesis is touched.
    """

    _END = object()

    def __init__(self, data: Any, min_size: int, max_size: float, average_size: float) -> None:
        self._many = conjecture_utils.many(data, min_size, max_size, average_size)
        self._many.__enter__()
        self._steps = iter(self._many)

    def more(self) -> bool:
        if next(self._steps, self._END) is self._END:
            self._many.__exit__(None)
            return False
        return True

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


class _ConjectureUtils:
    """hypothesis-jsonschema's view of `hypothesis.internal.conjecture.utils`, with `many` adapted."""

    many = _StepwiseMany

    def __getattr__(self, name: str) -> Any:
        return getattr(conjecture_utils, name)


if not hasattr(conjecture_utils.many, "more"):
    hypothesis_jsonschema_internals.cu = _ConjectureUtils()

SETTINGS = settings(
    max_examples=30,
    derandomize=True,  # the same answers on every run and machine
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
UNUSABLE_EXAMPLES = 10
MAX_ITEMS = 3
MAX_TEXT = 30
MONEY_PATTERN = r"^-?[0-9]{1,7}(\.[0-9]{1,4})?$"
RFC2822_PATTERN = (
    r"^((Mon|Tue|Wed|Thu|Fri|Sat|Sun), (0[1-9]|1[0-9]|2[0-8]) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct"
    r"|Nov|Dec) (19[7-9][0-9]|20[0-9][0-9]) ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9] [+-](0[0-9]|1[0-2])"
    r"(00|30))?$"
)
ISO8601_PATTERN = (
    r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(Z|[+-][01][0-9]:[0-5][0-9])$"
)
_DROPPED_KEYWORDS = {"example", "examples", "description", "title", "readOnly", "writeOnly", "deprecated"}


# --- what the models read ------------------------------------------------------------------------

READ_MODELS: tuple[type[BaseModel], ...] = (
    Country,
    CountryState,
    Customer,
    Order,
    OrderProduct,
    OrderStatus,
    Promotion,
    PromotionCode,
    Refund,
    RefundQuote,
    Shipment,
    ShippingAddress,
    StoreInfo,
)


def _models(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """`model` and every model nested in its fields."""
    seen: set[type[BaseModel]] = set()
    todo = [model]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        yield current
        for field in current.model_fields.values():
            todo.extend(_nested_models(field.annotation))


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in getattr(annotation, "__args__", ()) for model in _nested_models(arg)]


def _validators(field: Any) -> set[str]:
    return {getattr(getattr(item, "func", None), "__name__", "") for item in field.metadata}


def _field_names(kind: str) -> set[str]:
    """Names of the fields the read models parse as money (`_money`), dates (`_timestamp`) or ints."""
    names = set()
    for root in READ_MODELS:
        for model in _models(root):
            for name, field in model.model_fields.items():
                if kind in _validators(field) or (kind == "int" and _is_int(field.annotation)):
                    names.add(name)
    return names


def _is_int(annotation: Any) -> bool:
    """A count or an id: only an int (or none); not a field that also takes text."""
    return annotation is int or annotation == int | None


# Members the models read (and `url`/`resource`, which tell a resource link from a full object).
READ_FIELDS = {name for root in READ_MODELS for model in _models(root) for name in model.model_fields} | {
    "data",
    "url",
    "resource",
}
# The money fields of each model, listed here rather than found through the models' own validators:
# a field that stopped being read as money would otherwise leave the check with it.
MONEY_FIELDS_OF: dict[type[BaseModel], frozenset[str]] = {
    StoreCreditAmount: frozenset({"amount"}),
    Order: frozenset({"total_inc_tax", "refunded_amount"}),
    ShippingConsignment: frozenset({"cost_inc_tax"}),
    OrderProduct: frozenset({"price_inc_tax", "total_inc_tax", "discounted_total_inc_tax"}),
    AppliedDiscount: frozenset({"amount"}),
    ShippingAddress: frozenset({"cost_inc_tax"}),
    Refund: frozenset({"total_amount", "total_tax"}),
    RefundPaymentResult: frozenset({"amount"}),
    RefundedItem: frozenset({"requested_amount"}),
    RefundQuote: frozenset(
        {
            "total_refund_amount",
            "total_refund_tax_amount",
            "order_level_refund_amount",
            "rounding",
            "adjustment",
        }
    ),
    RefundMethodPayment: frozenset({"amount"}),
}
MONEY_FIELDS = frozenset().union(*MONEY_FIELDS_OF.values())
DATE_FIELDS = _field_names("_timestamp")
INT_FIELDS = _field_names("int")


def required_fields(model: type[BaseModel]) -> list[str]:
    """What the adaptor cannot do without: the model's fields that have no default."""
    return [name for name, field in model.model_fields.items() if field.is_required()]


# --- the schemas ---------------------------------------------------------------------------------


@cache
def _spec(spec_file: str) -> dict[str, Any]:
    """The file as the contract check reads it (`KNOWN_DEVIATIONS` applied); read once per run."""
    return contract_validator().spec(spec_file)


def _inline(spec: dict[str, Any], node: Any, trail: tuple[str, ...] = ()) -> Any:
    """`node` with every `$ref` (`#/components/...`, the only kind these files use) replaced by its target."""
    if isinstance(node, list):
        return [_inline(spec, item, trail) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        reference = node["$ref"]
        assert reference.startswith("#/") and reference not in trail, reference
        target: Any = spec
        for part in reference[2:].split("/"):
            target = target[part]
        return _inline(spec, target, (*trail, reference))
    return {key: _inline(spec, value, trail) for key, value in node.items()}


def _generable(schema: Any, name: str = "", *, closed: bool = True, dates: str = RFC2822_PATTERN) -> Any:
    """The OpenAPI schema as plain JSON Schema for hypothesis-jsonschema (see the module docstring).

    `closed`: the object allows no members beyond its properties; not for the parts of an `allOf`
    (each would forbid the others' members), which are merged into one closed object where they can be.
    """
    if isinstance(schema, list):
        return [_generable(item, dates=dates) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DROPPED_KEYWORDS or key.startswith("x-") or key in ("nullable", "discriminator"):
            continue
        if key == "properties":
            kept = {prop: sub for prop, sub in value.items() if prop in READ_FIELDS}
            out[key] = {prop: _generable(sub, prop, dates=dates) for prop, sub in kept.items()}
        elif key == "required":
            out[key] = [prop for prop in value if prop in READ_FIELDS]
        elif key in ("items", "additionalProperties", "not"):
            out[key] = _generable(value, name if key == "items" else "", dates=dates)
        elif key == "allOf":
            out[key] = [_generable(sub, name, closed=False, dates=dates) for sub in value]
        elif key in ("oneOf", "anyOf"):
            out[key] = [_generable(sub, name, dates=dates) for sub in value]
        else:
            out[key] = value
    kind = out.get("type")
    if kind == "string" and "format" not in out and "enum" not in out:
        if name in MONEY_FIELDS:
            out["pattern"] = MONEY_PATTERN
        elif name in DATE_FIELDS:
            out["pattern"] = dates
        elif "pattern" not in out:
            out["maxLength"] = max(out.get("minLength", 0), min(out.get("maxLength", MAX_TEXT), MAX_TEXT))
    if kind == "number" and name in INT_FIELDS:
        out["type"] = "integer"
    if kind == "array":
        out["maxItems"] = max(out.get("minItems", 0), min(out.get("maxItems", MAX_ITEMS), MAX_ITEMS))
    if "allOf" in out:
        out = _merged(out)
    if closed and (out.get("type") == "object" or "properties" in out):
        out.setdefault("additionalProperties", False)
    if schema.get("nullable"):
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        out = {"anyOf": [out, {"type": "null"}]}
    return out


_MERGEABLE = {"type", "properties", "required", "additionalProperties", "allOf"}


def _merged(schema: dict[str, Any]) -> dict[str, Any]:
    """An `allOf` of plain object schemas as one object schema (others are left as they are)."""
    parts = [schema, *schema["allOf"]]
    if not all(set(part) <= _MERGEABLE and part.get("type", "object") == "object" for part in parts):
        return schema
    if any("allOf" in part for part in schema["allOf"]):
        return schema
    merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
    for part in parts:
        merged["properties"].update(part.get("properties", {}))
        merged["required"] = sorted({*merged["required"], *part.get("required", [])})
    return merged


def _opaque_rules(schema: Any) -> None:
    """Promotion `rules` are read as opaque objects (`list[dict]`): generate any object there."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "properties" and "rules" in value:
                value["rules"] = {"type": "array", "items": {"type": "object"}}
            _opaque_rules(value)
    elif isinstance(schema, list):
        for item in schema:
            _opaque_rules(item)


def _require_essentials(schema: Any, model: type[BaseModel]) -> None:
    """Mark the fields ``model`` cannot do without (``required_fields``) required, and not null, in its
    object schema, through array items, alternatives and nested models."""
    if not isinstance(schema, dict):
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for alternative in schema.get(key, []):
            _require_essentials(alternative, model)
    if "items" in schema:
        _require_essentials(schema["items"], model)
        return
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    essentials = [name for name in required_fields(model) if name in properties]
    schema["required"] = sorted({*schema.get("required", []), *essentials})
    for name in essentials:
        properties[name] = _not_null(properties[name])
    for name, field in model.model_fields.items():
        if name in properties:
            for nested in _nested_models(field.annotation):
                _require_essentials(properties[name], nested)


def _not_null(schema: Any) -> Any:
    """A nullable property's schema without its null alternative (`_generable` adds it as an anyOf)."""
    if isinstance(schema, dict) and "anyOf" in schema:
        kept = [alternative for alternative in schema["anyOf"] if alternative != {"type": "null"}]
        return kept[0] if len(kept) == 1 else {**schema, "anyOf": kept}
    return schema


def _at_least_one_item(schema: Any) -> None:
    """A list answer with at least one item (an empty list reaches no parsing)."""
    if isinstance(schema, dict):
        if schema.get("type") == "array" or "items" in schema:
            schema["minItems"] = max(1, schema.get("minItems", 0))
        for alternative in schema.get("anyOf", []):
            _at_least_one_item(alternative)


def _require_v3_data(schema: dict[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties", {})
    if "data" in properties:
        schema = {**schema, "required": sorted({*schema.get("required", []), "data"})}
    return schema


# --- the operations ------------------------------------------------------------------------------

ONE, LIST, WHOLE_LIST = "one", "list", "whole list"
_REFUND_ITEM = RefundItem(item_type="ORDER", item_id=1, amount=Decimal("1.00"))
_PROMOTION = PromotionCreate(
    name="p", rules=[PromotionRule(action=PromotionAction(shipping=ShippingAction(free_shipping=True)))]
)
_ADDRESS = ShippingAddressUpdate(
    **dict.fromkeys(("first_name", "last_name", "company", "street_1", "street_2", "city"), "x"),
    **dict.fromkeys(("state", "zip", "country", "country_iso2", "phone", "email"), "x"),
)
_ORDER = OrderCreate(
    billing_address=OrderAddressCreate(zip="1"), products=[OrderProductCreate(name="x", quantity=1)]
)


@dataclass(frozen=True)
class Operation:
    spec_file: str
    method: str
    path: str  # as in the spec file
    status: str
    model: type[BaseModel]
    shape: str  # ONE, LIST (unusable items skipped) or WHOLE_LIST (an unusable item fails the list)
    call: Callable[[BigCommerceClient], Any]
    v3: bool = False

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    def media(self) -> dict[str, Any]:
        spec = _spec(self.spec_file)
        answer = _inline(spec, spec["paths"][self.path][self.method.lower()]["responses"][self.status])
        media: dict[str, Any] = answer["content"]["application/json"]
        return media

    def schema(self, *, essentials: bool = True) -> dict[str, Any]:
        """The answer's schema as generated (see the module docstring). With ``essentials``, what the
        model cannot do without is required (the files require almost nothing, and an answer lacking an
        order's id never reaches the reading of the rest) and a list answer holds an item."""
        schema = _generable(self.media()["schema"], dates=ISO8601_PATTERN if self.v3 else RFC2822_PATTERN)
        _opaque_rules(schema)
        if self.v3:
            schema = _require_v3_data(schema)
        if essentials:
            answer = schema["properties"]["data"] if self.v3 else schema
            _require_essentials(answer, self.model)
            if self.shape != ONE:
                _at_least_one_item(answer)
        return schema

    def examples(self) -> list[Any]:
        media = self.media()
        found = [example["value"] for example in (media.get("examples") or {}).values() if "value" in example]
        return found + ([media["example"]] if "example" in media else [])


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "customers.v3.yml", "GET", "/customers", "200", Customer, LIST,
        lambda c: c.search_customers(emails=["a@example.com"]), v3=True,
    ),
    Operation(
        "customers.v3.yml", "POST", "/customers", "200", Customer, LIST,
        lambda c: c.create_customers([CustomerCreate(email="a@example.com", first_name="A", last_name="B")]),
        v3=True,
    ),
    Operation(
        "customers.v3.yml", "PUT", "/customers", "200", Customer, LIST,
        # the answer's list, as set_store_credit reads it before picking the customer it wrote
        lambda c: c._request(
            "PUT", "/v3/customers", body=[],
            parse=lambda payload: bigcommerce_http.read_v3_list(Customer, payload), deadline=None,
        ),
        v3=True,
    ),
    Operation("orders.v2.oas2.yml", "GET", "/orders", "200", Order, LIST, lambda c: c.list_orders()),
    Operation("orders.v2.oas2.yml", "POST", "/orders", "200", Order, ONE, lambda c: c.create_order(_ORDER)),
    Operation("orders.v2.oas2.yml", "GET", "/orders/{order_id}", "200", Order, ONE, lambda c: c.get_order(1)),
    Operation(
        "orders.v2.oas2.yml", "PUT", "/orders/{order_id}", "200", Order, ONE,
        lambda c: c.update_order_status(1, 5),
    ),
    Operation(
        "orders.v2.oas2.yml", "GET", "/orders/{order_id}/products", "200", OrderProduct, LIST,
        lambda c: c.list_order_products(1),
    ),
    Operation(
        "orders.v2.oas2.yml", "GET", "/orders/{order_id}/shipping_addresses", "200", ShippingAddress, LIST,
        lambda c: c.list_shipping_addresses(1),
    ),
    Operation(
        "orders.v2.oas2.yml", "PUT", "/orders/{order_id}/shipping_addresses/{id}", "200", ShippingAddress,
        ONE, lambda c: c.update_shipping_address(1, 1, _ADDRESS),
    ),
    Operation(
        "orders.v2.oas2.yml", "GET", "/orders/{order_id}/shipments", "200", Shipment, LIST,
        lambda c: c.list_shipments(1),
    ),
    Operation(
        "orders.v2.oas2.yml", "POST", "/orders/{order_id}/shipments", "201", Shipment, ONE,
        lambda c: c.create_shipment(
            1, ShipmentCreate(order_address_id=1, items=[ShipmentItemCreate(order_product_id=1, quantity=1)])
        ),
    ),
    Operation(
        "orders.v2.oas2.yml", "GET", "/order_statuses", "200", OrderStatus, LIST,
        lambda c: c.list_order_statuses(),
    ),
    Operation("store_information.v2.yml", "GET", "/store", "200", StoreInfo, ONE, lambda c: c.get_store()),
    Operation("geography.v2.yml", "GET", "/countries", "200", Country, LIST, lambda c: c.list_countries()),
    Operation(
        "geography.v2.yml", "GET", "/countries/states", "200", CountryState, LIST, lambda c: c.list_states()
    ),
    Operation(
        "orders.v3.yml", "POST", "/orders/{order_id}/payment_actions/refund_quotes", "201", RefundQuote, ONE,
        lambda c: c.create_refund_quote(1, [_REFUND_ITEM]), v3=True,
    ),
    Operation(
        "orders.v3.yml", "POST", "/orders/{order_id}/payment_actions/refunds", "201", Refund, ONE,
        lambda c: c.create_refund(1, [_REFUND_ITEM], [RefundPayment(provider_id="x", amount=Decimal(1))]),
        v3=True,
    ),
    Operation(
        "orders.v3.yml", "GET", "/orders/{order_id}/payment_actions/refunds", "200", Refund, WHOLE_LIST,
        lambda c: c.list_refunds(1), v3=True,
    ),
    Operation(
        "promotions.v3.yml", "POST", "/promotions", "201", Promotion, ONE,
        lambda c: c.create_promotion(_PROMOTION), v3=True,
    ),
    Operation(
        "promotions.v3.yml", "POST", "/promotions/{promotion_id}/codes", "201", PromotionCode, ONE,
        lambda c: c.create_promotion_code(1, "CODE1"), v3=True,
    ),
    Operation(
        "promotions.v3.yml", "GET", "/promotions/{promotion_id}/codes", "200", PromotionCode, LIST,
        lambda c: c.list_promotion_codes(1), v3=True,
    ),
    Operation(
        "promotions.v3.yml", "GET", "/promotions/codes", "200", PromotionCode, LIST,
        # find_promotion_code reads the same list, then picks the match: read the list itself.
        lambda c: c._request(
            "GET", "/v3/promotions/codes", query={"code": "X"},
            parse=lambda payload: bigcommerce_http.read_v3_list(PromotionCode, payload), deadline=None,
        ),
        v3=True,
    ),
    Operation(
        "channels.v3.yml", "GET", "/channels", "200", Channel, LIST, lambda c: c.list_channels(), v3=True,
    ),
    Operation("sites.v3.yml", "GET", "/sites", "200", Site, LIST, lambda c: c.list_sites(), v3=True),
)  # fmt: skip

# A channel's customer settings: the model reads one boolean of it, too few distinct answers for the
# generated tests (30 each), so every answer it can be is read by its own tests below.
SMALL_OPERATIONS = {("GET", "/v3/customers/settings/channels/{channel_id}")}


# --- serving an answer to the client -------------------------------------------------------------


class _StubSession(requests.Session):
    """Answers every request with one canned JSON body, as BigCommerce would over HTTP."""

    def __init__(self, status: int, payload: Any) -> None:
        super().__init__()
        self._status = status
        self._body = json.dumps(payload).encode()

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        response = requests.Response()
        response.status_code = self._status
        response._content = self._body
        response.headers["Content-Type"] = "application/json"
        response.url = str(url)
        return response


def read(operation: Operation, payload: Any) -> Any:
    """What the client makes of `payload` as the answer to `operation` (exceptions propagate)."""
    with StoreAdminClient("abc123", "token", session=_StubSession(int(operation.status), payload)) as client:
        return operation.call(client)


def _usable(model: type[BaseModel], item: Any) -> bool:
    return isinstance(item, dict) and all(item.get(name) is not None for name in required_fields(model))


def _refund_usable(item: Any) -> bool:
    payments = (item.get("payments") or []) if isinstance(item, dict) else []
    return _usable(Refund, item) and all(_usable_payment(payment) for payment in payments)


def _usable_payment(payment: Any) -> bool:
    return isinstance(payment, dict) and payment.get("amount") is not None


def _items(operation: Operation, payload: Any) -> list[Any]:
    body = payload["data"] if operation.v3 else payload
    return body if isinstance(body, list) else [body]


def _item_usable(operation: Operation, item: Any) -> bool:
    return _refund_usable(item) if operation.model is Refund else _usable(operation.model, item)


def check_answer(operation: Operation, payload: Any) -> list[BaseModel]:
    """Read `payload`; assert it was read exactly as far as the adaptor can use it. Returns the models."""
    items = _items(operation, payload)
    usable = [item for item in items if _item_usable(operation, item)]
    whole = operation.shape in (ONE, WHOLE_LIST)
    if whole and len(usable) < len(items):
        # Then it raises the client's error for an unusable answer: a write that moved something
        # (all but the quote, which moves nothing) raises OutcomeUnknown, so nobody repeats it blindly.
        with pytest.raises((BadUpstreamResponse, OutcomeUnknown)) as raised:
            read(operation, payload)
        writes_once = operation.method != "GET" and operation.model is not RefundQuote
        assert isinstance(raised.value, OutcomeUnknown) == writes_once
        return []
    result = read(operation, payload)
    models = [result] if operation.shape == ONE else list(result)
    assert len(models) == len(usable), "exactly the unusable items are skipped"
    for model, item in zip(models, usable, strict=True):
        assert isinstance(model, operation.model)
        _assert_money_exact(model, item)
        _assert_no_float(model.model_dump(mode="python"))
    return models


def _assert_money_exact(model: BaseModel, item: Any) -> None:
    """Every listed money field of ``model`` and of the models nested in it is the ``Decimal`` sent."""
    if not isinstance(item, dict):
        return
    for name in MONEY_FIELDS_OF.get(type(model), frozenset()):
        sent = item.get(name)
        if sent is None:
            continue
        value = getattr(model, name)
        assert isinstance(value, Decimal), f"{type(model).__name__}.{name} is {type(value).__name__}"
        assert value == Decimal(str(sent)), f"{type(model).__name__}.{name}"
    for name in type(model).model_fields:
        value, sent = getattr(model, name), item.get(name)
        if isinstance(value, BaseModel):
            _assert_money_exact(value, sent)
        elif isinstance(value, list) and isinstance(sent, list) and len(value) == len(sent):
            for nested, raw in zip(value, sent, strict=True):
                if isinstance(nested, BaseModel):
                    _assert_money_exact(nested, raw)


def _assert_no_float(value: Any) -> None:
    assert not isinstance(value, float), value
    if isinstance(value, dict):
        for member in value.values():
            _assert_no_float(member)
    elif isinstance(value, list | tuple):
        for member in value:
            _assert_no_float(member)


# --- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.name)
def test_every_schema_valid_answer_is_read(operation: Operation) -> None:
    # Given answers generated from the operation's success schema, with what the model cannot do without
    parsed: list[bool] = []

    @SETTINGS
    @given(from_schema(operation.schema()))
    def answer_is_read(payload: Any) -> None:
        # When the client reads one, Then it is read as far as the adaptor can use it, money exact
        parsed.append(bool(check_answer(operation, payload)))

    answer_is_read()
    # And at least half of the answers reached the reading of their models (not only a refusal for
    # what the adaptor cannot do without), so the money and float checks saw them
    assert len(parsed) >= SETTINGS.max_examples
    assert sum(parsed) * 2 >= len(parsed), f"{sum(parsed)} of {len(parsed)} answers parsed"


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.name)
def test_answers_lacking_what_the_adaptor_needs_are_skipped_or_refused(operation: Operation) -> None:
    # Given answers as the published schema alone allows (it requires almost nothing: mostly unusable)
    @settings(SETTINGS, max_examples=UNUSABLE_EXAMPLES)
    @given(from_schema(operation.schema(essentials=False)))
    def answer_is_read(payload: Any) -> None:
        # When the client reads one, Then exactly the unusable items are skipped, or the whole answer
        # is refused with the client's own error (OutcomeUnknown for a write)
        check_answer(operation, payload)

    answer_is_read()


# Published examples that lack what the adaptor cannot do without: read by the same rule (that item
# skipped), not whole. Checked below to still lack it, so this list cannot go stale.
EXAMPLES_LACKING_ESSENTIALS = {
    "GET /customers": "the example customer has no `id`",
    "POST /customers": "the example customer has no `id`",
    "PUT /customers": "the example customer has no `id`",
}


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.name)
def test_the_example_answers_in_the_openapi_files_are_read(operation: Operation) -> None:
    for example in operation.examples():
        # When the client reads a published example
        models = check_answer(operation, example)
        # Then nothing in it is skipped, unless it is known to lack an essential field
        whole = len(models) == len(_items(operation, example))
        assert whole != (operation.name in EXAMPLES_LACKING_ESSENTIALS)


def test_the_files_carry_examples_for_most_operations() -> None:
    """Guards against the example test passing because no example was found."""
    with_examples = [operation.name for operation in OPERATIONS if operation.examples()]
    assert len(with_examples) >= 10, with_examples


def test_every_operation_the_client_calls_is_covered() -> None:
    # Given every request template in the client's source
    source = "\n".join(
        (REPOSITORY / path).read_text()
        for path in ("shared/gladly_bigcommerce/bigcommerce/client.py", "devtools/sandbox/admin_client.py")
    )
    called = set(re.findall(r'"(GET|POST|PUT|DELETE)",\s*"(/v[23]/[^"]*)"', source))
    called |= {("GET", path) for path in re.findall(r'_v2_pages\(\s*"(/v2/[^"]*)"', source)}
    called |= {("GET", f"/v2/orders/{{order_id}}/{resource}") for resource in _order_resources(source)}
    # Then each is a generated operation here or listed as outside the contract
    covered = {(operation.method, _api_path(operation)) for operation in OPERATIONS}
    covered |= {(uncovered.method, uncovered.api_path) for uncovered in OUTSIDE_CONTRACT} | SMALL_OPERATIONS
    assert called - covered == set()
    assert len(called) >= 19


def _order_resources(source: str) -> set[str]:
    return set(re.findall(r'_order_pages\("(\w+)"', source))


def _api_path(operation: Operation) -> str:
    return ("/v3" if operation.v3 else "/v2") + operation.path


@pytest.mark.parametrize("allow", [True, False, None])
def test_a_channels_customer_settings_are_read_whatever_allow_global_logins_is(allow: bool | None) -> None:
    # Given the answer as the file's schema has it: the object under `data`, `allow_global_logins` at
    # its top, `null` meaning "no override" (customers.v3 getChannelCustomerSettings)
    payload = {
        "data": {
            "privacy_settings": {"ask_shopper_for_tracking_consent": None, "policy_url": None},
            "customer_group_settings": {"guest_customer_group_id": None, "default_customer_group_id": None},
            "allow_global_logins": allow,
        },
        "meta": {},
    }
    with StoreAdminClient("abc123", "token", session=_StubSession(200, payload)) as client:
        # Then the boolean is read as sent, null as unknown
        assert client.get_channel_customer_settings(2).allow_global_logins is allow


def test_the_files_example_of_a_channels_customer_settings_is_refused_not_misread() -> None:
    # Given the file's own example, which lacks the `data` envelope of its schema and nests
    # `allow_global_logins` under `customer_group_settings`
    spec = _spec("customers.v3.yml")
    answer = spec["paths"]["/customers/settings/channels/{channel_id}"]["get"]["responses"]["200"]
    example = answer["content"]["application/json"]["examples"]["data"]["value"]
    assert "data" not in example and "allow_global_logins" not in example
    # Then the client refuses it rather than read "no override" out of it (the storefronts are then
    # unread, and no accounts are taken for one person)
    with (
        StoreAdminClient("abc123", "token", session=_StubSession(200, example)) as client,
        pytest.raises(BadUpstreamResponse),
    ):
        client.get_channel_customer_settings(2)


def test_a_v3_answer_without_data_is_unreadable_not_empty() -> None:
    # Given a refund list answer with no `data` (allowed by the file, which requires nothing)
    refunds = next(op for op in OPERATIONS if op.name == "GET /orders/{order_id}/payment_actions/refunds")
    # Then it is not read as "no refunds" (that could refund twice)
    with pytest.raises(BadUpstreamResponse):
        read(refunds, {"meta": {}})


def test_every_listed_money_field_is_one_its_model_reads() -> None:
    # A field the models stop reading (or rename) leaves this list by hand, never silently
    for model, names in MONEY_FIELDS_OF.items():
        assert names <= set(model.model_fields), (
            f"{model.__name__}: {sorted(names - set(model.model_fields))}"
        )


def test_the_repository_holds_the_spec_files() -> None:
    for operation in OPERATIONS:
        assert Path(REPOSITORY / "reference/bigcommerce/openapi" / operation.spec_file).is_file()
