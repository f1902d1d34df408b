"""Promotions and their coupon codes: a coupon is unique in the store, ignoring case.

Reference FACTS.md: `currency_code` defaults to the store's default currency, multi-currency ("*")
promotions take percentage discounts only, and a duplicate code is refused (422 by default; the
`duplicate_code_status` knob answers 409, the other reading).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from devtools.sandbox.errors import ApiError
from devtools.sandbox.formats import utc_now
from devtools.sandbox.inputs import CouponCodeCreateIn, PromotionCreateIn
from devtools.sandbox.records import CouponCode, Promotion
from devtools.sandbox.store_base import StoreState

COUPON_CODE_PATTERN = re.compile(r"[A-Za-z0-9 _-]+")
COUPON_CODE_MAX_LENGTH = 50


class PromotionRecords(StoreState):
    # --- promotions -----------------------------------------------------------------------------

    def create_promotion(self, data: PromotionCreateIn) -> Promotion:
        with self.lock:
            start = _parse_iso(data.start_date, "start_date") or utc_now()
            _parse_iso(data.end_date, "end_date")
            body = data.model_dump(exclude={"name", "redemption_type", "status", "coupon_type", "codes"})
            body["channels"] = [{"id": channel.id} for channel in data.channels]
            # Reference FACTS.md: currency_code defaults to the store's default currency, and
            # multi-currency ("*") promotions support percentage discounts only.
            body["currency_code"] = (data.currency_code or self.info.currency).upper()
            if body["currency_code"] == "*" and not _percentages_only(data.rules):
                raise ApiError(
                    422,
                    "Invalid currency_code",
                    detail="Multi-currency promotions (currency_code '*') support percentage discounts only.",
                )
            promotion = Promotion(
                id=self.next_id("promotion"),
                name=data.name,
                redemption_type=data.redemption_type,
                body=body,
                start_date=start,
                coupon_type=data.coupon_type,
                status=data.status,
            )
            self.promotions[promotion.id] = promotion
            return promotion

    def add_promotion(self, **fields: Any) -> Promotion:
        """Test helper: the fields of `POST /v3/promotions`."""
        return self.create_promotion(PromotionCreateIn.model_validate(fields))

    def promotion(self, promotion_id: int) -> Promotion:
        with self.lock:
            promotion = self.promotions.get(promotion_id)
            if promotion is None:
                raise ApiError(404, "Promotion not found", detail=f"There is no promotion {promotion_id}.")
            return promotion

    def create_coupon_code(self, promotion_id: int, data: CouponCodeCreateIn) -> CouponCode:
        """A code: letters, digits, spaces, `_` and `-`, at most 50, unique store-wide ignoring case."""
        with self.lock:
            promotion = self.promotion(promotion_id)
            if promotion.redemption_type != "COUPON":
                raise ApiError(
                    422, "Codes belong to coupon promotions", detail="This promotion is automatic."
                )
            if not COUPON_CODE_PATTERN.fullmatch(data.code) or len(data.code) > COUPON_CODE_MAX_LENGTH:
                raise ApiError(
                    422,
                    "Invalid coupon code",
                    detail="Use 1 to 50 letters, numbers, spaces, underscores or hyphens.",
                )
            if any(code.code.casefold() == data.code.casefold() for code in self.coupon_codes.values()):
                # 422, in the promotions API's 422 shape: the status is undocumented for this POST, and
                # the only public evidence (reference FACTS.md, "duplicate coupon code") treats 422 as a
                # duplicate code. Clients accept 409 too.
                raise ApiError(
                    self.duplicate_code_status,
                    "Coupon code already exists",
                    detail="Coupon codes are unique in the store.",
                )
            code = CouponCode(
                id=self.next_id("coupon_code"),
                promotion_id=promotion_id,
                code=data.code,
                created=utc_now(),
                max_uses=data.max_uses,
                max_uses_per_customer=data.max_uses_per_customer,
            )
            self.coupon_codes[code.id] = code
            return code

    def add_coupon_code(self, promotion_id: int, code: str, **fields: Any) -> CouponCode:
        """Test helper: `POST /v3/promotions/{id}/codes`."""
        return self.create_coupon_code(
            promotion_id, CouponCodeCreateIn.model_validate({"code": code, **fields})
        )


def _percentages_only(rules: list[dict[str, Any]]) -> bool:
    """Whether every rule only takes a percentage off (the cart's value or its items)."""
    for rule in rules:
        action = rule.get("action")
        if not isinstance(action, dict) or not action or not set(action) <= {"cart_value", "cart_items"}:
            return False
        for target in action.values():
            discount = target.get("discount") if isinstance(target, dict) else None
            if not isinstance(discount, dict) or "percentage_amount" not in discount:
                return False
    return True


def _parse_iso(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ApiError(422, f"Invalid {name}", detail="Use ISO 8601 with a time zone offset.") from None
    if moment.tzinfo is None:
        raise ApiError(422, f"Invalid {name}", detail="Use ISO 8601 with a time zone offset.")
    return moment
