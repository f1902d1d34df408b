"""Phones of real BigCommerce payloads that other people captured and published (sources in
`tests/fixtures/public_phones/README.md`; none from our sandbox), through the model parsing and the
mapping: each phone is shown in the country its record names, or as stored, never with a wrong one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gladly_bigcommerce.bigcommerce.models import Customer, Order, ShippingAddress
from gladly_bigcommerce.lookup.mapping.customers import StoreLinks, customer_result, guest_result
from gladly_bigcommerce.lookup.mapping.orders import gladly_address, order_transaction
from gladly_bigcommerce.lookup.search import GuestShopper

PAYLOADS = Path(__file__).parents[1] / "fixtures" / "public_phones"
LINKS = StoreLinks(admin_base="https://store-abc123.mybigcommerce.com/manage", storefront_base=None)
# The regions a store may be in: the payloads' phones must read the same whatever the store's country.
STORE_REGIONS = ("US", "GB", "IN", "CA")


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text(), parse_float=str)


@pytest.mark.parametrize("region", STORE_REGIONS)
def test_an_indian_customer_of_the_appse_ai_docs_has_indian_phones_whatever_the_store(region: str) -> None:
    # Given the published customer 681: account phone "8987656787", an address in IN with "9898712123"
    customer = Customer.model_validate(payload("appse_ai_customer_681.json"))
    # When it is a search result (BASIC, auto-link) Then both numbers are Indian, the account's first
    phones = customer_result(customer, region).to_body()["phones"]
    assert phones == [
        {"original": "+918987656787", "type": "MOBILE"},
        {"original": "+919898712123", "type": "MOBILE"},
    ]


def test_a_customer_without_addresses_has_its_phone_only_where_the_store_s_country_has_it() -> None:
    # Given the published customer 680: no address, phone "1234567890"
    customer = Customer.model_validate(payload("appse_ai_customer_680.json"))
    # Then in a US or Canadian store, where those digits are no number (area code 123), Gladly
    # (which takes E.164 only) is sent no phone rather than a made-up one
    for region in ("US", "CA"):
        assert customer_result(customer, region).to_body()["phones"] == []
    # And in a UK or Indian store they are a fixed line there: the store's country is all its data says
    for region, number in (("GB", "+441234567890"), ("IN", "+911234567890")):
        assert customer_result(customer, region).to_body()["phones"] == [{"original": number, "type": "HOME"}]


@pytest.mark.parametrize("region", STORE_REGIONS)
def test_the_indian_billing_phone_with_its_trunk_zero_is_shown_in_india(region: str) -> None:
    # Given the published order 463 of a USD store, billed in IN with "07439250893"
    order = Order.model_validate(payload("appse_ai_order_463.json"))
    transaction = order_transaction(order, links=LINKS, region=region).to_body()
    # Then the billing address shows the Indian number (never the UK mobile the digits also are)
    assert transaction["billingAddress"]["phone"] == "+917439250893"
    # And a guest with that order has it on the profile
    guest = GuestShopper("amarendra.raj@yopmail.com", (order,))
    assert guest_result(guest, region).to_body()["phones"] == [
        {"original": "+917439250893", "type": "MOBILE"}
    ]


def test_a_us_billing_phone_that_is_no_us_number_is_shown_as_stored() -> None:
    # Given Gladly's own app-platform fixture: an order billed in US with "15551234567" (area 555)
    order = Order.model_validate(payload("gladly_app_platform_order_106.json"))
    transaction = order_transaction(order, links=LINKS, region="US").to_body()
    # Then the address shows it as the store holds it, and no profile phone is made of it
    assert transaction["billingAddress"]["phone"] == "15551234567"
    assert guest_result(GuestShopper("primary@email.com", (order,)), "US").to_body()["phones"] == []


def test_a_us_shipping_phone_that_is_no_us_number_is_shown_as_stored() -> None:
    # Given an SDK's sample shipping address in US with "1234567890" (area 123)
    address = ShippingAddress.model_validate(payload("space48_shipping_address_42.json"))
    mapped = gladly_address(address, "US")
    assert mapped is not None and mapped.phone == "1234567890"


def test_an_explicit_country_code_wins_and_a_number_of_no_known_type_is_never_mobile() -> None:
    # Given a connector's captured order of a Canadian store, billed with "+1(960) 886-1499"
    # (+1 written out; area code 960 is not assigned, so the number is possible but not valid)
    order = Order.model_validate(payload("canada_pickup_order_7755.json"))
    transaction = order_transaction(order, links=LINKS, region="GB").to_body()
    assert transaction["billingAddress"]["phone"] == "+19608861499"
    guest = GuestShopper("test29@gmail.com", (order,))
    # Then the profile has the number, with no type: not MOBILE, which Gladly would auto-link on
    assert guest_result(guest, "GB").to_body()["phones"] == [{"original": "+19608861499"}]


def test_a_uk_address_phone_of_twelve_digits_is_no_uk_number_and_shown_nowhere() -> None:
    # Given the address of Alokai's BigCommerce `createCustomerAddress` example (docs.alokai.com,
    # integrations/bigcommerce/api/bigcommerce-api/createCustomerAddress): GB, phone "074743473312"
    customer = Customer.model_validate(
        {
            "id": 1,
            "email": "name@example.com",
            "addresses": [
                {
                    "id": 1,
                    "first_name": "Name",
                    "last_name": "Surname",
                    "company": "Company",
                    "address1": "Address",
                    "address2": "2",
                    "city": "Edinburgh",
                    "postal_code": "EH1 1ST",
                    "country_code": "GB",
                    "phone": "074743473312",
                }
            ],
        }
    )
    # Then no profile phone is made of it (a UK mobile has 11 digits), in any store
    for region in STORE_REGIONS:
        assert customer_result(customer, region).to_body()["phones"] == []
