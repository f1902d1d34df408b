"""`KNOWN_DEVIATIONS`: where a BigCommerce OpenAPI file is patched before validating, and why.

Each entry names one file (or all of them) and its reason; most carry a patch applied in memory to
the loaded file (`devtools.sandbox.contract.ContractValidator.spec`). An entry without a patch records
a reading the sandbox takes where the files say nothing, with the public sources behind it, so every
sandbox behaviour beyond the files is listed here (the code that applies one names its entry).
"Facts" is `reference/bigcommerce/FACTS.md`; "docs@24f580c" is `github.com/bigcommerce/docs` at the
commit the OpenAPI files were copied from (reference README).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ERROR_STATUSES = ("400", "401", "403", "404", "405", "409", "413", "422", "429", "500", "502", "503", "504")
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
ALL_FILES = "*"
V2_FILES = ("orders.v2.oas2.yml", "store_information.v2.yml", "geography.v2.yml")

Spec = dict[str, Any]


# --- the error bodies each API gives (reference README, "Facts"; devtools.sandbox.errors) -------

V2_ERROR: Spec = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["status", "message"],
        "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
    },
}
V3_ERROR: Spec = {
    "type": "object",
    "required": ["status", "title", "type"],
    "properties": {
        "status": {"type": "integer"},
        "title": {"type": "string"},
        "type": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
REFUNDS_ERROR: Spec = {
    "type": "object",
    "required": ["data"],
    "properties": {"data": {"type": "array", "minItems": 1, "items": V3_ERROR}},
}
PROMOTIONS_ERRORS_LIST: Spec = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["status", "title"],
                "properties": {"status": {"type": "integer"}, "title": {"type": "string"}},
            },
        }
    },
}
PROMOTIONS_DETAIL: Spec = {
    "type": "object",
    "required": ["status", "title", "type", "detail"],
    "properties": {
        "status": {"type": "integer"},
        "title": {"type": "string"},
        "type": {"type": "string"},
        "detail": {"type": "string"},
    },
}


def _promotions_error(status: str) -> Spec:
    """Promotions documents 404/422 as an `errors` list and 400/403/405 with a string status."""
    if status in ("404", "422"):
        return PROMOTIONS_ERRORS_LIST
    if status == "400":
        return {
            **PROMOTIONS_DETAIL,
            "properties": {**PROMOTIONS_DETAIL["properties"], "status": {"type": "string"}},
        }
    if status in ("403", "405"):
        return {
            "type": "object",
            "required": ["status", "title", "error"],
            "properties": {
                "status": {"type": "string"},
                "title": {"type": "string"},
                "error": {"type": "string"},
            },
        }
    return PROMOTIONS_DETAIL


def _error_schema(spec_file: str, operation_id: str, status: str) -> Spec:
    if spec_file in V2_FILES:
        return V2_ERROR
    if spec_file == "promotions.v3.yml":
        return _promotions_error(status)
    if operation_id == "createOrderRefund":
        return REFUNDS_ERROR
    return V3_ERROR


# --- the deviations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Deviation:
    """One documented difference between a published file and what we validate against, or (no
    `patch`) a reading the sandbox takes where the file is silent, so that every sandbox behaviour
    beyond the files is listed in this one place with its sources."""

    name: str
    spec_file: str
    reason: str
    patch: Callable[[str, Spec], None] | None = None


def _operations(spec: Spec) -> list[tuple[str, Spec]]:
    return [
        (path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


V2_LISTS: dict[str, tuple[str, ...]] = {
    "orders.v2.oas2.yml": ("/orders", "/orders/{order_id}/products", "/orders/{order_id}/shipping_addresses"),
    "geography.v2.yml": ("/countries", "/countries/{country_id}/states", "/countries/states"),
}


def _add_204_to_v2_lists(spec_file: str, spec: Spec) -> None:
    for path in V2_LISTS[spec_file]:
        spec["paths"][path]["get"]["responses"].setdefault(
            "204", {"description": "No Content: nothing to list."}
        )


def _add_error_statuses(spec_file: str, spec: Spec) -> None:
    for _, operation in _operations(spec):
        responses = operation["responses"]
        for status in ERROR_STATUSES:
            if status not in responses:
                schema = _error_schema(spec_file, operation.get("operationId", ""), status)
                responses[status] = {
                    "description": f"{status}, in this API's error shape (added: see KNOWN_DEVIATIONS).",
                    "content": {"application/json": {"schema": schema}},
                }


def _drop_empty_content(spec_file: str, spec: Spec) -> None:
    for _, operation in _operations(spec):
        for answer in operation["responses"].values():
            if answer.get("content") == {}:
                del answer["content"]


def _sort_with_direction(spec_file: str, spec: Spec) -> None:
    fields = "|".join(spec["components"]["parameters"]["sort"]["schema"]["enum"])
    spec["components"]["parameters"]["sort"]["schema"] = {
        "type": "string",
        "pattern": f"^({fields})(:(asc|desc))?$",
    }


def _resource_links_distinct(spec_file: str, spec: Spec) -> None:
    schemas = spec["components"]["schemas"]
    for name in ("orderConsignments_Resource", "products_Resource"):
        schemas[name]["required"] = ["url", "resource"]
    schemas["orderConsignment_Get"]["additionalProperties"] = False


def _refund_items_any_of(spec_file: str, spec: Spec) -> None:
    items = spec["components"]["schemas"]["ItemsRefund"]
    items["anyOf"] = items.pop("oneOf")


# (schema, property) the real API answers as `null` although the file types it a plain string.
REAL_NULLS: tuple[tuple[str, str], ...] = (
    ("order_Shared", "customer_message"),
    ("order_Shared", "staff_notes"),
    ("order_RespOnly", "cart_id"),
    ("orderShipment", "comments"),
)


def _real_nulls_nullable(spec_file: str, spec: Spec) -> None:
    schemas = spec["components"]["schemas"]
    for schema, name in REAL_NULLS:
        schemas[schema]["properties"][name]["nullable"] = True


def _redemption_type_writable(spec_file: str, spec: Spec) -> None:
    del spec["components"]["schemas"]["PromotionBase"]["properties"]["redemption_type"]["readOnly"]


def _no_exclusive_flags_without_bounds(spec_file: str, spec: Spec) -> None:
    """Drop `exclusiveMinimum: false` / `exclusiveMaximum: false` where no bound goes with them."""

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
                if node.get(flag) is False and bound not in node:
                    del node[flag]
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(spec["paths"])


def _channel_customer_settings_nullable(spec_file: str, spec: Spec) -> None:
    schemas = spec["components"]["schemas"]
    for section in ("privacy_settings", "customer_group_settings"):
        for member in schemas["CustomerChannelSettingsObject"]["properties"][section]["properties"].values():
            member["nullable"] = True
    put = spec["paths"]["/customers/settings/channels/{channel_id}"]["put"]
    schema = put["responses"]["200"]["content"]["application/json"]["schema"]
    schema["properties"]["data"] = {"$ref": "#/components/schemas/CustomerChannelSettingsObject"}


KNOWN_DEVIATIONS: tuple[Deviation, ...] = (
    Deviation(
        "v2-empty-list-204",
        "orders.v2.oas2.yml",
        "v2 lists answer 204 with an empty body when there is nothing (README Facts); the file "
        "documents 204 only for shipments. Added to GET /orders, /orders/{id}/products and "
        "/orders/{id}/shipping_addresses.",
        _add_204_to_v2_lists,
    ),
    Deviation(
        "undocumented-error-statuses",
        ALL_FILES,
        "BigCommerce documents its gateway and validation errors once (API status codes), not per "
        "operation. Where an operation leaves a status in ERROR_STATUSES undocumented, that status is "
        "added with the API's own error body (README Facts): v2 `[{status, message}]`; v3 "
        "`{status, title, type, errors}`; refunds `{data: [...]}`; promotions as its file does per "
        "status. Documented statuses keep their documented schemas.",
        _add_error_statuses,
    ),
    Deviation(
        "empty-content-maps",
        ALL_FILES,
        "A response documented with `content: {}` has no body in OpenAPI, but openapi-core then "
        "demands one (MissingData), e.g. GET /orders/{id}/shipments 204. Drop empty content maps.",
        _drop_empty_content,
    ),
    Deviation(
        "orders-sort-direction",
        "orders.v2.oas2.yml",
        "The `sort` parameter's own description says `sort=date_created:desc`, but its enum lists only "
        "bare field names. Accept each field with an optional `:asc`/`:desc`.",
        _sort_with_direction,
    ),
    Deviation(
        "resource-link-oneof",
        "orders.v2.oas2.yml",
        "`consignments` and `line_items` are `oneOf` a resource link and the full object, but neither "
        "alternative excludes the other (no required fields), so no answer can pass the oneOf. Require "
        "`url` and `resource` in orderConsignments_Resource and products_Resource, and forbid other "
        "members in orderConsignment_Get (pickups, shipping, downloads, email), as orderProducts does.",
        _resource_links_distinct,
    ),
    Deviation(
        "refund-item-overlap",
        "orders.v3.yml",
        "ItemsRefund is `oneOf` item kinds that overlap by design (an ORDER item is both an "
        "AmountBoundItem and a TaxExemptItem, a FEE item both an AmountBoundItem and a FeeItem), so "
        "ORDER and FEE refund items could never validate. Use `anyOf`.",
        _refund_items_any_of,
    ),
    Deviation(
        "real-nulls",
        "orders.v2.oas2.yml",
        "Real answers carry `null` where the file types a plain string (README Facts): orders created "
        "through the API answer `customer_message`, `staff_notes` and `cart_id` as null (dev-docs "
        "'Example create order response'; api-specs PR #245, a captured GET /orders/{id}). Shipment "
        "`comments` is optional and has no documented default; the sandbox answers null for a shipment "
        "created without comments, per the Facts rule that an optional field may be null. Marked "
        "`nullable` (REAL_NULLS).",
        _real_nulls_nullable,
    ),
    Deviation(
        "promotion-redemption-type-readonly",
        "promotions.v3.yml",
        "PromotionBase marks `redemption_type` read-only while both draft schemas require it in the "
        "POST body, so no valid draft could pass. Drop `readOnly` there.",
        _redemption_type_writable,
    ),
    Deviation(
        "geography-exclusive-bounds",
        "geography.v2.yml",
        "The file's parameters say `exclusiveMinimum: false` / `exclusiveMaximum: false` without a "
        "`minimum`/`maximum`, which OpenAPI 3.0 forbids ('maximum' is a dependency of "
        "'exclusiveMaximum'), so the file fails strict validation like marketing.v2.yml. A false flag "
        "without a bound constrains nothing: drop it.",
        _no_exclusive_flags_without_bounds,
    ),
    Deviation(
        "geography-empty-list-204",
        "geography.v2.yml",
        "v2 lists answer 204 with an empty body when there is nothing (Facts); the file documents only "
        "200. Added to GET /countries, /countries/{country_id}/states and /countries/states: a page past "
        "the last, and the states of a country that has none (undocumented; 204 by the v2 rule: only 16 "
        "of 245 countries have states in BigCommerce's own dump, bigcommerce/bigcommerce-for-wordpress "
        "assets/data/countries.json).",
        _add_204_to_v2_lists,
    ),
    Deviation(
        "customer-channel-settings-nulls",
        "customers.v3.yml",
        "GET /customers/settings/channels/{channel_id}: '`null` value configuration indicates that there "
        "is no override provided for a given channel', and the captured answer in docs@24f580c "
        "docs/store-operations/customers/channel-specific-customers.mdx is null in every privacy and "
        "group member. Those members are marked nullable in CustomerChannelSettingsObject, and the PUT's "
        "answer, typed CustomerSettingsObject although its own example carries `allow_global_logins`, "
        "is typed CustomerChannelSettingsObject.",
        _channel_customer_settings_nullable,
    ),
    # Readings: no patch, the files are silent; the sandbox's choice and its sources.
    Deviation(
        "channel-without-site-404",
        "channels.v3.yml",
        "GET /channels/{channel_id}/site documents only 200, but channels need not have a site ('not "
        "all sales channels are sites, channels are not required to have a site', docs@24f580c "
        "docs/storefront/multi-storefront/index.mdx). The sandbox answers a channel without a site, "
        "like an unknown channel, with 404 in the v3 error shape (the file's channel_not_found "
        "example); PUT on it is 404 too. A client should read 404 and an empty `data` alike as 'no "
        "site'. POST answers 200 as documented (the aliased POST /sites documents 201).",
    ),
    Deviation(
        "customer-email-per-channel",
        "customers.v3.yml",
        "The file says an email 'Must be unique', but 'Email addresses must be unique within each "
        "channel, rather than within the store' (docs@24f580c docs/storefront/multi-storefront/guide.mdx). "
        "An account's channels are its `channel_ids`, or with `channel_ids: null` every channel whose "
        "customer settings say `allow_global_logins: true` ('null - this customer can only log in to "
        "channels with allow_global_logins: true', docs/store-operations/customers/"
        "channel-specific-customers.mdx). A create or update whose email another account uses on one of "
        "its channels is 422. So one email can be a global account and a channel-2 account only while "
        "channel 2 refuses global logins; turning them on later is accepted without rechecking "
        "(undocumented). A customer created without `channel_ids` from a channel that refuses global "
        "logins gets `[origin_channel_id]` ('Determines if customers created on this channel will get "
        "global access/login', CustomerChannelSettingsObject). Unknown channel ids are stored as given "
        "(no documented error); an empty array is 422 ('This array cannot be empty').",
    ),
    Deviation(
        "store-credit-absolute",
        "customers.v3.yml",
        "`store_credit_amounts` says only 'Store credit.'. On PUT /customers the sandbox reads it as the "
        "customer's balance, replacing the one stored (absolute, not an amount to add): the v2 field it "
        "replaced is 'The amount of credit the customer has' (docs@24f580c reference/customers.v2.yml "
        "`store_credit`), and no increment operation exists. So two concurrent read-modify-writes lose "
        "one update (the last PUT wins), as nothing documents otherwise. The PUT answers every "
        "sub-resource, like POST (the CustomerCollectionResponse example carries store_credit_amounts); "
        "sparse mode drops them, so a client verifies with GET include=storecredit. An unknown id "
        "refuses the whole batch (422), as a create conflict does.",
    ),
    Deviation(
        "staff-notes-bytes",
        "orders.v2.oas2.yml",
        "`staff_notes` maxLength 65535 (api-specs PR #598, DEVDOCS-3374) does not say characters or "
        "bytes; 65535 is the size of a MySQL TEXT column in bytes, so the sandbox refuses (400) notes "
        "over 65535 UTF-8 bytes, the stricter reading: text the file allows may be refused. A PUT "
        "replaces the whole text and leaves the fields it omits (updateOrder: 'Those fields that are "
        "omitted will not be changed').",
    ),
    Deviation(
        "order-date-modified",
        "orders.v2.oas2.yml",
        "`date_modified` is 'the last modification of the order' without saying which writes count, and "
        "no public source lists them (store/order/updated: 'Any change to an existing order fires this "
        "webhook'; shipments have their own events). The sandbox moves it on every write it accepts to "
        "an order: status, staff notes, customer message, channel, a shipment, a refund, a "
        "shipping-address edit. A client keying caches on it must still bound the staleness of "
        "shipments and refunds: comparable platforms do not bump it on child edits (WooCommerce #34798, "
        "Magento #10287).",
    ),
    Deviation(
        "shipping-address-edit-after-shipping",
        "orders.v2.oas2.yml",
        "PUT /orders/{order_id}/shipping_addresses/{id} documents no refusal once items shipped to the "
        "address, and no public source mentions one: the sandbox accepts the edit whatever has shipped "
        "(the client must check items_shipped itself), and shipments answer the address as it is now "
        "(snapshot or not is undocumented). Read-only members (items_total, costs...) are 400, as the "
        "file's 400 example ('The field ... cannot be written to'). `country` or `country_iso2` alone "
        "fills the other ('There is no requirement to specify country when you specify country_ISO2 "
        "... and vice versa', docs@24f580c docs/store-operations/orders/index.mdx); one the countries "
        "list lacks, or two that disagree, is 400. `state` is free text (the same guide warns that "
        "abbreviated states break tax documents: they are accepted). Costs and tax are not recomputed "
        "('will NOT trigger the recalculation of shipping cost and tax').",
    ),
)
