"""The strict reading of action submits (``actions/machinery/fields.py``, ``numbers.py``): every submitted
value means exactly one thing. The reproducers of issue 16 are here at the unit level; the same cases
go through the real handlers in tests/integration/test_strict_submits.py, which checks the store too."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

import pytest
from pydantic import ValidationError

from gladly_bigcommerce.actions.cancel import cancel_fields
from gladly_bigcommerce.actions.machinery.fields import (
    MAX_VALUE_LENGTH,
    Amount,
    Bound,
    ByChoice,
    FormField,
    Percentage,
    Refused,
    Unused,
    WholeNumber,
    check_submitted,
    echoed,
    read_submit,
    reason_field,
    sections,
    select_field,
    submitted_values,
    text_field,
)
from gladly_bigcommerce.actions.machinery.numbers import amount_example, number_example, plain_number
from gladly_bigcommerce.actions.orders import OrderActionQuery
from gladly_bigcommerce.actions.refund.amounts import RefundableOrder, RefundMethod
from gladly_bigcommerce.actions.refund.form import payment_method_fields
from gladly_bigcommerce.actions.shipping_address import ShippingAddressQuery
from gladly_bigcommerce.actions.shoppers import CustomerActionQuery, Shopper
from gladly_bigcommerce.bigcommerce.models import RefundMethodPayment
from gladly_bigcommerce.gladly.errors import BadRequest

# Other scripts' digits, spelled out so that the source shows what they are.
ARABIC_INDIC_12 = "\u0661\u0662"
FULLWIDTH_12_5 = "\uff11\uff12.\uff15"
MATHEMATICAL_BOLD_2 = "\U0001d7d0"
NO_BREAK_SPACE = "\u00a0"
RIGHT_TO_LEFT_OVERRIDE = "\u202e"


def refusals(fields: list[FormField], values: dict[str, Any]) -> list[tuple[str, str]]:
    """The (attr, code) of every error ``read_submit`` raises for ``values``."""
    with pytest.raises(BadRequest) as caught:
        read_submit(fields, values)
    return [(item.attr, item.code) for item in caught.value.errors]


def pre_pass_refusals(body: Any) -> list[tuple[str, str]]:
    """The (attr, code) of every error a submit of ``body`` gets before its token is checked."""
    with pytest.raises(BadRequest) as caught:
        check_submitted(submitted_values(body))
    return [(item.attr, item.code) for item in caught.value.errors]


# --- the number grammar --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decimals", "number"),
    [("12", 2, Decimal(12)), ("12.5", 2, Decimal("12.5")), ("0.125", 3, Decimal("0.125")), ("007", 0, 7)],
)
def test_ascii_digits_with_one_point_are_numbers(text: str, decimals: int, number: Decimal) -> None:
    assert plain_number(text, whole_digits=12, decimals=decimals) == number


@pytest.mark.parametrize(
    "text",
    [
        ARABIC_INDIC_12,
        FULLWIDTH_12_5,
        MATHEMATICAL_BOLD_2,
        f"12{NO_BREAK_SPACE}",
        " 12",
        "12 ",
        "1e2",
        "1E2",
        "+12",
        "-12",
        "12.",
        ".5",
        "1.2.3",
        "12,5",
        "1_000",
        "NaN",
        "Infinity",
        "12.505",
        "",
    ],
)
def test_anything_else_is_no_number(text: str) -> None:
    assert plain_number(text, whole_digits=12, decimals=2) is None


def test_a_number_past_its_digits_is_no_number() -> None:
    assert plain_number("1" * 13, whole_digits=12, decimals=2) is None
    assert plain_number("1" * 4_301, whole_digits=12, decimals=2) is None


# --- readers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "accepted", "refused"),
    [
        ("USD", ["12.50", "7", "0.01"], ["12.505", "0", "0.00", "$5", "1,234.50"]),
        ("JPY", ["1250"], ["12.5"]),
        ("KWD", ["0.125"], ["0.1255"]),
    ],
)
def test_an_amount_has_at_most_its_currencys_decimals(
    currency: str, accepted: list[str], refused: list[str]
) -> None:
    fields = [text_field("amount", "Amount", Amount(currency))]
    for text in accepted:
        assert read_submit(fields, {"amount": text}).number("amount") == Decimal(text)
    for text in refused:
        assert refusals(fields, {"amount": text}) == [("amount", "invalid_amount")], text


def test_a_bound_refuses_more_with_its_own_code() -> None:
    fields = [
        text_field(
            "qty_1", "Quantity", WholeNumber("items", bound=Bound(Decimal(2), "too_many", "2 at most"))
        )
    ]
    assert read_submit(fields, {"qty_1": "2"}).count("qty_1") == 2
    assert refusals(fields, {"qty_1": "3"}) == [("qty_1", "too_many")]


# --- selects: exactly one of the options ---------------------------------------------------------------

CANCEL_REFUND = select_field(
    "refund",
    "Refund too?",
    [("none", "No"), ("refund:braintree", "Card"), ("refund:storecredit", "Store credit")],
    default="none",
)


@pytest.mark.parametrize(
    "value",
    [
        "refund:",
        "refund: braintree",
        "refund:braintree ",
        " none",
        "NONE",
        "refund:BRAINTREE",
        "refund:paypal",
    ],
)
def test_a_select_takes_only_an_option_it_renders_compared_exactly(value: str) -> None:
    assert refusals([CANCEL_REFUND], {"refund": value}) == [("refund", "invalid_choice")]


def test_an_offered_option_is_read_and_an_empty_select_means_its_default() -> None:
    assert read_submit([CANCEL_REFUND], {"refund": "refund:braintree"}).choice("refund") == "refund:braintree"
    assert read_submit([CANCEL_REFUND], {}).choice("refund") == "none"
    assert read_submit([CANCEL_REFUND], {"refund": None}).choice("refund") == "none"


@pytest.mark.parametrize(
    "value", [["storecredit"], 7, Decimal("1E+2"), {"method": "storecredit"}, True, False]
)
def test_a_value_of_another_json_type_is_refused_on_its_field(value: Any) -> None:
    method = select_field("payment_method", "Refund to", [("braintree", "Card"), ("storecredit", "Credit")])
    assert refusals([method], {"payment_method": value}) == [("payment_method", "invalid_type")]


def test_a_required_select_left_empty_is_missing() -> None:
    scope = select_field("refund", "What", [("everything", "All")], missing="Choose what to refund.")
    assert refusals([scope], {"refund": ""}) == [("refund", "missing")]


# --- field names ---------------------------------------------------------------------------------------


def quantities() -> list[FormField]:
    return [text_field(f"qty_{line}", "Quantity", WholeNumber("items"), default="0") for line in (1, 2)]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"qty_01": "1"}, [("qty_01", "unknown_field")]),
        ({"qty_2": "1", "qty_02": "1"}, [("qty_02", "unknown_field")]),
        ({"qty_\u0661": "1"}, [("", "unknown_field")]),
        ({"qty_1.0": "1"}, [("", "unknown_field")]),
        ({"QTY_1": "1"}, [("QTY_1", "unknown_field")]),
    ],
    ids=["zero-padded", "alias-beside-its-field", "arabic-indic-digit", "decimal-point", "upper-case"],
)
def test_a_line_item_has_one_field_name_and_aliases_are_refused(
    values: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    assert refusals(quantities(), values) == expected


def test_a_field_name_of_4301_digits_is_refused_naming_no_field() -> None:
    name = "qty_" + "9" * 4_301
    assert pre_pass_refusals({name: "1", "reason": "x"}) == [("", "unknown_field")]
    assert refusals(quantities(), {name: "1"}) == [("", "unknown_field")]


@pytest.mark.parametrize(
    "text", [ARABIC_INDIC_12, FULLWIDTH_12_5, MATHEMATICAL_BOLD_2, f"1{NO_BREAK_SPACE}", "1e2", " 1"]
)
def test_a_quantity_is_ascii_digits_as_sent(text: str) -> None:
    assert refusals(quantities(), {"qty_1": text}) == [("qty_1", "invalid_number")]


# --- what no form may carry (before the token is checked) ----------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (["storecredit"], "invalid_type"),
        (7, "invalid_type"),
        (Decimal("1E+2"), "invalid_type"),
        ({"a": "b"}, "invalid_type"),
        ("x" * (MAX_VALUE_LENGTH + 1), "too_long"),
        ("Damaged\u0000", "invalid_text"),
        (f"Damaged {RIGHT_TO_LEFT_OVERRIDE}dnuof ton", "invalid_text"),
        ("line\nbreak", "invalid_text"),
        ("\u2066isolate\u2069", "invalid_text"),
    ],
)
def test_a_value_no_form_takes_is_refused_before_anything_else(value: Any, code: str) -> None:
    assert pre_pass_refusals({"reason": value}) == [("reason", code)]


def test_every_offending_field_is_named_at_once() -> None:
    assert pre_pass_refusals({"payment_method": ["storecredit"], "amount": 7, "reason": "ok"}) == [
        ("payment_method", "invalid_type"),
        ("amount", "invalid_type"),
    ]


def test_strings_booleans_and_nulls_pass_the_first_check() -> None:
    body = {"reason": "Arrived <b>damaged</b>", "refund": None, "flag": True}
    check_submitted(body)
    assert submitted_values(body) == body


def test_a_body_that_is_not_an_object_is_refused_on_the_body() -> None:
    assert pre_pass_refusals(["reason"]) == [("body", "invalid_body")]


# --- free text -----------------------------------------------------------------------------------------


def test_a_reason_is_trimmed_required_and_echoed_escaped() -> None:
    field = reason_field("Reason", "Why")
    assert read_submit([field], {"reason": "  Arrived damaged "}).text("reason") == "Arrived damaged"
    assert refusals([field], {"reason": "   "}) == [("reason", "missing")]
    assert refusals([field], {}) == [("reason", "missing")]
    assert echoed("<script>alert(1)</script> & co") == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"


# --- fields read by another field's choice -------------------------------------------------------------


def discount_like() -> list[FormField]:
    kind = select_field("kind", "Kind", [("percent", "%"), ("fixed", "$"), ("free", "Free")], missing="Pick")
    size = ByChoice(
        "kind",
        {
            "percent": Percentage(missing="Enter a percentage"),
            "fixed": Amount("USD", missing="Enter an amount"),
        },
        otherwise=Unused("Free takes no amount"),
    )
    return [kind, text_field("size", "Size", size)]


def test_a_field_is_read_as_the_chosen_option_says() -> None:
    assert read_submit(discount_like(), {"kind": "percent", "size": "12.5"}).number("size") == Decimal("12.5")
    assert refusals(discount_like(), {"kind": "percent", "size": "12.505"}) == [
        ("size", "invalid_percentage")
    ]
    assert refusals(discount_like(), {"kind": "fixed", "size": ""}) == [("size", "missing")]
    assert refusals(discount_like(), {"kind": "free", "size": "5"}) == [("size", "conflicting_fields")]
    assert read_submit(discount_like(), {"kind": "free", "size": ""}).number("size") is None


def test_a_field_whose_choice_is_refused_is_left_unread() -> None:
    assert refusals(discount_like(), {"kind": "percent ", "size": "abc"}) == [("kind", "invalid_choice")]


def test_a_field_of_another_choice_is_still_spelled_right_and_refused_when_filled() -> None:
    scope = select_field("refund", "What", [("items", "Items"), ("amount", "Amount")], missing="Choose")
    quantity = ByChoice(
        "refund", {"items": WholeNumber("items")}, otherwise=Unused("Other", WholeNumber("items"))
    )
    fields = [scope, text_field("qty_1", "Quantity", quantity, default="0")]
    assert read_submit(fields, {"refund": "amount", "qty_1": "0"}).count("qty_1") is None
    assert refusals(fields, {"refund": "amount", "qty_1": "2"}) == [("qty_1", "conflicting_fields")]
    assert refusals(fields, {"refund": "amount", "qty_1": ARABIC_INDIC_12}) == [("qty_1", "invalid_number")]


# --- ids in the URL ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "order_id", ["0104", "+104", " 104", "104 ", "\u0661\u0660\u0664", "0", "1e2", "10" * 6]
)
def test_an_order_id_has_one_spelling(order_id: str) -> None:
    with pytest.raises(ValidationError):
        OrderActionQuery.model_validate({"orderId": order_id, "customer": "1"})


@pytest.mark.parametrize("address_id", ["042", "+42", " 42", "\u0664\u0662", "0", "4e1"])
def test_an_address_id_has_one_spelling_and_its_error_names_it(address_id: str) -> None:
    # Given the address form's URL of order 104, its address spelled otherwise than the adaptor writes it
    url = {"orderId": "104", "customer": "1", "addressId": address_id}
    # Then it names no address, and the error says which parameter and how it is written
    with pytest.raises(ValidationError) as caught:
        ShippingAddressQuery.model_validate(url)
    (error,) = caught.value.errors()
    assert error["loc"] == ("addressId",)
    assert "must be an address id as the adaptor writes it: digits, no leading zero" in error["msg"]
    assert ShippingAddressQuery.model_validate({**url, "addressId": "42"}).item.label == "addressId=42"


def test_the_adaptors_own_spelling_of_an_order_and_customer_is_read() -> None:
    query = OrderActionQuery.model_validate({"orderId": "104", "customer": "guest:shopper@example.com"})
    assert (query.order_id, query.customer) == (104, "guest:shopper@example.com")


@pytest.mark.parametrize("customer", ["01", "1 ", "GUEST:shopper@example.com", "guest:Shopper@example.com"])
def test_a_customer_has_one_spelling(customer: str) -> None:
    with pytest.raises(ValidationError):
        OrderActionQuery.model_validate({"orderId": "104", "customer": customer})
    with pytest.raises(BadRequest):
        Shopper.of(CustomerActionQuery.model_validate({"customer": customer}))


# --- fields a form has but does not show now --------------------------------------------------------------


def test_a_choice_with_one_option_is_not_shown_and_takes_that_option_only() -> None:
    (method,) = payment_method_fields(
        [RefundMethod((RefundMethodPayment(provider_id="braintree", amount=Decimal(5)),))]
    )
    assert not method.shown and sections([method]) == []
    assert read_submit([method], {"payment_method": "braintree"}).choice("payment_method") == "braintree"
    assert read_submit([method], {}).choice("payment_method") == "braintree"
    assert refusals([method], {"payment_method": "storecredit"}) == [("payment_method", "invalid_choice")]


def test_a_cancel_form_with_nothing_to_refund_shows_no_refund_choice_and_takes_none_only() -> None:
    fields = cancel_fields(cast(RefundableOrder, None), None)
    assert [section.attr for section in sections(fields)] == ["reason"]
    assert read_submit(fields, {"reason": "Changed mind", "refund": "none"}).choice("refund") == "none"
    assert refusals(fields, {"reason": "Changed mind", "refund": "refund:braintree"}) == [
        ("refund", "invalid_choice")
    ]


@pytest.mark.parametrize(
    ("currency", "at_most", "example"),
    [
        ("USD", None, "12.50"),
        ("JPY", None, "12"),
        ("KWD", None, "12.500"),
        ("USD", Decimal("9.95"), "9.95"),
        ("USD", Decimal("100"), "12.50"),
        ("JPY", Decimal("5"), "5"),
        ("USD", Decimal("0.01"), "0.01"),
        ("USD", Decimal("0.004"), None),  # no amount of whole cents is that small
    ],
)
def test_an_amount_example_is_never_above_the_fields_limit(
    currency: str, at_most: Decimal | None, example: str | None
) -> None:
    assert amount_example(currency, at_most) == example
    if example is not None:  # and the field reads it
        assert Amount(currency, Bound(at_most or Decimal(10**9), "too_much", "")).read(example) > 0


def test_an_example_for_percentages_and_amounts_alike_has_at_most_two_decimals() -> None:
    assert number_example(2, min(Decimal(20), Decimal(50))) == "12.50"
    assert number_example(0, Decimal("0.5")) is None


def test_a_mistyped_amount_is_shown_an_example_within_the_fields_limit() -> None:
    reader = Amount("USD", Bound(Decimal("9.95"), "exceeds_remaining", "At most $9.95."))
    with pytest.raises(Refused) as refused:
        reader.read("9,95")
    assert refused.value.detail.startswith("Type an amount in USD like 9.95: digits, up to 2 decimals")


@pytest.mark.parametrize(
    ("most", "examples"),
    [(Decimal(20), "10 or 12.5"), (Decimal(12), "10"), (Decimal(5), "5"), (Decimal("2.5"), "2.5")],
)
def test_a_mistyped_percentage_is_shown_examples_within_the_fields_limit(
    most: Decimal, examples: str
) -> None:
    reader = Percentage(Bound(most, "exceeds_maximum", f"At most {most}% off can be given."))
    with pytest.raises(Refused) as refused:
        reader.read("5%")
    assert refused.value.detail == f"Type a percentage above zero like {examples}, without the % sign."
    for example in examples.split(" or "):  # and each example is a value the field takes
        assert reader.read(example) == Decimal(example)
