"""Refunds v3: quotes, refunds, and the refund lists (rules in `devtools.sandbox.refunds`).

BigCommerce says refunds on one order must be sequential and offers no idempotency key. The sandbox
makes the rule observable: while a refund on an order is being processed (for
`SandboxServer.refund_processing_seconds`, 0 by default), another refund on the same order is
refused with 409 (sandbox rule from the reference README).

The refunds POST only schedules the payment ("the payment request itself occurs asynchronously",
orders.v3 `createOrderRefund`): its answer shows every payment as not declined, and a decline shows
only in the refund lists read afterwards (`payments[].is_declined`, `declined_message`).
"""

from __future__ import annotations

from typing import Any

from devtools.sandbox import refunds
from devtools.sandbox.errors import ApiError, ErrorShape
from devtools.sandbox.formats import date_v3, money_v3
from devtools.sandbox.inputs import RefundCreateIn, RefundQuoteIn, parse_body
from devtools.sandbox.records import ZERO, Refund
from devtools.sandbox.routing import (
    ORDERS,
    ORDERS_READ,
    TRANSACTIONS,
    TRANSACTIONS_READ,
    ApiRequest,
    ApiResponse,
    Route,
    route,
    v3_page,
)


def create_quote(request: ApiRequest) -> ApiResponse:
    body = parse_body(RefundQuoteIn, request.json(), status=422)
    with request.store.lock:
        order = request.store.order(int(request.params["order_id"]))
        quote = refunds.quote(request.store, order, body.items)
    order_level = sum((q.amount for q in quote.items if q.item.item_type == "ORDER"), ZERO)
    data = {
        "order_id": quote.order_id,
        "total_refund_amount": money_v3(quote.total_refund_amount),
        "total_refund_tax_amount": money_v3(quote.total_refund_tax_amount),
        "order_level_refund_amount": money_v3(order_level),
        "rounding": quote.rounding,
        "adjustment": money_v3(quote.adjustment),
        "tax_inclusive": quote.tax_inclusive,
        "refund_methods": [
            [
                {
                    "provider_id": option.provider_id,
                    "provider_description": option.provider_description,
                    "amount": money_v3(option.amount),
                    "offline": option.offline,
                    "offline_provider": option.offline_provider,
                    "offline_reason": option.offline_reason,
                }
                for option in method
            ]
            for method in quote.refund_methods
        ],
    }
    return ApiResponse(201, {"data": data, "meta": {}})


def create_refund(request: ApiRequest) -> ApiResponse:
    body = parse_body(RefundCreateIn, request.json(), status=422)
    store = request.store
    order_id = int(request.params["order_id"])
    with store.lock:
        order = store.order(order_id)
        if order_id in store.refunds_in_progress:
            raise ApiError(
                409,
                "A refund is already in progress for this order",
                detail="Refunds on one order must be processed one after another.",
            )
        store.refunds_in_progress.add(order_id)
    try:
        request.pause(request.refund_processing_seconds)
        with store.lock:
            refund = refunds.create_refund(store, order, body)
            data = refund_json(refund, scheduled=True)
    finally:
        with store.lock:
            store.refunds_in_progress.discard(order_id)
    return ApiResponse(201, {"data": data, "meta": {}})


def list_order_refunds(request: ApiRequest) -> ApiResponse:
    with request.store.lock:
        order = request.store.order(int(request.params["order_id"]))
        found = [r for r in request.store.refunds.values() if r.order_id == order.id]
        return _collection(request, found)


def list_refunds(request: ApiRequest) -> ApiResponse:
    order_ids = set(request.int_csv_arg("order_id:in") or [])
    refund_ids = set(request.int_csv_arg("id:in") or [])
    with request.store.lock:
        found = [
            r
            for r in request.store.refunds.values()
            if (not order_ids or r.order_id in order_ids) and (not refund_ids or r.id in refund_ids)
        ]
        return _collection(request, found)


def _collection(request: ApiRequest, found: list[Refund]) -> ApiResponse:
    found.sort(key=lambda r: r.id)
    page, limit = request.page_and_limit()
    return v3_page(found, page, limit, refund_json)


def refund_json(refund: Refund, *, scheduled: bool = False) -> dict[str, Any]:
    """A refund as BigCommerce lists it; `scheduled`: as the POST answers it, before any decline is known."""
    return {
        "id": refund.id,
        "order_id": refund.order_id,
        "user_id": refund.user_id,
        "created": date_v3(refund.created),
        "reason": refund.reason,
        "total_amount": money_v3(refund.total_amount),
        "total_tax": money_v3(refund.total_tax),
        "uses_merchant_override_values": refund.uses_merchant_override_values,
        "items": [
            {
                "item_type": item.item_type,
                "item_id": item.item_id,
                "reason": item.reason,
                **({"quantity": item.quantity} if item.quantity is not None else {}),
                **(
                    {"requested_amount": money_v3(item.requested_amount)}
                    if item.requested_amount is not None
                    else {}
                ),
            }
            for item in refund.items
        ],
        "payments": [
            {
                "id": payment.id,
                "provider_id": payment.provider_id,
                "amount": money_v3(payment.amount),
                "offline": payment.offline,
                "is_declined": payment.is_declined and not scheduled,
                "declined_message": "" if scheduled else payment.declined_message,
                "transaction_id": payment.transaction_id,
            }
            for payment in refund.payments
        ],
    }


MODIFY = [ORDERS, TRANSACTIONS]
READ = [ORDERS_READ, ORDERS, TRANSACTIONS_READ, TRANSACTIONS]
ROUTES: list[Route] = [
    route("POST", "/v3/orders/{order_id}/payment_actions/refund_quotes", create_quote, MODIFY, ErrorShape.V3),
    route("POST", "/v3/orders/{order_id}/payment_actions/refunds", create_refund, MODIFY, ErrorShape.REFUNDS),
    route("GET", "/v3/orders/{order_id}/payment_actions/refunds", list_order_refunds, READ, ErrorShape.V3),
    route("GET", "/v3/orders/payment_actions/refunds", list_refunds, READ, ErrorShape.V3),
]
