"""BigCommerce payloads as pydantic models: what the client reads and what it sends.

Reading: a model declares only the fields the adaptor uses, and unknown fields are ignored
(BigCommerce adds fields freely; a field nobody uses should cost no parsing, and no "left out" warning
when a store sends it oddly). Values (money, dates, text, counts) are read as `values` says: money an
exact `Decimal`, dates timezone-aware, v2's `""` for "not yet" `None`. Records the adaptor shows are
lenient (`lenient`): a field of an unexpected type costs that field, never the record.

Absent and `null` (the OpenAPI files require almost nothing, and real answers carry `null`, e.g.
`customer_message` of orders created through the API): a text, count or flag field reads `null` as
its default (`Text` -> `""`, `Count` -> 0, `Flag` -> False); a money or date field the adaptor can do
without is `None`. The fields a model declares without a default are the ones the adaptor cannot do
without (an order's `id`): an answer item lacking one is unusable. Lists of a read skip such items,
logged and counted (`skipped_unusable`), instead of failing whole; the client does the same for the
lists it reads, except where skipping could repeat a money movement (refunds).

Sending: request models forbid unknown fields (a typo must not silently drop a refund line).
Each API wants money in its own spelling: v3 refunds take JSON numbers, v2 orders and v3
promotions take strings. `Decimal` fields are sent as exact JSON numbers by `encode_json`;
`MoneyString` fields are sent as strings. Neither ever passes through `float`.
"""

from gladly_bigcommerce.bigcommerce.models.base import (
    ActionApiModel,
    ApiModel,
    RecordModel,
    RequestModel,
    skipped_unusable,
    usable_items,
)
from gladly_bigcommerce.bigcommerce.models.channels import Channel, CustomerChannelSettings, Site, SiteUrl
from gladly_bigcommerce.bigcommerce.models.customers import (
    Customer,
    CustomerAddress,
    CustomerGroup,
    StoreCreditAmount,
    StoreCreditIn,
    StoreCreditUpdate,
)
from gladly_bigcommerce.bigcommerce.models.geography import Country, CountryState
from gladly_bigcommerce.bigcommerce.models.orders import (
    AppliedDiscount,
    Order,
    OrderConsignments,
    OrderNotesUpdate,
    OrderProduct,
    OrderProductOption,
    PostalAddress,
    PostalFields,
    Shipment,
    ShipmentItem,
    ShippingAddress,
    ShippingAddressUpdate,
    ShippingConsignment,
)
from gladly_bigcommerce.bigcommerce.models.promotions import (
    CartCondition,
    CartValueAction,
    FixedDiscount,
    PercentageDiscount,
    Promotion,
    PromotionAction,
    PromotionChannel,
    PromotionCode,
    PromotionCodeCreate,
    PromotionCondition,
    PromotionCreate,
    PromotionCustomer,
    PromotionRule,
    ShippingAction,
)
from gladly_bigcommerce.bigcommerce.models.refunds import (
    Refund,
    RefundedItem,
    RefundItem,
    RefundItemType,
    RefundMethodPayment,
    RefundPayment,
    RefundPaymentResult,
    RefundQuote,
)
from gladly_bigcommerce.bigcommerce.models.store import CatalogProduct, ProductImage, StoreInfo, StoreTimeZone

__all__ = [
    "ActionApiModel",
    "ApiModel",
    "AppliedDiscount",
    "CartCondition",
    "CartValueAction",
    "CatalogProduct",
    "Channel",
    "Country",
    "CountryState",
    "Customer",
    "CustomerAddress",
    "CustomerChannelSettings",
    "CustomerGroup",
    "FixedDiscount",
    "Order",
    "OrderConsignments",
    "OrderNotesUpdate",
    "OrderProduct",
    "OrderProductOption",
    "PercentageDiscount",
    "PostalAddress",
    "PostalFields",
    "ProductImage",
    "Promotion",
    "PromotionAction",
    "PromotionChannel",
    "PromotionCode",
    "PromotionCodeCreate",
    "PromotionCondition",
    "PromotionCreate",
    "PromotionCustomer",
    "PromotionRule",
    "RecordModel",
    "Refund",
    "RefundItem",
    "RefundItemType",
    "RefundMethodPayment",
    "RefundPayment",
    "RefundPaymentResult",
    "RefundQuote",
    "RefundedItem",
    "RequestModel",
    "Shipment",
    "ShipmentItem",
    "ShippingAction",
    "ShippingAddress",
    "ShippingAddressUpdate",
    "ShippingConsignment",
    "Site",
    "SiteUrl",
    "StoreCreditAmount",
    "StoreCreditIn",
    "StoreCreditUpdate",
    "StoreInfo",
    "StoreTimeZone",
    "skipped_unusable",
    "usable_items",
]
