"""The sandbox, endpoint by endpoint, over real HTTP; `bc_sandbox` checks every exchange against the specs.

Each test reads Given / When / Then. Seed facts come from `devtools.sandbox.seed` constants.
"""

from __future__ import annotations

import re
import threading
import time
from decimal import Decimal
from typing import Any

import pytest
import requests

from devtools.sandbox import CUSTOMERS_READ, ORDERS_READ, PRODUCTS_READ, TRANSACTIONS, SandboxServer, seed
from tests.fixtures.clock import PauseSpy
from tests.fixtures.sandbox import SandboxHttp

MONEY_V2 = re.compile(r"^\d+\.\d{4}$")
RFC_2822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$")
V2_MONEY_FIELDS = ("subtotal_ex_tax", "subtotal_inc_tax", "total_ex_tax", "total_inc_tax", "refunded_amount")


def data(response: requests.Response) -> Any:
    return response.json(parse_float=Decimal)


def products_of(http: SandboxHttp, order_id: int) -> list[dict[str, Any]]:
    response = http.get(f"/v2/orders/{order_id}/products")
    assert response.status_code == 200
    products: list[dict[str, Any]] = data(response)
    return products


def quote(http: SandboxHttp, order_id: int, items: list[dict[str, Any]]) -> requests.Response:
    return http.post(f"/v3/orders/{order_id}/payment_actions/refund_quotes", json={"items": items})


def refund(
    http: SandboxHttp, order_id: int, items: list[dict[str, Any]], payments: list[dict[str, Any]]
) -> requests.Response:
    return http.post(
        f"/v3/orders/{order_id}/payment_actions/refunds", json={"items": items, "payments": payments}
    )


def one_product(http: SandboxHttp, order_id: int, quantity: int = 1) -> list[dict[str, Any]]:
    first = products_of(http, order_id)[0]
    return [{"item_type": "PRODUCT", "item_id": first["id"], "quantity": quantity}]


# --- customers v3 -------------------------------------------------------------------------------


def test_customer_search_by_email_ignores_case_and_includes_addresses_only_when_asked(
    bc_http: SandboxHttp,
) -> None:
    # Given Martha's email in capitals
    email = seed.MARTHA_EMAIL.upper()
    # When we search without and with include=addresses,storecredit
    plain = data(bc_http.get("/v3/customers", params={"email:in": email}))
    full = data(bc_http.get("/v3/customers", params={"email:in": email, "include": "addresses,storecredit"}))
    # Then both find exactly Martha, and only the second carries her addresses and store credit
    assert [c["id"] for c in plain["data"]] == [seed.MARTHA_CUSTOMER_ID]
    assert "addresses" not in plain["data"][0] and plain["data"][0]["address_count"] == 2
    assert len(full["data"][0]["addresses"]) == 2
    assert full["data"][0]["store_credit_amounts"] == [{"amount": Decimal("25.00")}]
    assert full["meta"]["pagination"]["total"] == 1


def test_customer_search_by_phone_matches_the_stored_spelling_only(bc_http: SandboxHttp) -> None:
    # Given Martha's phone stored as "(415) 555-0100" and Devon's as digits only
    def found(phone: str) -> list[int]:
        return [c["id"] for c in data(bc_http.get("/v3/customers", params={"phone:in": phone}))["data"]]

    # When we search several spellings, Then only the exact stored spelling matches
    assert found(seed.MARTHA_PHONE) == [seed.MARTHA_CUSTOMER_ID]
    assert found("4155550100") == []
    assert found("+14155550100") == []
    assert found(seed.DIGITS_ONLY_PHONE) == [seed.DIGITS_ONLY_CUSTOMER_ID]
    assert found(f"{seed.CONFLICT_PHONE},{seed.ALICE_PHONE}") == [
        seed.ALICE_CUSTOMER_ID,
        seed.BOB_CUSTOMER_ID,
    ]


def test_shared_email_returns_every_account_and_an_empty_search_is_200(bc_http: SandboxHttp) -> None:
    shared = data(bc_http.get("/v3/customers", params={"email:in": seed.SHARED_EMAIL}))
    nobody = bc_http.get("/v3/customers", params={"email:in": "nobody@example.com"})
    assert tuple(c["id"] for c in shared["data"]) == seed.SHARED_EMAIL_CUSTOMER_IDS
    assert [c["channel_ids"] for c in shared["data"]] == [[1], [2]]
    assert nobody.status_code == 200 and data(nobody)["data"] == []


def test_customer_pages_and_id_filter(bc_http: SandboxHttp) -> None:
    # Given the demo store's customers
    first = data(bc_http.get("/v3/customers", params={"limit": 5, "page": 2}))
    by_id = data(bc_http.get("/v3/customers", params={"id:in": "3,1", "include": "attributes,formfields"}))
    # Then pages carry BigCommerce's pagination meta, and id:in returns those customers in id order
    pagination = first["meta"]["pagination"]
    assert [c["id"] for c in first["data"]] == [6, 7, 8, 9, 10]
    assert (pagination["current_page"], pagination["per_page"], pagination["count"]) == (2, 5, 5)
    assert pagination["links"]["previous"] == "?page=1&limit=5" and pagination["total_pages"] >= 7
    assert [c["id"] for c in by_id["data"]] == [1, 3]
    assert by_id["data"][0]["attributes"] == [] and by_id["data"][0]["form_fields"] == []


def test_create_customers_then_find_them_and_refuse_a_duplicate_email(bc_http: SandboxHttp) -> None:
    # Given a new customer with an address
    new = {
        "email": "new.shopper@example.com",
        "first_name": "New",
        "last_name": "Shopper",
        "phone": "+1 415 555 0188",
        "addresses": [
            {
                "first_name": "New",
                "last_name": "Shopper",
                "address1": "1 Main St",
                "city": "Austin",
                "country_code": "US",
            }
        ],
        "store_credit_amounts": [{"amount": 10}],
    }
    # When we create it, and then create it again
    created = bc_http.post("/v3/customers", json=[new])
    again = bc_http.post("/v3/customers", json=[new])
    # Then the first answer carries the record, the search finds it, and the duplicate is a v3 422
    assert created.status_code == 200
    customer = data(created)["data"][0]
    assert customer["addresses"][0]["country"] == "United States"
    found = data(bc_http.get("/v3/customers", params={"phone:in": "+1 415 555 0188"}))["data"]
    assert [c["id"] for c in found] == [customer["id"]]
    assert again.status_code == 422
    assert set(data(again)) >= {"status", "title", "type", "errors"}


def test_customer_search_refuses_what_the_sandbox_does_not_model(bc_http: SandboxHttp) -> None:
    response = bc_http.get("/v3/customers", params={"date_created:min": "2024-01-01T00:00:00Z"})
    assert response.status_code == 422
    assert data(response)["errors"] == {"date_created:min": "not supported"}


# --- orders v2 ----------------------------------------------------------------------------------


def test_orders_of_a_customer_newest_first_with_consignments(bc_http: SandboxHttp) -> None:
    # Given Martha's ten orders
    params = {
        "customer_id": seed.MARTHA_CUSTOMER_ID,
        "sort": "date_created:desc",
        "limit": 5,
        "include": "consignments.line_items",
        "consignment_structure": "object",
    }
    # When we ask for the newest five with their consignments
    orders = data(bc_http.get("/v2/orders", params=params))
    # Then they come newest first, each with its shipping consignment, address and full line items
    assert [o["id"] for o in orders] == sorted(seed.MARTHA_ORDER_IDS, reverse=True)[:5]
    consignment = orders[0]["consignments"]["shipping"][0]
    assert consignment["street_1"] == "1 Ferry Building"
    assert consignment["line_items"][0]["order_id"] == orders[0]["id"]
    assert orders[0]["consignments"]["pickups"] == []


def test_all_of_marthas_orders_and_which_shipped(bc_http: SandboxHttp) -> None:
    orders = data(bc_http.get("/v2/orders", params={"customer_id": seed.MARTHA_CUSTOMER_ID}))
    shipped = [o["id"] for o in orders if o["date_shipped"] or o["status_id"] == 3]
    assert tuple(o["id"] for o in orders) == seed.MARTHA_ORDER_IDS
    assert tuple(shipped) == seed.MARTHA_SHIPPED_ORDER_IDS
    for order_id in seed.MARTHA_SHIPPED_ORDER_IDS:
        assert bc_http.get(f"/v2/orders/{order_id}/shipments").status_code == 200


def test_guest_orders_are_found_by_billing_email_ignoring_case(bc_http: SandboxHttp) -> None:
    guest = data(bc_http.get("/v2/orders", params={"email": seed.GUEST_EMAIL.upper()}))
    mixed = data(bc_http.get("/v2/orders", params={"email": seed.MIXED_EMAIL}))
    assert tuple(o["id"] for o in guest) == seed.GUEST_ORDER_IDS
    assert {o["customer_id"] for o in guest} == {0}
    assert tuple(o["id"] for o in mixed) == seed.MIXED_ACCOUNT_ORDER_IDS + seed.MIXED_GUEST_ORDER_IDS


@pytest.mark.parametrize(
    "params",
    [{"email": "nobody@example.com"}, {"customer_id": seed.MARTHA_CUSTOMER_ID, "page": 3, "limit": 5}],
    ids=["no-orders", "past-the-last-page"],
)
def test_an_empty_v2_list_is_204_with_an_empty_body(bc_http: SandboxHttp, params: dict[str, Any]) -> None:
    response = bc_http.get("/v2/orders", params=params)
    assert response.status_code == 204
    assert response.content == b""


def test_v2_money_is_four_place_strings_and_dates_rfc_2822(bc_http: SandboxHttp) -> None:
    # Given an unshipped and a shipped order
    unshipped = data(bc_http.get(f"/v2/orders/{seed.UNSHIPPED_ORDER_ID}"))
    shipped = data(bc_http.get(f"/v2/orders/{seed.SHIPPED_ORDER_ID}"))
    # Then money is "12.5000", dates are RFC 2822 in UTC, and date_shipped is "" until shipped
    for field in V2_MONEY_FIELDS:
        assert MONEY_V2.match(unshipped[field]), (field, unshipped[field])
    assert unshipped["refunded_amount"] == "0.0000"
    assert RFC_2822.match(unshipped["date_created"])
    assert unshipped["date_shipped"] == ""
    assert RFC_2822.match(shipped["date_shipped"])
    assert unshipped["status"] == "Awaiting Fulfillment" and unshipped["status_id"] == 11


def test_orders_in_other_currencies_say_so(bc_http: SandboxHttp) -> None:
    euro = data(bc_http.get(f"/v2/orders/{seed.EUR_ORDER_ID}"))
    pound = data(bc_http.get(f"/v2/orders/{seed.GBP_ORDER_ID}"))
    assert (euro["currency_code"], euro["default_currency_code"], euro["store_default_currency_code"]) == (
        "EUR",
        "EUR",
        "USD",
    )
    assert euro["currency_exchange_rate"] == "1.0000000000"
    assert euro["store_default_to_transactional_exchange_rate"] == "0.9200000000"
    assert pound["currency_code"] == "GBP" and pound["is_tax_inclusive_pricing"] is True


def test_order_sub_resources(bc_http: SandboxHttp) -> None:
    order_id = seed.PARTIALLY_SHIPPED_ORDER_ID
    products = products_of(bc_http, order_id)
    addresses = data(bc_http.get(f"/v2/orders/{order_id}/shipping_addresses"))
    shipments = data(bc_http.get(f"/v2/orders/{order_id}/shipments"))
    assert [p["quantity_shipped"] for p in products] == [0, 1]
    assert addresses[0]["items_total"] == 2 and addresses[0]["items_shipped"] == 1
    assert shipments[0]["tracking_number"] == "9400111899223817572377"
    assert shipments[0]["generated_tracking_link"].startswith("https://tools.usps.com/")
    assert shipments[0]["items"] == [
        {"order_product_id": products[1]["id"], "product_id": 106, "quantity": 1}
    ]


def test_an_order_without_shipments_answers_204(bc_http: SandboxHttp) -> None:
    response = bc_http.get(f"/v2/orders/{seed.UNSHIPPED_ORDER_ID}/shipments")
    assert response.status_code == 204 and response.content == b""


def test_shipping_part_then_the_rest_moves_the_status(bc_http: SandboxHttp) -> None:
    # Given an unshipped order with two lines
    order_id = seed.UNSHIPPED_ORDER_ID
    products = products_of(bc_http, order_id)
    address_id = data(bc_http.get(f"/v2/orders/{order_id}/shipping_addresses"))[0]["id"]

    def ship(product: dict[str, Any]) -> requests.Response:
        body = {
            "order_address_id": address_id,
            "tracking_number": "1Z999AA10123456700",
            "tracking_carrier": "ups",
            "items": [{"order_product_id": product["id"], "quantity": product["quantity"]}],
        }
        return bc_http.post(f"/v2/orders/{order_id}/shipments", json=body)

    # When we ship the first line, then the second
    first = ship(products[0])
    partly = data(bc_http.get(f"/v2/orders/{order_id}"))
    second = ship(products[1])
    fully = data(bc_http.get(f"/v2/orders/{order_id}"))
    # Then the order is Partially Shipped, then Shipped with a shipping date
    assert first.status_code == 201 and second.status_code == 201
    assert (partly["status_id"], partly["status"], partly["date_shipped"]) == (3, "Partially Shipped", "")
    assert (fully["status_id"], fully["status"]) == (2, "Shipped")
    assert RFC_2822.match(fully["date_shipped"]) and fully["items_shipped"] == fully["items_total"]
    assert data(second)["generated_tracking_link"] == "https://www.ups.com/track?tracknum=1Z999AA10123456700"


def test_shipping_more_than_was_ordered_is_a_v2_400(bc_http: SandboxHttp) -> None:
    order_id = seed.UNSHIPPED_ORDER_ID
    product = products_of(bc_http, order_id)[0]
    body = {
        "order_address_id": product["order_address_id"],
        "items": [{"order_product_id": product["id"], "quantity": 99}],
    }
    response = bc_http.post(f"/v2/orders/{order_id}/shipments", json=body)
    assert response.status_code == 400
    assert data(response)[0]["status"] == 400 and "left to ship" in data(response)[0]["message"]


def test_cancel_is_a_status_change_and_the_label_follows(bc_http: SandboxHttp) -> None:
    response = bc_http.put(f"/v2/orders/{seed.UNSHIPPED_ORDER_ID}", json={"status_id": 5})
    assert response.status_code == 200
    assert (data(response)["status_id"], data(response)["status"]) == (5, "Cancelled")
    assert data(bc_http.get(f"/v2/orders/{seed.UNSHIPPED_ORDER_ID}"))["status"] == "Cancelled"


def test_writing_an_unmodelled_order_field_is_refused(bc_http: SandboxHttp) -> None:
    response = bc_http.put(f"/v2/orders/{seed.UNSHIPPED_ORDER_ID}", json={"customer_id": 3})
    assert response.status_code == 400
    assert "customer_id" in data(response)[0]["message"]


def test_create_an_order_with_custom_products(bc_http: SandboxHttp) -> None:
    body = {
        "customer_id": 0,
        "status_id": 11,
        "billing_address": {
            "first_name": "Jane",
            "last_name": "Doe",
            "street_1": "123 Main Street",
            "city": "Austin",
            "state": "Texas",
            "zip": "78751",
            "country_iso2": "US",
            "email": "jane.doe@example.com",
        },
        "products": [
            {
                "name": "BigCommerce Coffee Mug",
                "quantity": 2,
                "price_inc_tax": 50,
                "price_ex_tax": 45,
                "sku": "MUG",
            }
        ],
        "shipping_cost_ex_tax": "5.0000",
        "shipping_cost_inc_tax": "5.0000",
    }
    response = bc_http.post("/v2/orders", json=body)
    assert response.status_code == 200
    order = data(response)
    assert (order["total_inc_tax"], order["subtotal_ex_tax"], order["customer_id"]) == (
        "105.0000",
        "90.0000",
        0,
    )
    assert [o["id"] for o in data(bc_http.get("/v2/orders", params={"email": "jane.doe@example.com"}))] == [
        order["id"]
    ]


def test_order_statuses_and_store_information(bc_http: SandboxHttp) -> None:
    statuses = data(bc_http.get("/v2/order_statuses"))
    store = data(bc_http.get("/v2/store"))
    assert {s["id"]: s["name"] for s in statuses}[14] == "Partially Refunded"
    assert len(statuses) == 15
    assert (store["currency"], store["secure_url"]) == ("USD", "https://sandbox-outfitters.example.com")
    assert store["id"] == bc_http.server.store_hash


def test_an_unknown_order_is_a_v2_404(bc_http: SandboxHttp) -> None:
    response = bc_http.get("/v2/orders/999999")
    assert response.status_code == 404
    assert data(response) == [
        {"status": 404, "message": "The requested resource was not found.: No order 999999."}
    ]


# --- refunds v3 ---------------------------------------------------------------------------------


def test_a_quote_offers_the_card_store_credit_and_custom_for_a_registered_customer(
    bc_http: SandboxHttp,
) -> None:
    # Given the refundable order: product 244.13 (tax 19.13), shipping 9.95, handling 2.00
    products = products_of(bc_http, seed.REFUNDABLE_ORDER_ID)
    address_id = products[0]["order_address_id"]
    items = [
        {"item_type": "PRODUCT", "item_id": products[0]["id"], "quantity": 1},
        {"item_type": "SHIPPING", "item_id": address_id, "amount": 9.95},
        {"item_type": "HANDLING", "item_id": address_id, "amount": 2},
    ]
    # When we ask for a quote
    response = quote(bc_http, seed.REFUNDABLE_ORDER_ID, items)
    # Then it totals the items and offers three methods of exactly that amount
    assert response.status_code == 201
    quoted = data(response)["data"]
    assert quoted["total_refund_amount"] == Decimal("256.08")
    assert quoted["total_refund_tax_amount"] == Decimal("19.13")
    assert [[o["provider_id"] for o in method] for method in quoted["refund_methods"]] == [
        ["braintree"],
        ["storecredit"],
        ["custom"],
    ]
    assert {o["amount"] for method in quoted["refund_methods"] for o in method} == {Decimal("256.08")}


def test_a_guest_order_is_not_offered_store_credit_and_cannot_use_it(bc_http: SandboxHttp) -> None:
    order_id = seed.GUEST_ORDER_IDS[1]
    items = one_product(bc_http, order_id)
    quoted = data(quote(bc_http, order_id, items))["data"]
    attempt = refund(
        bc_http,
        order_id,
        items,
        [{"provider_id": "storecredit", "amount": float(quoted["total_refund_amount"])}],
    )
    assert "storecredit" not in {o["provider_id"] for method in quoted["refund_methods"] for o in method}
    assert attempt.status_code == 422
    assert data(attempt)["data"][0]["title"] == "Unable to provide store credit for a guest customer."


def test_partial_then_full_refund_moves_status_and_quantities(bc_http: SandboxHttp) -> None:
    # Given the unshipped order (two lines, registered customer, card)
    order_id = seed.UNSHIPPED_ORDER_ID
    products = products_of(bc_http, order_id)
    first = [{"item_type": "PRODUCT", "item_id": products[0]["id"], "quantity": 1}]
    # When we refund the first line to the card
    total = data(quote(bc_http, order_id, first))["data"]["total_refund_amount"]
    partial = refund(
        bc_http, order_id, first, [{"provider_id": "braintree", "amount": float(total), "offline": False}]
    )
    after_partial = data(bc_http.get(f"/v2/orders/{order_id}"))
    # Then the order is Partially Refunded, the line counts one refunded, refunded_amount stays "0.0000"
    assert partial.status_code == 201
    assert data(partial)["data"]["payments"][0]["is_declined"] is False
    assert (after_partial["status_id"], after_partial["payment_status"]) == (14, "partially refunded")
    assert after_partial["refunded_amount"] == "0.0000"
    assert products_of(bc_http, order_id)[0]["quantity_refunded"] == 1
    # When we refund everything left (second line and shipping) to store credit
    rest = [
        {"item_type": "PRODUCT", "item_id": products[1]["id"], "quantity": 2},
        {"item_type": "SHIPPING", "item_id": products[0]["order_address_id"], "amount": 9.95},
    ]
    rest_total = data(quote(bc_http, order_id, rest))["data"]["total_refund_amount"]
    full = refund(bc_http, order_id, rest, [{"provider_id": "storecredit", "amount": float(rest_total)}])
    after_full = data(bc_http.get(f"/v2/orders/{order_id}"))
    # Then the order is Refunded and Martha's store credit grew
    assert full.status_code == 201
    assert (after_full["status_id"], after_full["status"], after_full["payment_status"]) == (
        4,
        "Refunded",
        "refunded",
    )
    customer = data(
        bc_http.get("/v3/customers", params={"id:in": seed.MARTHA_CUSTOMER_ID, "include": "storecredit"})
    )
    assert customer["data"][0]["store_credit_amounts"][-1] == {"amount": rest_total}


def test_over_refund_is_422_in_the_refunds_shape(bc_http: SandboxHttp) -> None:
    order_id = seed.REFUNDABLE_ORDER_ID
    items = [{"item_type": "ORDER", "item_id": order_id, "amount": 1000}]
    response = refund(bc_http, order_id, items, [{"provider_id": "braintree", "amount": 1000}])
    assert response.status_code == 422
    error = data(response)["data"][0]
    assert (error["status"], error["title"]) == (422, "Refund amount is greater than remaining amount")


def test_nothing_is_left_to_refund_on_a_refunded_order(bc_http: SandboxHttp) -> None:
    # A quote for more than is left is capped, not refused (orders.v3 AdjustmentAmount; FACTS.md)
    items = [{"item_type": "ORDER", "item_id": seed.FULLY_REFUNDED_ORDER_ID, "amount": 1}]
    response = quote(bc_http, seed.FULLY_REFUNDED_ORDER_ID, items)
    assert response.status_code == 201
    quoted = data(response)["data"]
    assert (quoted["total_refund_amount"], quoted["adjustment"]) == (0, -1)
    assert quoted["refund_methods"] == []


def test_refunding_more_units_than_remain_is_capped_in_the_quote_and_refused_in_the_refund(
    bc_http: SandboxHttp,
) -> None:
    # Given the partially refunded order: 1 of 2 units already refunded
    order_id = seed.PARTIALLY_REFUNDED_ORDER_ID
    items = one_product(bc_http, order_id, quantity=2)
    # When 2 units are quoted Then the quote is capped at 1 unit, with a negative adjustment
    response = quote(bc_http, order_id, items)
    assert response.status_code == 201
    quoted = data(response)["data"]
    assert quoted["adjustment"] == -quoted["total_refund_amount"] < 0
    # And the refund itself is refused (FACTS.md "Not settled": 422), naming the quantity
    payments = [{"provider_id": "custom", "amount": float(quoted["total_refund_amount"]), "offline": True}]
    refused = refund(bc_http, order_id, items, payments)
    assert refused.status_code == 422
    assert data(refused)["data"][0]["title"] == "Refund quantity is greater than remaining quantity"


def test_payments_must_add_up_to_the_quoted_total(bc_http: SandboxHttp) -> None:
    order_id = seed.REFUNDABLE_ORDER_ID
    items = one_product(bc_http, order_id)
    short = refund(bc_http, order_id, items, [{"provider_id": "braintree", "amount": 1}])
    unknown = refund(bc_http, order_id, items, [{"provider_id": "bitcoin", "amount": 244.13}])
    mixed = refund(
        bc_http,
        order_id,
        items,
        [{"provider_id": "braintree", "amount": 200}, {"provider_id": "custom", "amount": 44.13}],
    )
    assert short.status_code == 422
    assert data(short)["data"][0]["title"] == "Payment amounts do not add up to the refund total"
    assert unknown.status_code == 422 and mixed.status_code == 422
    assert data(bc_http.get(f"/v3/orders/{order_id}/payment_actions/refunds"))["data"] == []


def test_nothing_can_be_refunded_on_an_unpaid_order(bc_http: SandboxHttp) -> None:
    response = quote(bc_http, seed.PENDING_ORDER_ID, one_product(bc_http, seed.PENDING_ORDER_ID))
    assert response.status_code == 422


def test_a_second_refund_while_one_is_in_progress_is_409(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    # Given refunds take a moment to process
    bc_sandbox.refund_processing_seconds = 1.0
    order_id = seed.REFUNDABLE_ORDER_ID
    items = one_product(bc_http, order_id)
    payments = [{"provider_id": "custom", "amount": 244.13, "offline": True}]
    answers: list[requests.Response] = []
    first = threading.Thread(
        target=lambda: answers.append(refund(SandboxHttp(bc_sandbox), order_id, items, payments))
    )
    # When a second refund arrives while the first is in progress
    first.start()
    deadline = time.monotonic() + 5
    while order_id not in bc_sandbox.store.refunds_in_progress and time.monotonic() < deadline:
        time.sleep(0.01)
    second = refund(bc_http, order_id, items, payments)
    first.join(timeout=5)
    # Then the second is refused with 409 and only the first refund exists
    assert second.status_code == 409
    assert data(second)["data"][0]["status"] == 409
    assert [a.status_code for a in answers] == [201]
    assert len(data(bc_http.get(f"/v3/orders/{order_id}/payment_actions/refunds"))["data"]) == 1


def test_a_declined_refund_is_recorded_and_moves_nothing(bc_http: SandboxHttp) -> None:
    # Given the order whose card refunds are declined
    order_id = seed.DECLINING_ORDER_ID
    items = one_product(bc_http, order_id)
    total = data(quote(bc_http, order_id, items))["data"]["total_refund_amount"]
    # When we refund to the card
    response = refund(bc_http, order_id, items, [{"provider_id": "braintree", "amount": float(total)}])
    # Then the POST answers the payment scheduled (orders.v3: the payment request is asynchronous)
    assert response.status_code == 201
    assert data(response)["data"]["payments"][0]["is_declined"] is False
    # And the order's refunds, read afterwards, carry the decline; the order is unchanged
    (listed,) = data(bc_http.get(f"/v3/orders/{order_id}/payment_actions/refunds"))["data"]
    assert listed["payments"][0]["is_declined"] is True and listed["payments"][0]["declined_message"]
    assert data(bc_http.get(f"/v2/orders/{order_id}"))["status_id"] == 11
    assert products_of(bc_http, order_id)[0]["quantity_refunded"] == 0
    # And a new quote includes the declined amount again
    assert data(quote(bc_http, order_id, items))["data"]["total_refund_amount"] == total


def test_refund_lists_per_order_and_across_orders(bc_http: SandboxHttp) -> None:
    per_order = data(bc_http.get(f"/v3/orders/{seed.FULLY_REFUNDED_ORDER_ID}/payment_actions/refunds"))
    ids = f"{seed.FULLY_REFUNDED_ORDER_ID},{seed.PARTIALLY_REFUNDED_ORDER_ID}"
    across = data(bc_http.get("/v3/orders/payment_actions/refunds", params={"order_id:in": ids}))
    assert [r["order_id"] for r in per_order["data"]] == [seed.FULLY_REFUNDED_ORDER_ID]
    assert per_order["data"][0]["total_amount"] == Decimal("47.87")
    assert [r["order_id"] for r in across["data"]] == [
        seed.FULLY_REFUNDED_ORDER_ID,
        seed.PARTIALLY_REFUNDED_ORDER_ID,
    ]


def test_a_transactions_token_may_refund_but_a_read_only_token_may_not(bc_sandbox: SandboxServer) -> None:
    bc_sandbox.add_token("transactions", [TRANSACTIONS])
    bc_sandbox.add_token("reader", [ORDERS_READ, CUSTOMERS_READ])
    order_id = seed.REFUNDABLE_ORDER_ID
    items = [{"item_type": "ORDER", "item_id": order_id, "amount": 5}]
    payments = [{"provider_id": "custom", "amount": 5, "offline": True}]
    allowed = refund(SandboxHttp(bc_sandbox, token="transactions"), order_id, items, payments)
    refused = refund(SandboxHttp(bc_sandbox, token="reader"), order_id, items, payments)
    assert allowed.status_code == 201
    assert refused.status_code == 403
    # like BigCommerce's, the 403 does not say which scope is missing
    assert data(refused)["data"][0]["title"] == "You don't have a required scope to access the endpoint"
    assert "store_v2" not in refused.text


# --- promotions v3 ------------------------------------------------------------------------------

COUPON_PROMOTION = {
    "name": "Gladly goodwill 15%",
    "redemption_type": "COUPON",
    "rules": [{"action": {"cart_value": {"discount": {"percentage_amount": "15"}}}, "apply_once": True}],
    "currency_code": "EUR",
    "max_uses": 1,
}


def test_create_a_coupon_promotion_with_a_code_and_find_it(bc_http: SandboxHttp) -> None:
    created = bc_http.post("/v3/promotions", json=COUPON_PROMOTION)
    promotion = data(created)["data"]
    code = bc_http.post(
        f"/v3/promotions/{promotion['id']}/codes", json={"code": "GLADLY-15 off_A1", "max_uses": 1}
    )
    by_code = data(bc_http.get("/v3/promotions/codes", params={"code": "gladly-15 OFF_a1"}))
    listed = data(bc_http.get(f"/v3/promotions/{promotion['id']}/codes"))
    promotions = data(bc_http.get("/v3/promotions", params={"code": "GLADLY-15 off_A1"}))
    assert created.status_code == 201 and code.status_code == 201
    assert (promotion["redemption_type"], promotion["currency_code"], promotion["status"]) == (
        "COUPON",
        "EUR",
        "ENABLED",
    )
    assert [c["code"] for c in by_code["data"]] == ["GLADLY-15 off_A1"]
    assert [c["id"] for c in listed["data"]] == [data(code)["data"]["id"]]
    assert [p["id"] for p in promotions["data"]] == [promotion["id"]]


def test_a_code_is_unique_in_the_store_ignoring_case(bc_http: SandboxHttp) -> None:
    promotion_id = data(bc_http.post("/v3/promotions", json=COUPON_PROMOTION))["data"]["id"]
    response = bc_http.post(f"/v3/promotions/{promotion_id}/codes", json={"code": seed.WELCOME_CODE.lower()})
    # A duplicate is 422 in the promotions 422 shape (reference FACTS.md, "duplicate coupon code")
    assert response.status_code == 422
    (error,) = data(response)["errors"]
    assert (error["status"], error["title"]) == (422, "Coupon code already exists") and error["detail"]


def test_a_promotion_is_in_the_store_currency_unless_it_says_otherwise(bc_http: SandboxHttp) -> None:
    # Given a promotion sent without currency_code Then it is in the store's default currency
    unsaid = {key: value for key, value in COUPON_PROMOTION.items() if key != "currency_code"}
    created = data(bc_http.post("/v3/promotions", json=unsaid))["data"]
    assert created["currency_code"] == "USD"


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ({"cart_value": {"discount": {"percentage_amount": "10"}}}, 201),
        ({"cart_value": {"discount": {"fixed_amount": "10"}}}, 422),
        ({"shipping": {"zone_ids": "*", "free_shipping": True}}, 422),
    ],
    ids=["percentage", "fixed-amount", "free-shipping"],
)
def test_a_multi_currency_promotion_takes_percentages_only(
    bc_http: SandboxHttp, action: dict[str, object], status: int
) -> None:
    # Multi-currency promotions support percentage discounts only (reference FACTS.md)
    body = {**COUPON_PROMOTION, "currency_code": "*", "rules": [{"action": action}]}
    assert bc_http.post("/v3/promotions", json=body).status_code == status


@pytest.mark.parametrize("code", ["SAVE!", "ÉTÉ10", "x" * 51, "tab\tcode"])
def test_a_code_outside_the_charset_or_over_50_is_refused(bc_http: SandboxHttp, code: str) -> None:
    promotion_id = data(bc_http.post("/v3/promotions", json=COUPON_PROMOTION))["data"]["id"]
    with bc_http.server.off_contract():  # the spec's own maxLength already forbids 51 characters
        response = bc_http.post(f"/v3/promotions/{promotion_id}/codes", json={"code": code})
    assert response.status_code == 422
    assert data(response)["errors"][0]["title"] == "Invalid coupon code"


@pytest.mark.parametrize("code", ["A b_c-1", "x" * 50])
def test_codes_at_the_limits_are_accepted(bc_http: SandboxHttp, code: str) -> None:
    promotion_id = data(bc_http.post("/v3/promotions", json=COUPON_PROMOTION))["data"]["id"]
    assert bc_http.post(f"/v3/promotions/{promotion_id}/codes", json={"code": code}).status_code == 201


def test_an_unknown_promotion_is_404_in_the_promotions_shape(bc_http: SandboxHttp) -> None:
    response = bc_http.post("/v3/promotions/9999/codes", json={"code": "NOPE"})
    assert response.status_code == 404
    assert data(response)["errors"][0]["status"] == 404


# --- customer groups v2 (no reference spec: see contract.OUTSIDE_CONTRACT) ---------------------


def test_customer_groups_are_a_bare_v2_array_in_id_order(bc_http: SandboxHttp) -> None:
    # Given the demo store's groups When they are listed
    response = bc_http.get("/v2/customer_groups")
    # Then a bare array of every group but "no group" (0), each in BigCommerce's fields
    assert response.status_code == 200
    assert "X-Rate-Limit-Requests-Left" in response.headers
    groups = data(response)
    assert [(g["id"], g["name"]) for g in groups] == [(i, n) for i, n in seed.CUSTOMER_GROUPS.items() if i]
    assert groups[1] == {
        "id": 2,
        "name": "VIP",
        "is_default": False,
        "category_access": {"type": "all"},
        "discount_rules": [],
        "is_group_for_guests": False,
    }


def test_customer_groups_page_like_v2_and_past_the_last_page_is_204(bc_http: SandboxHttp) -> None:
    first = data(bc_http.get("/v2/customer_groups", params={"limit": 2}))
    last = data(bc_http.get("/v2/customer_groups", params={"limit": 2, "page": 2}))
    past = bc_http.get("/v2/customer_groups", params={"limit": 2, "page": 3})
    assert [g["id"] for g in first] == [1, 2]
    assert [g["id"] for g in last] == [3]
    assert (past.status_code, past.content) == (204, b"")


@pytest.mark.parametrize("params", [{"name": "VIP"}, {"is_default": "true"}, {"limit": "251"}])
def test_customer_group_queries_the_sandbox_does_not_model_are_400(
    bc_http: SandboxHttp, params: dict[str, str]
) -> None:
    assert bc_http.get("/v2/customer_groups", params=params).status_code == 400


def test_customer_groups_need_a_customers_scope(bc_sandbox: SandboxServer) -> None:
    bc_sandbox.add_token("orders-only", [ORDERS_READ])
    bc_sandbox.add_token("customers-read", [CUSTOMERS_READ])
    refused = SandboxHttp(bc_sandbox, token="orders-only").get("/v2/customer_groups")
    assert refused.status_code == 403
    assert data(refused)[0]["message"] == "You don't have a required scope to access the endpoint"
    assert SandboxHttp(bc_sandbox, token="customers-read").get("/v2/customer_groups").status_code == 200


# --- catalog v3 (no reference spec: see contract.OUTSIDE_CONTRACT) -----------------------------

IMAGE = "https://cdn11.bigcommerce.com/s-sandbox/images/stencil/{size}/products/{id}/{name}.jpg"


def test_catalog_products_by_id_answer_their_primary_image_when_included(
    bc_http: SandboxHttp,
) -> None:
    # Given the demo catalog
    # When two of its products and an unknown id are asked for, with their primary image included
    params = {"id:in": "108,102,999", "include": "primary_image"}
    response = bc_http.get("/v3/catalog/products", params=params)
    # Then the two products come back in id order, each with its image in four sizes
    body = data(response)
    assert response.status_code == 200
    assert "X-Rate-Limit-Requests-Left" in response.headers
    assert [p["id"] for p in body["data"]] == [102, 108]
    assert all("name" in p and "primary_image" in p for p in body["data"])
    image = body["data"][0]["primary_image"]
    assert (image["product_id"], image["is_thumbnail"]) == (102, True)
    assert image["url_thumbnail"] == IMAGE.format(size="100x100", id=102, name="otl")
    assert image["url_standard"] == IMAGE.format(size="500x659", id=102, name="otl")
    assert image["url_tiny"] == IMAGE.format(size="44x44", id=102, name="otl")
    assert image["url_zoom"] == IMAGE.format(size="1280x1280", id=102, name="otl")
    assert body["meta"]["pagination"]["total"] == 2


def test_catalog_products_page_like_v3_and_carry_no_image_unless_included(bc_http: SandboxHttp) -> None:
    first = data(bc_http.get("/v3/catalog/products", params={"limit": 4}))
    # 14 products: the demo's 101-110 and Olivia's 201-204 (seed_orders)
    last = data(bc_http.get("/v3/catalog/products", params={"limit": 4, "page": 4}))
    assert [p["id"] for p in first["data"]] == [101, 102, 103, 104]
    assert [p["id"] for p in last["data"]] == [203, 204]
    towel = first["data"][0]
    assert (towel["sku"], towel["price"]) == ("FLCT-BS", Decimal("49.00"))
    assert "primary_image" not in towel
    assert first["meta"]["pagination"]["total_pages"] == 4
    assert "next" in first["meta"]["pagination"]["links"]
    assert "next" not in last["meta"]["pagination"]["links"]


def test_a_product_without_an_image_has_a_null_primary_image(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    bc_sandbox.store.add_catalog_product(
        product_id=120, name="Gift card", sku="GIFT", price=Decimal("25.00"), image_url=""
    )
    body = data(bc_http.get("/v3/catalog/products", params={"id:in": "120", "include": "primary_image"}))
    assert [(p["id"], p["primary_image"]) for p in body["data"]] == [(120, None)]


def test_include_fields_keeps_the_id_and_the_named_product_fields(bc_http: SandboxHttp) -> None:
    params = {"id:in": "102", "include": "primary_image", "include_fields": "name"}
    (product,) = data(bc_http.get("/v3/catalog/products", params=params))["data"]
    assert sorted(product) == ["id", "name", "primary_image"]


def test_a_sub_resource_in_include_fields_is_refused(bc_http: SandboxHttp) -> None:
    # include_fields documents product fields only (products_catalog.v3.yml): images go in include
    params = {"id:in": "102", "include": "primary_image", "include_fields": "primary_image"}
    response = bc_http.get("/v3/catalog/products", params=params)
    assert response.status_code == 422
    assert "primary_image" in data(response)["errors"]["include_fields"]


@pytest.mark.parametrize("params", [{"sku": "OTL"}, {"include": "variants"}, {"id:in": "one"}])
def test_catalog_queries_the_sandbox_does_not_model_are_422(
    bc_http: SandboxHttp, params: dict[str, str]
) -> None:
    assert bc_http.get("/v3/catalog/products", params=params).status_code == 422


def test_the_catalog_needs_a_products_scope(bc_sandbox: SandboxServer) -> None:
    bc_sandbox.add_token("orders-only", [ORDERS_READ])
    bc_sandbox.add_token("products-read", [PRODUCTS_READ])
    refused = SandboxHttp(bc_sandbox, token="orders-only").get("/v3/catalog/products")
    assert refused.status_code == 403
    assert "store_v2" not in refused.text
    assert SandboxHttp(bc_sandbox, token="products-read").get("/v3/catalog/products").status_code == 200


# --- the gateway: auth, scopes, store hash ------------------------------------------------------


def test_a_missing_or_unknown_token_is_401(bc_sandbox: SandboxServer) -> None:
    url = f"{bc_sandbox.api_base}/v2/orders"
    with bc_sandbox.off_contract():  # no X-Auth-Token at all breaks the spec's security requirement
        missing = requests.get(url, headers={"Accept": "application/json"}, timeout=5)
    unknown = requests.get(url, headers={"Accept": "application/json", "X-Auth-Token": "wrong"}, timeout=5)
    assert missing.status_code == 401 and unknown.status_code == 401
    assert data(unknown) == [{"status": 401, "message": "Unauthorized: Send a valid X-Auth-Token header."}]


def test_a_missing_scope_is_403_without_naming_it(bc_sandbox: SandboxServer) -> None:
    # Given a token without the customers scope When it reads customers
    bc_sandbox.add_token("orders-only", [ORDERS_READ])
    response = SandboxHttp(bc_sandbox, token="orders-only").get("/v3/customers")
    # Then the 403 says only that a scope is missing, as BigCommerce's does (reference FACTS.md)
    assert response.status_code == 403
    assert data(response)["title"] == "You don't have a required scope to access the endpoint"
    assert "errors" not in data(response)
    assert "store_v2" not in response.text


def test_an_unknown_store_hash_is_404(bc_sandbox: SandboxServer) -> None:
    response = requests.get(
        f"{bc_sandbox.url}/stores/not-a-store/v3/customers",
        headers={"X-Auth-Token": "sandbox-token", "Accept": "application/json"},
        timeout=5,
    )
    assert response.status_code == 404
    assert data(response)["title"] == "Store not found"


def test_a_wrong_method_is_405(bc_http: SandboxHttp) -> None:
    with bc_http.server.off_contract():  # PATCH /v2/orders is no BigCommerce operation
        response = bc_http.request("PATCH", "/v2/orders", json={})
    assert response.status_code == 405


# --- rate limits --------------------------------------------------------------------------------


def test_every_answer_carries_the_rate_limit_headers_and_the_quota_ends_in_429(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    # Given a quota of 3 requests per minute
    bc_sandbox.rate_limit.configure(quota=3, window_seconds=60)
    # When we send four requests
    answers = [bc_http.get("/v2/order_statuses") for _ in range(4)]
    # Then the first three pass counting down, the fourth is 429 with the reset headers only: many
    # real 429s carry no X-Retry-After (reference FACTS.md); the rate_limit fault sends one
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-Rate-Limit-Requests-Left"] for a in answers] == ["2", "1", "0", "0"]
    for answer in answers:
        assert answer.headers["X-Rate-Limit-Requests-Quota"] == "3"
        assert answer.headers["X-Rate-Limit-Time-Window-Ms"] == "60000"
        assert 0 < int(answer.headers["X-Rate-Limit-Time-Reset-Ms"]) <= 60000
    assert "X-Retry-After" not in answers[3].headers
    assert data(answers[3])[0]["status"] == 429


def test_the_quota_comes_back_after_the_window(bc_sandbox: SandboxServer, bc_http: SandboxHttp) -> None:
    # Given a quota of one request per second, used up
    bc_sandbox.rate_limit.configure(quota=1, window_seconds=1.0)
    assert bc_http.get("/v2/order_statuses").status_code == 200
    refused = bc_http.get("/v2/order_statuses")
    assert refused.status_code == 429
    # When we wait as long as the reset header says, Then requests pass again
    time.sleep(int(refused.headers["X-Rate-Limit-Time-Reset-Ms"]) / 1000 + 0.05)
    assert bc_http.get("/v2/order_statuses").status_code == 200


# --- faults and latency -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_planned_server_error_fires_the_planned_number_of_times(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp, status: int
) -> None:
    bc_sandbox.faults.add(r"^/v3/customers$", status, times=1)
    failed = bc_http.get("/v3/customers")
    recovered = bc_http.get("/v3/customers")
    assert (failed.status_code, recovered.status_code) == (status, 200)
    assert "X-Rate-Limit-Requests-Left" in failed.headers
    assert bc_sandbox.requests[0].fault == str(status)


def test_a_rate_limit_storm_answers_429_with_retry_headers(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    bc_sandbox.faults.add(r"^/v2/orders", "rate_limit", times=2, retry_after=3)
    answers = [bc_http.get("/v2/orders", params={"email": seed.GUEST_EMAIL}) for _ in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].headers["X-Retry-After"] == "3"
    assert answers[0].headers["X-Rate-Limit-Requests-Left"] == "0"
    assert answers[0].headers["X-Rate-Limit-Time-Reset-Ms"] == "3000"


def test_a_reset_closes_the_connection_without_an_answer(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    bc_sandbox.faults.add(r"^/v2/orders$", "reset", times=1)
    with pytest.raises(requests.ConnectionError):
        bc_http.get("/v2/orders")
    assert bc_http.get("/v2/orders", params={"email": seed.GUEST_EMAIL}).status_code == 200
    assert bc_sandbox.requests[0].status is None


def test_a_slow_refund_times_out_for_the_client_but_happens(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    # Given refunds answer only after 2 seconds
    bc_sandbox.faults.add(r"/payment_actions/refunds$", "slow", method="POST", seconds=2.0, times=1)
    order_id = seed.REFUNDABLE_ORDER_ID
    items = [{"item_type": "ORDER", "item_id": order_id, "amount": 5}]
    # When the client gives up after 0.3 s
    with pytest.raises(requests.Timeout):
        bc_http.post(
            f"/v3/orders/{order_id}/payment_actions/refunds",
            json={"items": items, "payments": [{"provider_id": "custom", "amount": 5, "offline": True}]},
            timeout=0.3,
        )
    # Then the refund exists anyway: list before retrying
    listed = data(bc_http.get(f"/v3/orders/{order_id}/payment_actions/refunds"))["data"]
    assert [r["total_amount"] for r in listed] == [Decimal("5.00")]


def test_malformed_json_is_a_200_with_a_truncated_body(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    bc_sandbox.faults.add(r"^/v3/customers$", "malformed_json", method="GET")
    response = bc_http.get("/v3/customers")
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


def test_faults_match_method_and_path_and_clear(bc_sandbox: SandboxServer, bc_http: SandboxHttp) -> None:
    fault = bc_sandbox.faults.add(r"/shipments$", 503, method="POST")
    assert bc_http.get(f"/v2/orders/{seed.SHIPPED_ORDER_ID}/shipments").status_code == 200
    bc_sandbox.faults.clear()
    assert bc_http.get("/v2/order_statuses").status_code == 200
    assert fault.hits == 0


def test_latency_delays_every_answer(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a latency of 0.2 s, and a spy on the sandbox's pause
    bc_sandbox.latency = 0.2
    pauses = PauseSpy(bc_sandbox.pause)
    monkeypatch.setattr(bc_sandbox, "pause", pauses)
    # When two endpoints are called
    assert bc_http.get("/v2/order_statuses").status_code == 200
    assert bc_http.get("/v3/customers").status_code == 200
    # Then each answer was held for the latency (and had no delay of its own)
    assert pauses.asked == [0.2, 0.0, 0.2, 0.0]


def test_the_request_log_records_each_exchange(bc_sandbox: SandboxServer, bc_http: SandboxHttp) -> None:
    bc_http.get("/v3/customers", params={"email:in": seed.MARTHA_EMAIL})
    bc_http.put(f"/v2/orders/{seed.UNSHIPPED_ORDER_ID}", json={"status_id": 5})
    first, second = bc_sandbox.requests
    assert (first.method, first.api_path, first.query, first.status) == (
        "GET",
        "/v3/customers",
        {"email:in": seed.MARTHA_EMAIL},
        200,
    )
    assert (second.method, second.json, second.status) == ("PUT", {"status_id": 5}, 200)
    assert second.response_json["status"] == "Cancelled"
    assert bc_sandbox.requests.find("PUT", r"^/v2/orders/\d+$") == [second]
    bc_sandbox.requests.clear()
    assert len(bc_sandbox.requests) == 0
