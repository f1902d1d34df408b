"""Promotions v3: coupon and automatic promotions and their coupon codes.

Coupon codes follow the spec's description: letters, digits, spaces, `_` and `-`, at most 50
characters; unique in the store ignoring case (sandbox rule). A duplicate is 422 in the promotions
error shape (`{"errors": [{"status", "title", "detail"}]}`): the spec documents no error status for
`POST /v3/promotions/{id}/codes`, and the only public evidence treats 422 as a duplicate code
(reference FACTS.md). A promotion's `currency_code` defaults to the store's default currency, and a
multi-currency one (`*`) may only take percentages off (FACTS.md): anything else is 422. Rules and
actions are otherwise stored as sent and echoed back; the sandbox does not evaluate them (nothing
here checks out a cart).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devtools.sandbox.errors import ApiError, ErrorShape
from devtools.sandbox.formats import date_v3
from devtools.sandbox.inputs import CouponCodeCreateIn, PromotionCreateIn, parse_body
from devtools.sandbox.records import CouponCode, Promotion
from devtools.sandbox.routing import (
    MARKETING,
    MARKETING_READ,
    ApiRequest,
    ApiResponse,
    Route,
    route,
    v3_page,
)
from devtools.sandbox.store import SandboxStore

SORTS: dict[str, Callable[[Promotion], Any]] = {
    "id": lambda p: p.id,
    "name": lambda p: (p.name.casefold(), p.id),
    "priority": lambda p: p.id,
    "start_date": lambda p: (p.start_date, p.id),
}


def create_promotion(request: ApiRequest) -> ApiResponse:
    data = parse_body(PromotionCreateIn, request.json(), status=422)
    with request.store.lock:
        promotion = request.store.create_promotion(data)
        return ApiResponse(201, {"data": promotion_json(request.store, promotion), "meta": {}})


def get_promotion(request: ApiRequest) -> ApiResponse:
    with request.store.lock:
        promotion = request.store.promotion(int(request.params["id"]))
        return ApiResponse(200, {"data": promotion_json(request.store, promotion), "meta": {}})


def list_promotions(request: ApiRequest) -> ApiResponse:
    matches = _promotion_filters(request)
    sort = request.arg("sort") or "id"
    direction = request.arg("direction") or "asc"
    if sort not in SORTS or direction not in ("asc", "desc"):
        raise ApiError(
            422, "Invalid sort", detail="sort: id, name, priority, start_date; direction: asc, desc"
        )
    with request.store.lock:
        store = request.store
        found = [p for p in store.promotions.values() if all(match(store, p) for match in matches)]
        found.sort(key=SORTS[sort], reverse=direction == "desc")
        page, limit = request.page_and_limit()
        return v3_page(found, page, limit, lambda p: promotion_json(store, p))


PromotionFilter = Callable[[SandboxStore, Promotion], bool]


def _promotion_filters(request: ApiRequest) -> list[PromotionFilter]:
    matches: list[PromotionFilter] = []
    if request.arg("id") is not None:
        promotion_id = request.int_arg("id", 1)
        matches.append(lambda _, p: p.id == promotion_id)
    if (name := request.arg("name")) is not None:
        matches.append(lambda _, p: p.name.casefold() == name.casefold())
    if (code := request.arg("code")) is not None:
        matches.append(
            lambda store, p: any(c.code.casefold() == code.casefold() for c in _codes(store, p.id))
        )
    if (currency := request.arg("currency_code")) is not None:
        matches.append(lambda _, p: p.body["currency_code"] in (currency.upper(), "*"))
    if redemption_type := request.arg("redemption_type"):
        matches.append(lambda _, p: p.redemption_type == redemption_type.upper())
    if (status := request.arg("status")) is not None:
        matches.append(lambda _, p: p.status == status.upper())
    if (channels := request.int_csv_arg("channels")) is not None:
        wanted = set(channels)
        matches.append(
            lambda _, p: not p.body["channels"] or bool(wanted & {c["id"] for c in p.body["channels"]})
        )
    if (query := request.arg("query")) is not None:
        text = query.casefold()
        matches.append(
            lambda store, p: (
                text in p.name.casefold() or any(text in c.code.casefold() for c in _codes(store, p.id))
            )
        )
    return matches


def _codes(store: SandboxStore, promotion_id: int) -> list[CouponCode]:
    return sorted(
        (c for c in store.coupon_codes.values() if c.promotion_id == promotion_id), key=lambda c: c.id
    )


def promotion_json(store: SandboxStore, promotion: Promotion) -> dict[str, Any]:
    body = promotion.body
    data: dict[str, Any] = {
        "id": promotion.id,
        "name": promotion.name,
        "display_name": body["display_name"],
        "redemption_type": promotion.redemption_type,
        "created_from": "api",
        "channels": body["channels"],
        "customer": body["customer"] or {"group_ids": [], "minimum_order_count": 0, "excluded_group_ids": []},
        "rules": [{"apply_once": True, "stop": False, **rule} for rule in body["rules"]],
        "notifications": body["notifications"],
        "stop": body["stop"],
        "currency_code": body["currency_code"],
        "current_uses": promotion.current_uses,
        "start_date": date_v3(promotion.start_date),
        "status": promotion.status,
        "can_be_used_with_other_promotions": body["can_be_used_with_other_promotions"],
    }
    for optional in ("max_uses", "end_date", "shipping_address", "schedule"):
        if body[optional] is not None:
            data[optional] = body[optional]
    if promotion.redemption_type == "COUPON":
        data["coupon_type"] = promotion.coupon_type
        data["coupon_overrides_other_promotions"] = body["coupon_overrides_other_promotions"]
        data["coupon_overrides_automatic_when_offering_higher_discounts"] = body[
            "coupon_overrides_automatic_when_offering_higher_discounts"
        ]
        data["multiple_codes"] = {"has_multiple_codes": len(_codes(store, promotion.id)) > 1}
    return data


def create_code(request: ApiRequest) -> ApiResponse:
    data = parse_body(CouponCodeCreateIn, request.json(), status=422)
    with request.store.lock:
        code = request.store.create_coupon_code(int(request.params["promotion_id"]), data)
        return ApiResponse(201, {"data": code_json(code), "meta": {}})


def list_promotion_codes(request: ApiRequest) -> ApiResponse:
    wanted = request.arg("code")
    with request.store.lock:
        promotion = request.store.promotion(int(request.params["promotion_id"]))
        codes = [
            c
            for c in _codes(request.store, promotion.id)
            if wanted is None or c.code.casefold() == wanted.casefold()
        ]
        return _codes_page(request, codes)


def find_codes(request: ApiRequest) -> ApiResponse:
    """`GET /v3/promotions/codes?code=...`: the code with that text, ignoring case."""
    wanted = request.arg("code")
    if not wanted:
        raise ApiError(422, "Parameter code is required", detail="Pass ?code=...")
    with request.store.lock:
        codes = sorted(
            (c for c in request.store.coupon_codes.values() if c.code.casefold() == wanted.casefold()),
            key=lambda c: c.id,
        )
        return _codes_page(request, codes)


def _codes_page(request: ApiRequest, codes: list[CouponCode]) -> ApiResponse:
    page, limit = request.page_and_limit()
    return v3_page(codes, page, limit, code_json)


def code_json(code: CouponCode) -> dict[str, Any]:
    return {
        "id": code.id,
        "code": code.code,
        "current_uses": code.current_uses,
        "max_uses": code.max_uses,
        "max_uses_per_customer": code.max_uses_per_customer,
        "created": date_v3(code.created),
    }


READ = [MARKETING_READ, MARKETING]
SHAPE = ErrorShape.PROMOTIONS
ROUTES: list[Route] = [
    route("GET", "/v3/promotions", list_promotions, READ, SHAPE),
    route("POST", "/v3/promotions", create_promotion, [MARKETING], SHAPE),
    route("GET", "/v3/promotions/codes", find_codes, READ, SHAPE),
    route("GET", "/v3/promotions/{id}", get_promotion, READ, SHAPE),
    route("GET", "/v3/promotions/{promotion_id}/codes", list_promotion_codes, READ, SHAPE),
    route("POST", "/v3/promotions/{promotion_id}/codes", create_code, [MARKETING], SHAPE),
]
