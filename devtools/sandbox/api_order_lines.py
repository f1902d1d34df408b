"""Orders v2: an order's products, as `GET /v2/orders/{id}/products` and consignments show them.

Every field of orders.v2 `orderProducts` (the file forbids others): the line's `type` (physical,
digital, giftcertificate), the options the shopper chose or typed (`product_options`, with the
storefront's `display_name`/`display_value`), a bundle's or pick list's child line naming its parent
(`parent_order_product_id`, `is_bundled_product`: the file's example shows a pick-list child at $0
under its parent), the discounts on the line (`applied_discounts`, a manual one without a code as in
the file's example) and `discounted_total_inc_tax`, the total less those discounts ("the correct
total amount of the line item after deducting all the discounts and including the tax").
"""

from __future__ import annotations

from typing import Any

from devtools.sandbox.formats import money_v2
from devtools.sandbox.records import OrderProduct, ProductOption
from devtools.sandbox.routing import ApiRequest, ApiResponse, paginate, v2_list

ZERO_V2 = "0.0000"
DISPLAY_STYLES = {"Multiple choice": "Rectangle", "Swatch": "Swatch", "Product Pick List": "Pick list"}


def list_order_products(request: ApiRequest) -> ApiResponse:
    with request.store.lock:
        order = request.store.order(int(request.params["order_id"]))
        page, limit = request.page_and_limit()
        return v2_list([product_json(p) for p in paginate(order.products, page, limit)])


def product_json(product: OrderProduct) -> dict[str, Any]:
    """An order product; the spec forbids extra fields here (`additionalProperties: false`)."""
    return {
        "id": product.id,
        "order_id": product.order_id,
        "product_id": product.product_id,
        "variant_id": product.variant_id or 0,
        "order_pickup_method_id": 0,
        "order_address_id": product.order_address_id,
        "name": product.name,
        "name_customer": product.name,
        "name_merchant": product.name,
        "sku": product.sku,
        "upc": "",
        "type": product.type,
        "base_price": money_v2(product.price_ex_tax),
        "price_ex_tax": money_v2(product.price_ex_tax),
        "price_inc_tax": money_v2(product.price_inc_tax),
        "price_tax": money_v2(product.price_tax),
        "base_total": money_v2(product.total_ex_tax),
        "total_ex_tax": money_v2(product.total_ex_tax),
        "total_inc_tax": money_v2(product.total_inc_tax),
        "total_tax": money_v2(product.total_inc_tax - product.total_ex_tax),
        "weight": ZERO_V2,
        "width": ZERO_V2,
        "height": ZERO_V2,
        "depth": ZERO_V2,
        "quantity": product.quantity,
        "base_cost_price": ZERO_V2,
        "cost_price_inc_tax": ZERO_V2,
        "cost_price_ex_tax": ZERO_V2,
        "cost_price_tax": ZERO_V2,
        "is_refunded": product.quantity_refunded >= product.quantity,
        "quantity_refunded": product.quantity_refunded,
        "refund_amount": ZERO_V2,
        "return_id": 0,
        "wrapping_id": 0,
        "wrapping_name": None,
        "base_wrapping_cost": ZERO_V2,
        "wrapping_cost_ex_tax": ZERO_V2,
        "wrapping_cost_inc_tax": ZERO_V2,
        "wrapping_cost_tax": ZERO_V2,
        "wrapping_message": "",
        "quantity_shipped": product.quantity_shipped,
        "event_name": None,
        "event_date": None,
        "fixed_shipping_cost": ZERO_V2,
        "ebay_item_id": "",
        "ebay_transaction_id": "",
        "option_set_id": None,
        "parent_order_product_id": product.parent_id,
        "is_bundled_product": product.parent_id is not None,
        "bin_picking_number": "",
        "external_id": None,
        "brand": product.brand,
        "applied_discounts": [
            {"id": d.id, "amount": money_v2(d.amount), "name": d.name, "code": d.code, "target": d.target}
            for d in product.discounts
        ],
        "product_options": [
            _option_json(product, index, option) for index, option in enumerate(product.options)
        ],
        "configurable_fields": [],
        "gift_certificate_id": product.gift_certificate_id,
        "discounted_total_inc_tax": money_v2(product.discounted_total_inc_tax),
    }


def _option_json(product: OrderProduct, index: int, option: ProductOption) -> dict[str, Any]:
    """One chosen option; ids are derived from the line's, so the same store answers the same."""
    option_id = product.id * 10 + index
    return {
        "id": option_id,
        "option_id": index + 1,
        "order_product_id": product.id,
        "product_option_id": option_id,
        "display_name": option.display_name,
        "display_name_customer": option.display_name,
        "display_name_merchant": option.display_name,
        "display_value": option.display_value,
        "display_value_customer": option.display_value,
        "display_value_merchant": option.display_value,
        "value": option.value or option.display_value,
        "type": option.type,
        "name": option.display_name,
        "display_style": DISPLAY_STYLES.get(option.type, ""),
    }
