"""Gladly protocol models: lookups parsed per protocol section 1, results serialised as Gladly reads them."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from gladly_bigcommerce.gladly.errors import BadRequest, ErrorItem, NotAcceptable, ServiceUnavailable
from gladly_bigcommerce.gladly.models import (
    Action,
    ActionForm,
    ActionResult,
    Address,
    CustomerResult,
    Email,
    FormInput,
    FormOption,
    FormSection,
    Fulfillment,
    LookupRequest,
    LookupResponse,
    Phone,
    Product,
    Transaction,
)

EVENTS = Path(__file__).resolve().parents[2] / "events"


def _lookup(level: str = "BASIC", **query: Any) -> LookupRequest:
    return LookupRequest.model_validate({"lookupLevel": level, "uniqueMatchRequired": False, "query": query})


def _bad_request(body: Any) -> BadRequest:
    with pytest.raises(ValidationError) as caught:
        LookupRequest.model_validate(body)
    return BadRequest.from_validation_error(caught.value)


# --- Lookup requests ---------------------------------------------------------------------------------


def test_an_auto_link_request_carries_the_profile() -> None:
    # Given the Gladly profile as auto-link sends it: id and arrays
    request = _lookup(
        id="o2sg-TMTSD2rTwMuxzewbA",
        name=" Martha Williams ",
        emails=["martha@example.com", " martha@example.com", "m.w@example.com"],
        phones=["+15013299800"],
    )
    # Then it is classified as auto-link, with trimmed, de-duplicated values
    assert request.kind == "auto_link"
    assert request.profile.id == "o2sg-TMTSD2rTwMuxzewbA"
    assert request.profile.name == "Martha Williams"
    assert request.profile.emails == ["martha@example.com", "m.w@example.com"]
    assert request.profile.phones == ["+15013299800"]


@pytest.mark.parametrize(
    "query",
    [
        {"email": "martha@example.com"},
        {"phone": "+15013299800"},
        {"email": "martha@example.com", "phone": "415 555 0100"},
        # A real manual search carries the profile id too (protocol section 1)
        {"email": "person1@email.com", "id": "594wNcGJTw2ZKqzJ8xVnEg"},
        {"id": "594wNcGJTw2ZKqzJ8xVnEg", "phone": "415.555.0100"},
        # No profile id: not the auto-link shape
        {"emails": ["martha@example.com"]},
        # A string value: the manual search shape, even with an id
        {"id": "abc", "emails": "martha@example.com"},
        # Both shapes at once: unsure, so the safe side
        {"id": "abc", "emails": ["martha@example.com"], "email": "martha@example.com"},
        # An id and nothing to match on
        {"id": "abc", "name": "Martha"},
        {},
        # An order-number search, even beside the profile's arrays: an agent typed it
        {"id": "abc", "emails": ["martha@example.com"], "orderNumber": "1234"},
        {"id": "abc", "emails": ["martha@example.com"], "customAttributes": {"orderNumber": "1234"}},
    ],
)
def test_anything_but_the_auto_link_shape_is_a_manual_search(query: dict[str, Any]) -> None:
    assert _lookup(**query).kind == "manual_search"


def test_search_terms_gather_every_email_and_phone_key() -> None:
    request = _lookup(
        email="a@example.com", emails=["b@example.com", "a@example.com"], phone=" +14155550100 "
    )
    assert request.search_terms.emails == ["b@example.com", "a@example.com"]
    assert request.search_terms.phones == ["+14155550100"]


def test_blank_values_are_no_search_terms() -> None:
    request = _lookup(email="  ", phones=["", " "], name="")
    assert request.search_terms.emails == []
    assert request.search_terms.phones == []
    assert request.profile.name is None


def test_a_detailed_request_is_parsed_from_gladlys_exact_bytes() -> None:
    # Given the body of the signing vector A, as Gladly sends it
    body = (
        '{"lookupLevel":"DETAILED","query":{"emails":["martha.williams@gmail.com"],"externalCustomerId":"abc",'
        '"favoriteDate":"2018-08-19T07:00:00.000Z","favoriteFood":"Apple Pie","id":"o2sg-TMTSD2rTwMuxzewbA",'
        '"name":"Martha Williams","phones":["+15013299800"]},"uniqueMatchRequired":true}'
    )
    request = LookupRequest.model_validate_json(body)
    # Then it is a detailed lookup of customer "abc", its custom attributes flattened into the query
    assert request.kind == "detailed"
    assert request.unique_match_required is True
    assert request.external_customer_id == "abc"
    assert request.custom_attributes == {
        "favoriteDate": "2018-08-19T07:00:00.000Z",
        "favoriteFood": "Apple Pie",
    }
    assert request.profile.emails == ["martha.williams@gmail.com"]


def test_nested_custom_attributes_are_read_and_win_over_flattened_ones() -> None:
    request = _lookup(
        "DETAILED",
        externalCustomerId=42,
        favoriteFood="Pie",
        customAttributes={"favoriteFood": "Apple Pie", "vip": True, "visits": 3, "nested": {"no": "thanks"}},
    )
    assert request.external_customer_id == "42"
    assert request.custom_attributes == {"favoriteFood": "Apple Pie", "vip": "true", "visits": "3"}


def test_unknown_keys_are_ignored_not_rejected() -> None:
    request = LookupRequest.model_validate(
        {
            "lookupLevel": "BASIC",
            "query": {"email": "a@example.com", "futureField": [1, 2]},
            "somethingNew": 1,
        }
    )
    assert request.search_terms.emails == ["a@example.com"]


@pytest.mark.parametrize("external_id", [None, "", "   "])
def test_a_detailed_request_without_external_customer_id_is_a_400_naming_it(external_id: str | None) -> None:
    query = {"id": "abc"} if external_id is None else {"externalCustomerId": external_id}
    error = _bad_request({"lookupLevel": "DETAILED", "query": query})
    assert error.status == 400
    assert [(item.attr, item.code) for item in error.errors] == [("query.externalCustomerId", "missing")]


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({"lookupLevel": "FULL", "query": {}}, "lookupLevel"),
        ({"query": {}}, "lookupLevel"),
        ({"lookupLevel": "BASIC", "query": ["a@example.com"]}, "query"),
        ({"lookupLevel": "BASIC", "query": "a@example.com"}, "query"),
        ({"lookupLevel": "BASIC"}, "query"),
        ({"lookupLevel": "BASIC", "query": {"emails": [1]}}, "query.emails"),
        ({"lookupLevel": "BASIC", "query": {"phone": {"n": 1}}}, "query.phone"),
        ({"lookupLevel": "BASIC", "query": {"name": 7}}, "query.name"),
    ],
)
def test_wrong_types_are_a_400_naming_the_field(body: Any, attr: str) -> None:
    error = _bad_request(body)
    assert attr in [item.attr for item in error.errors]


def test_a_400_does_not_echo_the_input() -> None:
    error = _bad_request({"lookupLevel": "BASIC", "query": {"emails": [{"secret": "martha@example.com"}]}})
    assert "martha" not in json.dumps(error.body())


# --- Results -----------------------------------------------------------------------------------------


def test_a_basic_result_serialises_in_camel_case_without_nones_and_with_display_keys() -> None:
    # Given a BASIC result with a display copy of the email at the top level
    result = CustomerResult(
        external_customer_id="17",
        name="Martha Williams",
        emails=[Email(original="martha@example.com")],
        phones=[Phone(original="+14155550100", type="MOBILE"), Phone(original="+14155550101")],
        custom_attributes={"storeCredit": "$5.00", "cleared": ""},
        email="martha@example.com",
    )
    # Then Gladly gets camelCase keys, no nulls, empty strings kept, and the display key
    assert LookupResponse(results=[result]).to_body() == {
        "results": [
            {
                "externalCustomerId": "17",
                "name": "Martha Williams",
                "emails": [{"original": "martha@example.com"}],
                "phones": [{"original": "+14155550100", "type": "MOBILE"}, {"original": "+14155550101"}],
                "customAttributes": {"storeCredit": "$5.00", "cleared": ""},
                "email": "martha@example.com",
            }
        ]
    }


def test_no_match_is_an_empty_results_list() -> None:
    assert LookupResponse().to_body() == {"results": []}


def test_results_are_validated() -> None:
    with pytest.raises(ValidationError):
        CustomerResult(external_customer_id="")
    with pytest.raises(ValidationError):
        Phone.model_validate({"original": "+14155550100", "type": "PAGER"})
    with pytest.raises(ValidationError):
        CustomerResult.model_validate({"externalCustomerId": "1", "display": 3})


def test_a_transaction_has_section_3_fields_in_utc_and_numbers_as_numbers() -> None:
    transaction = Transaction(
        order_number="100",
        created_at=datetime(2026, 3, 1, 19, 4, 5, tzinfo=timezone(timedelta(hours=2))),
        order_status="Shipped",
        order_total="$50.00",
        currency_code="USD",
        item_count=2,
        order_link="https://store-abc.mybigcommerce.com/manage/orders/100",
        customer_order_url="https://shop.example.com/account.php?action=view_order&order_id=100",
        billing_address=Address(
            name="Martha Williams", street1="12 Main St", city="Springfield", zip="62701"
        ),
        products=[Product(id="1", product_id="77", name="Mug", sku="MUG-1", unit_price="$25.00", quantity=2)],
        fulfillments=[
            Fulfillment(
                product_ids=["1"],
                tracking_number="1Z999",
                carrier="UPS",
                estimated_delivery_date=date(2026, 3, 4),
                shipping_address=Address(city="Springfield"),
            )
        ],
        actions=[Action(name="Refund", form_url="actions/refund?order=100")],
    )
    body = transaction.to_body()
    assert body["type"] == "ORDER"
    assert body["createdAt"] == "2026-03-01T17:04:05Z"
    assert body["itemCount"] == 2
    assert body["customerOrderUrl"].startswith("https://shop.example.com/")
    assert body["billingAddress"] == {
        "name": "Martha Williams",
        "street1": "12 Main St",
        "city": "Springfield",
        "zip": "62701",
    }
    assert body["products"] == [
        {"id": "1", "productId": "77", "name": "Mug", "sku": "MUG-1", "unitPrice": "$25.00", "quantity": 2}
    ]
    assert body["fulfillments"][0]["estimatedDeliveryDate"] == "2026-03-04"
    assert body["fulfillments"][0]["productIds"] == ["1"]
    assert body["actions"] == [{"name": "Refund", "formUrl": "actions/refund?order=100"}]


def test_a_transaction_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValidationError):
        Transaction(created_at=datetime(2026, 3, 1, 17, 4, 5))


def test_a_transaction_with_only_a_type_still_has_products_and_fulfillments() -> None:
    # Gladly's Sidekick documentation lists both as required: empty arrays, never left out
    minimal = {"type": "ORDER", "products": [], "fulfillments": []}
    assert Transaction().to_body() == minimal
    assert CustomerResult(external_customer_id="1", transactions=[Transaction()]).to_body() == {
        "externalCustomerId": "1",
        "transactions": [minimal],
    }


# --- Action forms ------------------------------------------------------------------------------------


def test_an_action_form_serialises_as_section_7() -> None:
    form = ActionForm(
        title="Refund order 100",
        submit_button="Refund",
        close_button="Cancel",
        action_url="actions/refund?order=100",
        sections=[
            FormSection(
                label="Amount",
                attr="amount",
                hint="At most $50.00",
                default_value="50.00",
                input=FormInput(type="text", placeholder="0.00"),
            ),
            FormSection(
                label="Reason",
                attr="reason",
                input=FormInput(
                    type="select",
                    options=[
                        FormOption(text="Damaged", value="damaged"),
                        FormOption(text="Late", value="late"),
                    ],
                ),
            ),
            FormSection(
                label="Notify",
                attr="notify",
                default_value=True,
                input=FormInput(type="checkbox", optional=True),
            ),
        ],
    )
    body = form.to_body()
    assert body["submitButton"] == "Refund"
    assert body["closeButton"] == "Cancel"
    assert body["actionUrl"] == "actions/refund?order=100"
    assert body["sections"][0] == {
        "type": "input",
        "label": "Amount",
        "attr": "amount",
        "hint": "At most $50.00",
        "defaultValue": "50.00",
        "input": {"type": "text", "placeholder": "0.00"},
    }
    assert body["sections"][1]["input"]["options"] == [
        {"text": "Damaged", "value": "damaged"},
        {"text": "Late", "value": "late"},
    ]
    assert body["sections"][2]["defaultValue"] is True


def test_a_select_without_options_is_refused() -> None:
    with pytest.raises(ValidationError):
        FormInput(type="select")


def test_an_action_result_has_message_and_detail() -> None:
    assert ActionResult(message="Refunded $5.00", detail="Order 100").to_body() == {
        "message": "Refunded $5.00",
        "detail": "Order 100",
    }


# --- Errors ------------------------------------------------------------------------------------------


def test_errors_carry_their_status_and_gladlys_shape() -> None:
    error = NotAcceptable.of("already_cancelled", "Order 100 is already cancelled.")
    assert error.status == 406
    # Every key is present: attr empty when no field is at fault, message the detail when not given
    assert error.body() == {
        "errors": [
            {
                "attr": "",
                "code": "already_cancelled",
                "detail": "Order 100 is already cancelled.",
                "message": "Order 100 is already cancelled.",
            }
        ]
    }
    assert ErrorItem(attr=None, code="c", detail="d", message="m").model_dump() == {
        "attr": "",
        "code": "c",
        "detail": "d",
        "message": "m",
    }
    several = BadRequest(
        ErrorItem(attr="amount", code="too_large", detail="At most $50.00."),
        ErrorItem(attr="reason", code="missing", detail="Choose a reason."),
    )
    assert [item["attr"] for item in several.body()["errors"]] == ["amount", "reason"]
    assert ServiceUnavailable.of("x", "y").status == 503
    with pytest.raises(ValueError):
        BadRequest()


@pytest.mark.parametrize("event", sorted(EVENTS.glob("lookup-manual-search-*.json")), ids=lambda p: p.name)
def test_the_manual_search_events_carry_the_profile_id_and_are_manual_searches(event: Path) -> None:
    # Given a recorded manual search, with the profile id real Gladly sends (protocol section 1)
    body = json.loads(json.loads(event.read_text(encoding="utf-8"))["body"])
    assert body["query"]["id"]
    # Then it is still classified as a manual search
    assert LookupRequest.model_validate(body).kind == "manual_search"


@pytest.mark.parametrize(
    ("query", "typed"),
    [
        ({"orderNumber": "#1234"}, "#1234"),
        ({"customAttributes": {"orderNumber": " 1234 "}}, " 1234 "),
        ({"orderNumber": ["1", "2"]}, ["1", "2"]),  # kept as sent: the search decides it is no number
        ({"orderNumber": "7", "customAttributes": {"orderNumber": "8"}}, "7"),
        ({"email": "a@example.com"}, None),
    ],
)
def test_the_order_number_is_read_at_the_top_of_the_query_else_under_custom_attributes(
    query: dict[str, Any], typed: Any
) -> None:
    assert _lookup(**query).order_number == typed
