"""Sparse mode: every answer in its sparsest form that BigCommerce's OpenAPI files still allow.

With `server.sparse` on (`--sparse`, `SANDBOX_SPARSE=1` for `make run`), each successful JSON answer
is rewritten from the response schema of its operation, read from the same patched OpenAPI files the
contract check uses (`devtools.sandbox.contract`): in every object, a property the schema does not
list in `required` becomes `null` where the schema says `nullable`, and is left out otherwise.
Required properties keep their value (made sparse in turn); array items are all kept. `allOf` parts
are merged, and for `oneOf`/`anyOf` the first alternative the value matches decides. The sparse
answer is checked at teardown like any other, so it stays schema-valid.

The BigCommerce files mark almost nothing `required` (a v2 order: not even `id`). `KEPT_OPTIONAL`
lists, in one place, the optional properties kept anyway because no real answer lacks them, each with
its reason; everything else the adaptor must survive without, field by field.

Operations no OpenAPI file describes (`OUTSIDE_CONTRACT`: catalog products, customer groups) are
cut to the member sets in `MINIMAL_OUTSIDE_CONTRACT`.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jsonschema_path import SchemaPath
from openapi_core.exceptions import OpenAPIError
from openapi_core.templating.paths.finders import APICallPathFinder
from openapi_core.validation.schemas import oas30_read_schema_validators_factory
from openapi_core.validation.schemas.exceptions import ValidateError

from devtools.sandbox.contract import BIGCOMMERCE_HOST, contract_validator

JSON = "application/json"
ANY_SCHEMA = "*"

_IDENTITY = "the record's id: an answer without it is about nothing"
_CREATE_REQUIRED = "required when the record is created, so every stored record has it"
_QUANTITY_STATE = (
    "refund and cancel rules need it exactly; BigCommerce always sends it (0 when none), and "
    "reading an absent one as 0 could offer a refund twice"
)
_QUOTE = "what a refund quote is for: BigCommerce computes it for every quote (orders.v3 examples)"
_INCLUDED = "asked for with `include=consignments.line_items`, so included"
_SITE = "what a site is, the URL of one channel: a site is created with both (site_Post)"
_GEOGRAPHY = "in every country and state of BigCommerce's own capture (reference/bigcommerce/countries.json)"

# (component schema name, or "*" for any object; property) -> why it is kept in sparse mode. A
# component's properties include those of its `allOf` parts.
KEPT_OPTIONAL: dict[tuple[str, str], str] = {
    (ANY_SCHEMA, "data"): "the v3 envelope: every v3 success answer carries `data`",
    # orders v2
    ("order_RespOnly", "id"): _IDENTITY,
    ("order_Shared", "customer_id"): "0 for a guest: it says whose order it is, never absent",
    ("order_Shared", "status_id"): "every order has a status (0 for incomplete)",
    ("order_Shared", "total_inc_tax"): (
        "computed by BigCommerce for every order; what is left to refund is reckoned from it"
    ),
    ("order_RespOnly", "consignments"): _INCLUDED,
    ("orderConsignment_Get", "shipping"): _INCLUDED,
    ("shippingConsignment_Get", "id"): _IDENTITY,
    ("shippingConsignment_Get", "line_items"): _INCLUDED,
    ("orderProducts", "id"): _IDENTITY,
    ("orderProducts", "quantity"): _CREATE_REQUIRED,
    ("orderProducts", "quantity_refunded"): _QUANTITY_STATE,
    ("orderProducts", "quantity_shipped"): _QUANTITY_STATE,
    ("orderShippingAddress", "id"): _IDENTITY,
    ("orderShipment", "id"): _IDENTITY,
    ("orderStatus_Base", "id"): _IDENTITY,
    # customers v3
    ("customer_Full", "id"): _IDENTITY,
    ("customer_Full", "email"): _CREATE_REQUIRED,
    # refunds v3 (orders.v3.yml)
    ("RefundQuote_Full", "total_refund_amount"): _QUOTE,
    ("RefundQuote_Full", "adjustment"): _QUOTE,
    ("RefundQuote_Full", "refund_methods"): _QUOTE,
    ("PaymentOption", "provider_id"): _QUOTE,
    ("PaymentOption", "amount"): _QUOTE,
    ("PaymentOption", "offline"): _QUOTE,
    ("Refund", "id"): _IDENTITY,
    ("Refund", "total_amount"): "what a refund moved: BigCommerce records it for every refund",
    ("Refund", "payments"): "how a refund was paid out, and whether it was declined",
    ("RefundPayment", "amount"): "what one payment moved",
    ("RefundPayment", "is_declined"): "whether money moved; a payment always says it",
    # channels v3 and sites v3: what a channel or a site is (ChannelWithoutCurrencies requires both)
    ("ChannelWithCurrencies", "id"): _IDENTITY,
    (
        "ChannelWithCurrencies",
        "name",
    ): "required of the same channel in every list (ChannelWithoutCurrencies)",
    ("Site", "id"): _IDENTITY,
    ("Site", "url"): _SITE,
    ("Site", "channel_id"): _SITE,
    ("_site", "id"): _IDENTITY,
    ("_site", "url"): _SITE,
    ("_site", "channel_id"): _SITE,
    # geography v2: every country and state in BigCommerce's own dump has them (`geography`)
    ("country_Full", "id"): _IDENTITY,
    ("country_Base", "country"): _GEOGRAPHY,
    ("country_Base", "country_iso2"): _GEOGRAPHY,
    ("countriesState_Full", "id"): _IDENTITY,
    ("countriesState_Full", "state"): _GEOGRAPHY,
    ("countriesState_Full", "country_id"): _GEOGRAPHY,
}

# Outside the contract (no OpenAPI file), by API path: the members kept in sparse mode.
# Catalog products: `id` and `name` (the public GET /v3/catalog/products docs require `name` of every
# product; `id` identifies it). Customer groups (v2): `id` and `name`, which every group has.
MINIMAL_OUTSIDE_CONTRACT: dict[str, tuple[str, ...]] = {
    "/v3/catalog/products": ("id", "name"),
    "/v2/customer_groups": ("id", "name"),
}


def sparsify(method: str, api_path: str, status: int, body: Any) -> Any:
    """The sparsest schema-valid form of a successful answer (`body` as the handler built it)."""
    if body is None or not 200 <= status < 300:
        return body
    if api_path in MINIMAL_OUTSIDE_CONTRACT:
        return _minimal(MINIMAL_OUTSIDE_CONTRACT[api_path], body)
    found = response_schema(method, api_path, status)
    if found is None:
        return body
    spec_file, location = found
    return _Sparsifier(spec_file).value(_Node(location, ""), body)


def _minimal(kept: tuple[str, ...], body: Any) -> Any:
    def cut(record: Any) -> Any:
        return {k: v for k, v in record.items() if k in kept} if isinstance(record, dict) else record

    if isinstance(body, list):
        return [cut(record) for record in body]
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        return {"data": [cut(record) for record in body["data"]]}
    return body


@cache
def response_schema(method: str, api_path: str, status: int) -> tuple[str, tuple[str | int, ...]] | None:
    """Where this answer's JSON schema is in its (patched) OpenAPI file: (file, key path), or None."""
    validator = contract_validator()
    spec_file = validator.spec_file_for(api_path)
    if spec_file is None:
        return None
    spec = validator.app(spec_file).spec
    try:
        found = APICallPathFinder(spec).find(method.lower(), f"{BIGCOMMERCE_HOST}/stores/x{api_path}")
    except OpenAPIError:
        return None
    location: tuple[str | int, ...] = ("paths", found.path.parts[-1], method.lower(), "responses")
    answers = _at(spec_file, location)
    if str(status) not in answers:
        return None
    location = _dereferenced(spec_file, (*location, str(status)))
    if JSON not in _at(spec_file, location).get("content", {}):
        return None
    return spec_file, (*location, "content", JSON, "schema")


def _at(spec_file: str, location: tuple[str | int, ...]) -> Any:
    target: Any = _document(spec_file)
    for key in location:
        target = target[key]
    return target


def _dereferenced(spec_file: str, location: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Follow `$ref`s (`#/components/...`, the only kind these files use) to what they name."""
    while "$ref" in (target := _at(spec_file, location)):
        reference = target["$ref"]
        if not reference.startswith("#/"):
            raise ValueError(f"external $ref in {spec_file}: {reference}")
        location = tuple(reference[2:].split("/"))
    return location


@cache
def _document(spec_file: str) -> dict[str, Any]:
    """The patched file as a dict (the one the contract validator loaded)."""
    with contract_validator().app(spec_file).spec.open() as contents:
        return dict(contents)


@dataclass(frozen=True)
class _Node:
    """A schema by its key path in the document, and the component it is (or "" if inline)."""

    location: tuple[str | int, ...]
    component: str


@dataclass
class _ObjectView:
    """An object schema with its `allOf` parts merged."""

    required: set[str] = field(default_factory=set)
    properties: dict[str, _Node] = field(default_factory=dict)
    nullable: dict[str, bool] = field(default_factory=dict)
    components: set[str] = field(default_factory=set)


class _Sparsifier:
    def __init__(self, spec_file: str) -> None:
        self.spec_file = spec_file

    def value(self, node: _Node, value: Any) -> Any:
        if value is None:
            return None
        node = self._chosen(self._resolved(node), value)
        schema = self._raw(node)
        if isinstance(value, list):
            if "items" not in schema:
                return value
            items = self._resolved(_Node((*node.location, "items"), ""))
            return [self.value(items, item) for item in value]
        if isinstance(value, dict):
            return self._object(node, value)
        return value

    def _raw(self, node: _Node) -> dict[str, Any]:
        return _at(self.spec_file, node.location)

    def _resolved(self, node: _Node) -> _Node:
        """Follow `$ref`s to the component they name."""
        location = _dereferenced(self.spec_file, node.location)
        return node if location == node.location else _Node(location, str(location[-1]))

    def _chosen(self, node: _Node, value: Any) -> _Node:
        """For `oneOf`/`anyOf`, the first alternative the value matches (else the node itself)."""
        schema = self._raw(node)
        for keyword in ("oneOf", "anyOf"):
            for index in range(len(schema.get(keyword, ()))):
                alternative = self._resolved(_Node((*node.location, keyword, index), ""))
                if self._matches(alternative, value):
                    return self._chosen(alternative, value)
        return node

    def _matches(self, node: _Node, value: Any) -> bool:
        spec = contract_validator().app(self.spec_file).spec
        path: SchemaPath = spec
        for key in node.location:
            path = path / key
        validator = oas30_read_schema_validators_factory.create(spec, path)
        with suppress(ValidateError):
            validator.validate(value)
            return True
        return False

    def _object(self, node: _Node, value: dict[str, Any]) -> dict[str, Any]:
        view = _ObjectView()
        self._merge(node, value, view)
        sparse: dict[str, Any] = {}
        for name, member in value.items():
            kept = name in view.required or any(
                (component, name) in KEPT_OPTIONAL for component in (*view.components, ANY_SCHEMA)
            )
            member_node = view.properties.get(name)
            if kept:
                sparse[name] = member if member_node is None else self.value(member_node, member)
            elif view.nullable.get(name):
                sparse[name] = None
        return sparse

    def _merge(self, node: _Node, value: Any, view: _ObjectView) -> None:
        node = self._chosen(self._resolved(node), value)
        schema = self._raw(node)
        if node.component:
            view.components.add(node.component)
        view.required.update(schema.get("required", ()))
        for name, member in schema.get("properties", {}).items():
            if name not in view.properties:
                view.properties[name] = _Node((*node.location, "properties", name), "")
                view.nullable[name] = bool(
                    self._raw(self._resolved(view.properties[name])).get("nullable") or member.get("nullable")
                )
        for index in range(len(schema.get("allOf", ()))):
            self._merge(_Node((*node.location, "allOf", index), ""), value, view)
