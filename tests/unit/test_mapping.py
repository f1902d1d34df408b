"""BigCommerce records -> Gladly results and transactions: exact money, RFC 3339 dates, guest ids."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from gladly_bigcommerce.bigcommerce.models import Customer, Order, Shipment, StoreInfo
from gladly_bigcommerce.gladly.customer_ids import (
    GuestRef,
    RegisteredRef,
    guest_customer_id,
    parse_customer_ref,
)
from gladly_bigcommerce.gladly.models import LookupResponse
from gladly_bigcommerce.lookup.mapping.customers import (
    StoreLinks,
    customer_attributes,
    customer_group,
    customer_result,
    gladly_phones,
    guest_result,
    lifetime_value,
    store_links,
    with_search_columns,
)
from gladly_bigcommerce.lookup.mapping.orders import (
    lines_are_complete,
    merge_orders,
    needs_shipments,
    order_transaction,
)
from gladly_bigcommerce.lookup.search import GuestShopper, guest_orders
from gladly_bigcommerce.lookup.shopper_phones import MAX_PROFILE_PHONES, StoredPhone
from gladly_bigcommerce.settings.model import AdaptorSettings, SearchResultsAttribute

LINKS = StoreLinks(
    admin_base="https://store-abc123.mybigcommerce.com/manage", storefront_base="https://shop.example.com"
)


def settings(**overrides: str) -> AdaptorSettings:
    environ = {"DEPLOYMENT_NAME": "test", "STORE_HASH": "abc123", "SECRET_NAME": "secret", **overrides}
    return AdaptorSettings.from_env(environ)


def address(**overrides: str) -> dict[str, str]:
    return {
        "first_name": "Martha",
        "last_name": "Williams",
        "street_1": "12 Main St",
        "street_2": "Apt 4",
        "city": "Springfield",
        "state": "Illinois",
        "zip": "62701",
        "country": "United States",
        "country_iso2": "US",
        "phone": "(415) 555-0100",
        "email": "Martha@Example.com",
    } | overrides


def line(line_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "id": line_id,
        "order_id": 100,
        "product_id": 77,
        "order_address_id": 9,
        "name": "Trail Shoe",
        "sku": "SHOE-42",
        "type": "physical",
        "quantity": 2,
        "quantity_shipped": 0,
        "price_inc_tax": "10.1250",
        "total_inc_tax": "20.2500",
        "image_url": "https://cdn.example.com/shoe.jpg",
    } | overrides


def v2_order(**overrides: Any) -> Order:
    payload = {
        "id": 100,
        "customer_id": 7,
        "status_id": 11,
        "status": "Awaiting Fulfillment",
        # 18:04:05 at +01:00 is 17:04:05 UTC.
        "date_created": "Sun, 01 Mar 2026 18:04:05 +0100",
        "subtotal_ex_tax": "20.0000",
        "subtotal_inc_tax": "20.2500",
        "total_ex_tax": "20.0000",
        "total_inc_tax": "1234.5000",
        "currency_code": "USD",
        "default_currency_code": "EUR",
        "items_total": 2,
        "items_shipped": 0,
        "customer_message": "Leave at the door",
        "billing_address": address(),
        "consignments": {
            "shipping": [{"id": 9, **address(), "shipping_method": "Express", "line_items": [line(1)]}]
        },
    }
    return Order.model_validate(payload | overrides)


def shipment(**overrides: Any) -> Shipment:
    payload = {
        "id": 5,
        "order_id": 100,
        "order_address_id": 9,
        "tracking_number": "1Z999",
        "tracking_carrier": "ups",
        "tracking_link": "",
        "generated_tracking_link": "https://www.ups.com/track?tracknum=1Z999",
        "shipping_method": "Express",
        "shipping_provider_display_name": "UPS",
        "shipping_address": address(street_1="1 Elm St"),
        "items": [{"order_product_id": 1, "product_id": 77, "quantity": 2}],
    }
    return Shipment.model_validate(payload | overrides)


def customer(**overrides: Any) -> Customer:
    payload = {
        "id": 7,
        "email": "Martha@Example.com",
        "first_name": "Martha",
        "last_name": "Williams",
        "company": "Williams & Co",
        "phone": "(415) 555-0100",
        "customer_group_id": 2,
        "date_created": "2021-03-04T10:00:00Z",
        "addresses": [
            {
                "id": 1,
                "address1": "12 Main St",
                "city": "Springfield",
                "state_or_province": "IL",
                "postal_code": "62701",
                "country_code": "US",
            }
        ],
        "store_credit_amounts": [{"amount": Decimal("10")}, {"amount": Decimal("2.5")}],
    }
    return Customer.model_validate(payload | overrides)


# --- ids ---------------------------------------------------------------------------------------------


def test_guest_ids_are_stable_whatever_the_email_case_and_lead_back_to_the_email() -> None:
    # Given the same guest email spelled two ways
    first = guest_customer_id("Guest.Shopper@Example.com ")
    second = guest_customer_id("guest.shopper@example.com")
    # Then both give one id, and the id names the email again
    assert first == second == "guest:guest.shopper@example.com"
    assert parse_customer_ref(first) == GuestRef("guest.shopper@example.com")


@pytest.mark.parametrize(
    ("external_id", "expected"),
    [
        ("42", RegisteredRef(42)),
        (" 42 ", RegisteredRef(42)),
        ("GUEST:A@B.COM", None),  # the prefix is ours and lowercase
        ("guest:A@B.com", GuestRef("a@b.com")),
        ("0", None),
        ("-3", None),
        ("4.2", None),
        ("١٢", None),  # non-ASCII digits are not a BigCommerce id
        ("abc", None),
        ("guest:", None),
        ("guest:no-at-sign", None),
        ("", None),
    ],
)
def test_only_ids_we_issue_are_understood(external_id: str, expected: object) -> None:
    assert parse_customer_ref(external_id) == expected


# --- results -----------------------------------------------------------------------------------------


def test_customer_result_carries_a_string_id_and_e164_mobile_phone() -> None:
    result = customer_result(customer(), "US").to_body()
    assert result == {
        "externalCustomerId": "7",
        "name": "Martha Williams",
        "address": "12 Main St, Springfield, IL 62701, US",
        "emails": [{"original": "Martha@Example.com"}],
        "phones": [{"original": "+14155550100", "type": "MOBILE"}],
    }


def test_phones_that_are_not_numbers_are_left_out_and_duplicates_merged() -> None:
    stored = [StoredPhone(text) for text in ("n/a", "(415) 555-0100", "+1 415 555 0100", "+44 20 7946 0958")]
    found = gladly_phones(stored, "US")
    assert [(phone.original, phone.type) for phone in found] == [
        ("+14155550100", "MOBILE"),
        ("+442079460958", "HOME"),
    ]


def test_a_profile_has_the_account_address_book_and_recent_billing_phones_each_once_and_at_most_five() -> (
    None
):
    # Given an Indian account phone, an office line on a commercial UK address, and orders billed
    # with the account phone again (another spelling), a German phone and more numbers
    record = customer(
        phone="8987656787",
        addresses=[
            {
                "id": 1,
                "address1": "Trench Colony",
                "city": "Hyderabad",
                "country_code": "IN",
                "phone": "9898712123",
            },
            {
                "id": 2,
                "address1": "10 Downing St",
                "city": "London",
                "country_code": "GB",
                "phone": "020 7946 0958",
                "address_type": "commercial",
            },
        ],
    )
    billed = [
        v2_order(id=index, billing_address=address(country_iso2=iso2, phone=phone))
        for index, (iso2, phone) in enumerate(
            [("IN", "+91 89876 56787"), ("DE", "030 123456"), ("IN", "07439250893"), ("AU", "0412 345 678")]
        )
    ]
    result = customer_result(record, "US", billed).to_body()
    # Then each is read in its record's country, typed, each once, and the list stops at five
    assert result["phones"] == [
        {"original": "+918987656787", "type": "MOBILE"},
        {"original": "+919898712123", "type": "MOBILE"},
        {"original": "+442079460958", "type": "OFFICE"},
        {"original": "+4930123456", "type": "HOME"},
        {"original": "+917439250893", "type": "MOBILE"},
    ]
    assert len(result["phones"]) == MAX_PROFILE_PHONES


def test_guest_result_comes_from_the_newest_guest_order() -> None:
    older = v2_order(id=1, customer_id=0, date_created="Mon, 02 Feb 2026 10:00:00 +0000")
    newer = v2_order(
        id=2,
        customer_id=0,
        date_created="Tue, 03 Feb 2026 10:00:00 +0000",
        billing_address=address(first_name="Marty", phone="+44 7700 900123", email="martha@example.com"),
    )
    guest = GuestShopper("martha@example.com", tuple(merge_orders([older, newer])))
    result = guest_result(guest, "US").to_body()
    assert result["externalCustomerId"] == "guest:martha@example.com"
    assert result["name"] == "Marty Williams"
    # phones from every billing address, newest first (a reserved UK number has no type: not MOBILE)
    assert result["phones"] == [{"original": "+447700900123"}, {"original": "+14155550100", "type": "MOBILE"}]
    assert result["address"] == "12 Main St, Apt 4, Springfield, Illinois 62701, US"


def test_guest_orders_are_only_account_less_orders_billed_to_that_email() -> None:
    mine = v2_order(id=1, customer_id=0, billing_address=address(email="MARTHA@example.com"))
    account = v2_order(id=2, customer_id=7)
    someone_else = v2_order(id=3, customer_id=0, billing_address=address(email="other@example.com"))
    assert [order.id for order in guest_orders([mine, account, someone_else], "martha@example.com")] == [1]


def test_search_columns_repeat_configured_email_and_phone_at_the_top_level() -> None:
    columns = [
        SearchResultsAttribute(attribute="name", label="Name"),
        SearchResultsAttribute(attribute="phone", label="Phone"),
        SearchResultsAttribute(attribute="loyaltyTier", label="Tier"),
    ]
    body = with_search_columns(customer_result(customer(), "US"), columns).to_body()
    assert body["phone"] == "+14155550100"
    assert "email" not in body  # not a configured column
    assert "loyaltyTier" not in body  # unsupported: the column stays empty
    assert LookupResponse(results=[with_search_columns(customer_result(customer(), "US"), columns)])


# --- custom attributes -------------------------------------------------------------------------------


def test_customer_attributes_are_all_strings() -> None:
    orders = [v2_order(id=1, total_inc_tax="100.0000"), v2_order(id=2, status_id=5, total_inc_tax="50")]
    attributes = customer_attributes(
        customer=customer(),
        orders=orders,
        orders_complete=True,
        links=LINKS,
        store_currency="USD",
        group_names={1: "Retail", 2: "VIP"},
    )
    assert attributes == {
        "accountType": "Registered",
        "orderCount": "2",
        "lifetimeValue": "€100.00",  # the cancelled order is no sale
        "customerGroup": "VIP",
        "adminLink": "https://store-abc123.mybigcommerce.com/manage/customers/7/edit",
        "company": "Williams & Co",
        "customerSince": "2021-03-04",
        "storeCredit": "$12.50",
    }
    assert all(isinstance(value, str) for value in attributes.values())


def test_an_incomplete_order_history_says_so() -> None:
    orders = [v2_order(id=n, total_inc_tax="10") for n in range(1, 51)]
    attributes = customer_attributes(
        customer=None, orders=orders, orders_complete=False, links=LINKS, store_currency=None, group_names={}
    )
    assert attributes == {
        "accountType": "Guest",
        "orderCount": "50+",
        "lifetimeValue": "€500.00 (last 50 orders)",
    }


def test_a_customer_group_shows_its_name_else_its_id_and_no_group_is_empty() -> None:
    names = {2: "VIP"}
    assert customer_group(2, names) == "VIP"
    # a group the names do not hold (unreadable, or added since they were read) shows its id
    assert customer_group(3, names) == "3"
    assert customer_group(2, {}) == "2"
    # BigCommerce's 0 is "no group"
    assert customer_group(0, names) == ""


def test_lifetime_value_adds_up_per_currency_and_is_zero_without_sales() -> None:
    euro = v2_order(id=1, total_inc_tax="10.5")
    dollars = v2_order(id=2, total_inc_tax="3", default_currency_code="USD")
    assert lifetime_value([euro, dollars, euro.model_copy(update={"id": 3})], "USD") == "€21.00 + $3.00"
    assert lifetime_value([v2_order(status_id=6)], "GBP") == "£0.00"


def test_lifetime_value_is_unknown_when_a_sale_lacks_its_total_or_currency() -> None:
    # Given sales of which one came without its total, or without any currency (a sparse answer)
    sale = v2_order(id=1, total_inc_tax="10.5")
    no_total = sale.model_copy(update={"id": 2, "total_inc_tax": None})
    no_currency = sale.model_copy(update={"id": 3, "currency_code": "", "default_currency_code": None})
    # Then no sum is shown rather than a partial or currency-less one
    assert lifetime_value([sale, no_total], "USD") is None
    assert lifetime_value([sale, no_currency], "USD") is None
    # and a closed order's missing total does not matter
    assert lifetime_value([sale, no_total.model_copy(update={"status_id": 5})], "USD") == "€10.50"


# --- transactions ------------------------------------------------------------------------------------


def test_an_order_becomes_a_complete_order_transaction() -> None:
    # Given a partly shipped order in euros with its shipment
    order = v2_order(
        status_id=3,
        status="Partially Shipped",
        items_total=3,
        items_shipped=2,
        consignments={
            "shipping": [
                {
                    "id": 9,
                    **address(),
                    "shipping_method": "Express",
                    "line_items": [
                        line(1, quantity_shipped=2),
                        line(2, quantity=1, total_inc_tax="10.1250", image_url=None, sku=""),
                    ],
                }
            ]
        },
    )
    # When it is mapped
    body = order_transaction(order, links=LINKS, region="US", shipments=[shipment()]).model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    # Then every field Gladly knows is filled, money in the order's currency, dates in UTC with Z
    assert body == {
        "type": "ORDER",
        "orderNumber": "100",
        "createdAt": "2026-03-01T17:04:05Z",
        "orderStatus": "Partially Shipped",
        "orderTotal": "€1234.50",
        "currencyCode": "EUR",
        "itemCount": 3,
        "orderLink": "https://store-abc123.mybigcommerce.com/manage/orders/100",
        "customerOrderUrl": "https://shop.example.com/account.php?action=view_order&order_id=100",
        "note": "Leave at the door",
        "billingAddress": {
            "name": "Martha Williams",
            "phone": "+14155550100",
            "street1": "12 Main St",
            "street2": "Apt 4",
            "city": "Springfield",
            "state": "Illinois",
            "country": "US",
            "zip": "62701",
        },
        "products": [
            {
                "id": "1",
                "productId": "77",
                "name": "Trail Shoe",
                "sku": "SHOE-42",
                "unitPrice": "€10.13",
                "quantity": 2,
                "status": "Shipped",
                "imageUrl": "https://cdn.example.com/shoe.jpg",
            },
            {
                "id": "2",
                "productId": "77",
                "name": "Trail Shoe",
                "unitPrice": "€10.13",
                "quantity": 1,
                "status": "Not shipped",
            },
        ],
        "fulfillments": [
            {
                "productIds": ["1"],
                "trackingNumber": "1Z999",
                "trackingUrl": "https://www.ups.com/track?tracknum=1Z999",
                "carrier": "UPS",
                "shippingSpeed": "Express",
                "status": "Shipped",
                "shippingAddress": {
                    "name": "Martha Williams",
                    "phone": "+14155550100",
                    "street1": "1 Elm St",
                    "street2": "Apt 4",
                    "city": "Springfield",
                    "state": "Illinois",
                    "country": "US",
                    "zip": "62701",
                },
            },
            {
                "productIds": ["2"],
                "shippingSpeed": "Express",
                "status": "Not shipped",
                "shippingAddress": {
                    "name": "Martha Williams",
                    "phone": "+14155550100",
                    "street1": "12 Main St",
                    "street2": "Apt 4",
                    "city": "Springfield",
                    "state": "Illinois",
                    "country": "US",
                    "zip": "62701",
                },
            },
        ],
    }


def test_a_guest_order_has_no_storefront_account_link() -> None:
    transaction = order_transaction(v2_order(customer_id=0), links=LINKS, region="US")
    assert transaction.customer_order_url is None
    assert transaction.order_link == "https://store-abc123.mybigcommerce.com/manage/orders/100"


def test_a_shipped_order_whose_shipments_failed_has_no_fulfillments() -> None:
    order = v2_order(
        status_id=2,
        items_shipped=2,
        consignments={"shipping": [{"id": 9, **address(), "line_items": [line(1, quantity_shipped=2)]}]},
    )
    transaction = order_transaction(order, links=LINKS, region="US", shipments=None)
    assert transaction.fulfillments == []
    assert transaction.products and transaction.products[0].status == "Shipped"


def test_a_cancelled_order_shows_nothing_waiting_to_ship() -> None:
    transaction = order_transaction(v2_order(status_id=5, status="Cancelled"), links=LINKS, region="US")
    assert transaction.fulfillments == []


def test_an_order_with_no_products_or_fulfillments_sends_both_as_empty_arrays() -> None:
    # Given an order whose line items are not known and that has nothing to ship
    order = v2_order(status_id=5, status="Cancelled", consignments=None)
    # When it becomes a transaction
    body = order_transaction(order, links=LINKS, region="US").to_body()
    # Then products and fulfillments are still there, empty (Gladly's Sidekick docs list them as required)
    assert body["products"] == []
    assert body["fulfillments"] == []


def test_which_orders_need_more_calls() -> None:
    assert needs_shipments(v2_order(items_shipped=1)) and not needs_shipments(v2_order())
    assert lines_are_complete(v2_order())
    # A digital item is in no shipping consignment: the order's products must be listed separately.
    assert not lines_are_complete(v2_order(items_total=3))
    assert not lines_are_complete(v2_order(consignments=None))


def test_merged_orders_are_unique_and_newest_first() -> None:
    a = v2_order(id=1, date_created="Mon, 02 Feb 2026 10:00:00 +0000")
    b = v2_order(id=2, date_created="Tue, 03 Feb 2026 10:00:00 +0000")
    assert [order.id for order in merge_orders([a, b], [a])] == [2, 1]


# --- links -------------------------------------------------------------------------------------------


def test_links_come_from_settings_else_the_store_else_the_store_hash() -> None:
    store = StoreInfo.model_validate(
        {
            "currency": "USD",
            "secure_url": "https://shop.example.com/",
            "control_panel_base_url": "https://store-abc123.mybigcommerce.com",
        }
    )
    assert store_links(settings(), None) == StoreLinks("https://store-abc123.mybigcommerce.com/manage", None)
    assert store_links(settings(), store) == StoreLinks(
        "https://store-abc123.mybigcommerce.com/manage", "https://shop.example.com"
    )
    configured = settings(
        ADMIN_URL="https://admin.example.com/manage", STOREFRONT_URL="https://www.example.com"
    )
    assert store_links(configured, store) == StoreLinks(
        "https://admin.example.com/manage", "https://www.example.com"
    )


def test_an_order_without_its_item_count_counts_its_lines() -> None:
    # Given an order whose optional items_total is absent (or null) but whose lines are known
    order = v2_order(items_total=None, consignments={"shipping": [{"id": 9, **address(), "line_items": [
        line(1, quantity=2), line(2, quantity=3)]}]})  # fmt: skip
    # When it becomes a transaction
    transaction = order_transaction(order, links=LINKS, region="US")
    # Then the item count is what its lines hold, never 0
    assert transaction.item_count == 5
