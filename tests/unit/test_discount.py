"""Discount-code rules that need no network: codes, the agent's values against the configured bounds,
the promotion sent to BigCommerce, the answer and audit facts, and where the action is offered."""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from gladly_bigcommerce.actions.declare import customer_actions
from gladly_bigcommerce.actions.discount.form import discount_fields
from gladly_bigcommerce.actions.discount.terms import CODE_ALPHABET, CodeGenerator, DiscountTerms, parse_terms
from gladly_bigcommerce.actions.discount.write import DiscountSnapshot, code_answer, promotion_draft
from gladly_bigcommerce.actions.machinery.fields import read_submit
from gladly_bigcommerce.actions.shoppers import CustomerActionQuery, Shopper
from gladly_bigcommerce.bigcommerce.models import PromotionCode
from gladly_bigcommerce.bigcommerce.values import encode_json
from gladly_bigcommerce.gladly.customer_ids import GuestRef, RegisteredRef
from gladly_bigcommerce.gladly.errors import BadRequest
from gladly_bigcommerce.settings.model import AdaptorSettings

NOW = datetime(2026, 3, 1, 17, 4, 5, 123456, tzinfo=UTC)
GUEST_EMAIL = "gary.guest@example.com"
VALUES = {"discount_type": "percentage", "amount": "10", "valid_days": "30", "uses": "1", "reason": "Late"}


def settings(**environ: str) -> AdaptorSettings:
    return AdaptorSettings.from_env(
        {"DEPLOYMENT_NAME": "test", "STORE_HASH": "abc123", "SECRET_NAME": "s", **environ}
    )


def terms(
    currency: str = "USD",
    settings_: AdaptorSettings | None = None,
    now: datetime = NOW,
    **changes: Any,
) -> DiscountTerms:
    """The terms of a submit of ``VALUES`` with ``changes``, read against the discount form's fields."""
    configured = settings_ or settings()
    form = read_submit(discount_fields(configured, currency), {**VALUES, **changes})
    return parse_terms(form, configured, currency, now=now)


def refusal(
    currency: str = "USD", settings_: AdaptorSettings | None = None, **changes: Any
) -> tuple[str, str]:
    with pytest.raises(BadRequest) as caught:
        terms(currency, settings_, **changes)
    (error,) = caught.value.errors
    return error.attr or "", error.code


# --- codes ------------------------------------------------------------------------------------------------


def test_a_code_is_readable_and_within_bigcommerces_charset() -> None:
    codes = [CodeGenerator()() for _ in range(200)]
    for code in codes:
        assert re.fullmatch(r"GLADLY-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
        assert re.fullmatch(r"[A-Za-z0-9 _-]{1,50}", code)
        assert not set(code.removeprefix("GLADLY-")) & set("0O1IL")
    assert len(set(codes)) == len(codes)


def test_the_alphabet_has_no_look_alikes() -> None:
    assert not set(CODE_ALPHABET) & set("0O1IL")
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET) == 31


def test_a_seeded_generator_repeats_its_codes() -> None:
    first = CodeGenerator(choose=random.Random(7).choice)
    second = CodeGenerator(choose=random.Random(7).choice)
    assert [first() for _ in range(3)] == [second() for _ in range(3)]


# --- the agent's values -------------------------------------------------------------------------------------


def test_a_percentage_within_the_maximum_is_accepted_with_its_dates() -> None:
    chosen = terms(amount="20")
    assert (chosen.kind, chosen.value, chosen.uses, chosen.valid_days) == ("percentage", Decimal(20), 1, 30)
    assert chosen.starts_at == NOW.replace(microsecond=0)
    assert chosen.ends_at == chosen.starts_at + timedelta(days=30)
    assert chosen.summary() == "20% off the order"


def test_amounts_are_decimals_in_the_store_currency() -> None:
    chosen = terms(discount_type="fixed_amount", amount="49.99")
    assert chosen.value == Decimal("49.99") and chosen.currency == "USD"
    assert chosen.summary() == "$49.99 off the order"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"amount": "20.01"}, ("amount", "exceeds_maximum")),
        ({"amount": "12.345"}, ("amount", "invalid_percentage")),
        ({"discount_type": "fixed_amount", "amount": "50.01"}, ("amount", "exceeds_maximum")),
        ({"discount_type": "fixed_amount", "amount": "$5"}, ("amount", "invalid_amount")),
        ({"discount_type": "free_shipping", "amount": "0"}, ("amount", "conflicting_fields")),
        ({"valid_days": "366"}, ("valid_days", "out_of_range")),
        ({"uses": "0"}, ("uses", "out_of_range")),
        ({"uses": "1.5"}, ("uses", "invalid_number")),
        ({"discount_type": None}, ("discount_type", "missing")),
    ],
)
def test_values_outside_the_bounds_are_refused_on_their_field(
    changes: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert refusal(**changes) == expected


def test_the_bounds_come_from_the_configuration() -> None:
    configured = settings(
        DISCOUNT_MAX_PERCENT="50",
        DISCOUNT_MAX_AMOUNT="100",
        DISCOUNT_DEFAULT_EXPIRY_DAYS="7",
        DISCOUNT_MAX_EXPIRY_DAYS="10",
    )
    assert terms(settings_=configured, amount="50", valid_days="10").value == Decimal(50)
    fixed = terms(settings_=configured, discount_type="fixed_amount", amount="100", valid_days="")
    assert fixed.value == Decimal(100)
    assert terms(settings_=configured, valid_days="").valid_days == 7
    assert refusal(settings_=configured, valid_days="11") == ("valid_days", "out_of_range")


def test_a_currency_without_minor_units_takes_whole_amounts_only() -> None:
    assert terms("JPY", discount_type="fixed_amount", amount="40").summary() == "¥40 off the order"
    assert refusal("JPY", discount_type="fixed_amount", amount="40.5") == ("amount", "invalid_amount")


def test_a_resubmit_is_the_same_offer_even_though_its_dates_moved() -> None:
    earlier = terms()
    later = terms(now=NOW + timedelta(minutes=5))
    assert earlier.same_offer(later) and earlier.ends_at != later.ends_at
    assert not earlier.same_offer(terms(amount="15"))


# --- the promotion sent to BigCommerce ----------------------------------------------------------------------


def test_a_percentage_promotion_is_a_capped_coupon_for_any_currency() -> None:
    body = json.loads(encode_json(promotion_draft(terms(uses="3"), "Gladly: test")))
    assert body == {
        "name": "Gladly: test",
        "display_name": "10% off the order",
        "rules": [{"action": {"cart_value": {"discount": {"percentage_amount": "10"}}}, "apply_once": True}],
        "redemption_type": "COUPON",
        "coupon_type": "SINGLE",
        "status": "ENABLED",
        "max_uses": 3,
        "start_date": "2026-03-01T17:04:05+00:00",
        "end_date": "2026-03-31T17:04:05+00:00",
        "currency_code": "*",
    }


def test_a_fixed_amount_promotion_is_in_the_store_currency() -> None:
    body = json.loads(
        encode_json(promotion_draft(terms("EUR", discount_type="fixed_amount", amount="7.5"), "x"))
    )
    assert body["rules"][0]["action"] == {"cart_value": {"discount": {"fixed_amount": "7.5"}}}
    assert body["currency_code"] == "EUR"


def test_a_free_shipping_promotion_covers_every_zone_in_the_store_currency() -> None:
    # Given free-shipping terms in a store whose default currency is euros
    body = json.loads(
        encode_json(promotion_draft(terms("EUR", discount_type="free_shipping", amount=""), "x"))
    )
    # Then the promotion ships free to every zone, in the store's currency: BigCommerce's
    # multi-currency ("*") promotions support percentage discounts only
    assert body["rules"][0]["action"] == {"shipping": {"zone_ids": "*", "free_shipping": True}}
    assert body["display_name"] == "Free shipping"
    assert body["currency_code"] == "EUR"


# --- the answer and the audit facts -------------------------------------------------------------------------


def test_the_answer_shows_the_code_and_the_audit_facts_do_not() -> None:
    snapshot = DiscountSnapshot(terms=terms(discount_type="fixed_amount", amount="5"), promotion_id=12)
    code = PromotionCode(id=34, code="GLADLY-7KQ4-M9XP", max_uses=1)
    answer = code_answer(snapshot, code, "Parcel lost, customer Jane Doe upset")
    assert answer.result is not None
    assert answer.result.message == "Discount code GLADLY-7KQ4-M9XP: $5.00 off the order"
    assert answer.result.detail is not None
    assert "Code for the shopper: GLADLY-7KQ4-M9XP" in answer.result.detail
    assert "Valid until 2026-03-31 17:04 UTC (30 days)." in answer.result.detail
    # The code is a bearer secret and the reason free text: neither is in the audit line
    assert answer.audit == {
        "kind": "fixed_amount",
        "value": "5",
        "currency": "USD",
        "uses": "1",
        "valid_days": "30",
        "ends_at": "2026-03-31T17:04:05+00:00",
        "promotion_id": "12",
        "code_id": "34",
        "reason_length": "36",
    }


# --- who the discount is for --------------------------------------------------------------------------------


def test_a_guest_is_audited_by_a_fingerprint_never_by_email() -> None:
    shopper = Shopper.of(CustomerActionQuery.model_validate({"customer": f"guest:{GUEST_EMAIL}"}))
    assert shopper.ref == GuestRef(GUEST_EMAIL)
    assert shopper.external_id == f"guest:{GUEST_EMAIL}"
    assert re.fullmatch(r"guest-[0-9a-f]{12}", shopper.audit_ref)
    assert shopper.described == "a guest shopper"


def test_a_registered_customer_is_audited_by_id() -> None:
    shopper = Shopper.of(CustomerActionQuery.model_validate({"customer": "42"}))
    assert (shopper.audit_ref, shopper.described) == ("42", "customer 42")


@pytest.mark.parametrize(
    "customer",
    # ids the adaptor never writes: another spelling of customer 42 or of a guest's id is no id at all
    ["nobody", "0", "guest:no-at-sign", "042", " 42", "4\u0662", f"guest:{GUEST_EMAIL.upper()}"],
)
def test_an_id_the_adaptor_never_issues_is_refused(customer: str) -> None:
    with pytest.raises(BadRequest) as caught:
        Shopper.of(CustomerActionQuery.model_validate({"customer": customer}))
    assert caught.value.errors[0].attr == "customer"


# --- where it is offered ------------------------------------------------------------------------------------


def test_the_plus_menu_offers_a_discount_code_only_when_enabled() -> None:
    enabled = settings(ACTIONS_ENABLED="discount")
    base = "https://support-api.example.com/gladly"
    (registered,) = customer_actions(RegisteredRef(1), enabled, base)
    assert (registered.name, registered.form_url) == ("Discount code", f"{base}/actions/discount?customer=1")
    (guest,) = customer_actions(GuestRef(GUEST_EMAIL), enabled, base)
    assert guest.form_url == f"{base}/actions/discount?customer=guest%3Agary.guest%40example.com"
    assert customer_actions(RegisteredRef(1), settings(ACTIONS_ENABLED="refund,cancel"), base) == []
    assert customer_actions(RegisteredRef(1), settings(ACTIONS_ENABLED=""), base) == []
