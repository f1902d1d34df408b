"""BigCommerceClient against the sandbox over real HTTP: every method, money and dates exactly."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from devtools.sandbox.admin_client import (
    CustomerAddressCreate,
    CustomerCreate,
    OrderAddressCreate,
    OrderCreate,
    OrderProductCreate,
    OrderShippingAddressCreate,
    ShipmentCreate,
    ShipmentItemCreate,
    StoreAdminClient,
    StoreCreditCreate,
)
from devtools.sandbox.records import PaymentProvider
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Unauthorized,
    ValidationFailed,
)
from gladly_bigcommerce.bigcommerce.http import RequestRecord, RetryPolicy
from gladly_bigcommerce.bigcommerce.models import (
    CartValueAction,
    Customer,
    FixedDiscount,
    Order,
    PromotionAction,
    PromotionCreate,
    PromotionRule,
    RefundItem,
    RefundPayment,
)
from gladly_bigcommerce.bigcommerce.values import format_rfc2822

pytestmark = pytest.mark.sandbox

TOKEN = "sandbox-token"
EMAIL = "jane.client-test@example.org"
PHONE = "(415) 555-0199"


@pytest.fixture
def records() -> list[RequestRecord]:
    return []


@pytest.fixture
def client(bc_sandbox: Any, records: list[RequestRecord]) -> Iterator[BigCommerceClient]:
    with StoreAdminClient(
        bc_sandbox.store_hash,
        TOKEN,
        client_id="client-id-for-tests",
        api_base=bc_sandbox.url,
        connect_timeout=0.5,
        read_timeout=2.0,
        retry=RetryPolicy(backoff_base=0.02, backoff_cap=0.1),
        on_request=records.append,
    ) as bigcommerce:
        yield bigcommerce


def new_customer(client: BigCommerceClient, email: str = EMAIL, phone: str = PHONE) -> Customer:
    created = client.create_customers(
        [
            CustomerCreate(
                email=email,
                first_name="Jane",
                last_name="Tester",
                phone=phone,
                company="Acme",
                addresses=[
                    CustomerAddressCreate(
                        first_name="Jane",
                        last_name="Tester",
                        address1="1 Main St",
                        city="Austin",
                        state_or_province="Texas",
                        postal_code="78701",
                        country_code="US",
                    )
                ],
                store_credit_amounts=[StoreCreditCreate(amount=Decimal("12.50"))],
            )
        ]
    )
    assert len(created) == 1
    return created[0]


def new_order(
    client: BigCommerceClient,
    *,
    customer_id: int = 0,
    email: str = EMAIL,
    status_id: int = 11,
    date_created: datetime | None = None,
) -> Order:
    address = {
        "first_name": "Jane",
        "last_name": "Tester",
        "street_1": "1 Main St",
        "city": "Austin",
        "state": "Texas",
        "zip": "78701",
        "country": "United States",
        "country_iso2": "US",
        "email": email,
    }
    shipping = [OrderShippingAddressCreate(**address, shipping_method="Flat Rate")]
    return client.create_order(
        OrderCreate(
            customer_id=customer_id,
            status_id=status_id,
            billing_address=OrderAddressCreate(**address),
            shipping_addresses=shipping,
            products=[
                OrderProductCreate(
                    name="Mug",
                    sku="MUG-1",
                    quantity=2,
                    price_inc_tax=Decimal("12.50"),
                    price_ex_tax=Decimal("11.25"),
                ),
                OrderProductCreate(
                    name="Tee",
                    sku="TEE-1",
                    quantity=1,
                    price_inc_tax=Decimal("0.10"),
                    price_ex_tax=Decimal("0.10"),
                ),
            ],
            shipping_cost_ex_tax=Decimal("5.0000"),
            shipping_cost_inc_tax=Decimal("5.2000"),
            date_created=date_created,
        )
    )


# --- store ----------------------------------------------------------------------------------------


def test_get_store_reads_currency_and_domain(client: BigCommerceClient, records: list[RequestRecord]) -> None:
    store = client.get_store()
    assert store.currency
    assert store.domain
    assert store.secure_url.startswith("http")
    assert records == [RequestRecord("GET", "/v2/store", 200, records[0].elapsed, 1, None)]


def test_every_request_carries_the_auth_headers(client: BigCommerceClient, bc_sandbox: Any) -> None:
    client.get_store()
    headers = {name.lower(): value for name, value in bc_sandbox.requests[-1].headers.items()}
    assert headers["x-auth-token"] == TOKEN
    assert headers["x-auth-client"] == "client-id-for-tests"
    assert headers["accept"] == "application/json"


def test_one_client_serves_ten_threads_in_parallel(
    client: BigCommerceClient,
    bc_sandbox: Any,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a sandbox that holds every answer until ten requests are in it at the same time (a client
    # that sent them one after another would break the barrier: no answer), and one shared client
    all_in = threading.Barrier(10, timeout=3)
    pause = bc_sandbox.pause

    def latency_once_all_are_in(seconds: float) -> None:
        if seconds > 0:  # the latency pause; the answer's own delay is 0
            all_in.wait()
        pause(seconds)

    bc_sandbox.latency = 0.01
    monkeypatch.setattr(bc_sandbox, "pause", latency_once_all_are_in)
    deadline = Deadline.after(4.5)
    # When ten threads call it at once under one deadline
    with caplog.at_level(logging.WARNING), ThreadPoolExecutor(max_workers=10) as pool:
        stores = list(pool.map(lambda _: client.get_store(deadline=deadline), range(10)))
    # Then all ten were answered, having been in the sandbox together (in parallel), each sent once,
    # and the connection pool was big enough (urllib3 warns when it has to discard connections)
    assert len(stores) == 10
    assert not all_in.broken
    assert [r.status for r in bc_sandbox.requests.find("GET", r"^/v2/store$")] == [200] * 10
    assert not [r for r in caplog.records if "pool is full" in r.getMessage()]


# --- customers ------------------------------------------------------------------------------------


def test_created_customers_are_found_by_email_phone_and_id(client: BigCommerceClient) -> None:
    # Given a customer with an address and store credit
    created = new_customer(client)
    assert created.store_credit == Decimal("12.50")
    # When searched by email in another case, by the stored phone spelling, and by id
    by_email = client.search_customers(emails=[EMAIL.upper()])
    by_phone = client.search_customers(phones=[PHONE])
    by_id = client.search_customers(ids=[created.id])
    # Then each search finds the same record, with its addresses and exact store credit
    for found in (by_email, by_phone, by_id):
        assert [c.id for c in found] == [created.id]
    customer = by_email[0]
    assert customer.full_name == "Jane Tester"
    assert customer.addresses[0].city == "Austin"
    assert customer.store_credit == Decimal("12.50")
    assert customer.date_created is not None and customer.date_created.tzinfo is not None


def test_phone_search_is_exact_about_spelling(client: BigCommerceClient) -> None:
    new_customer(client)
    assert client.search_customers(phones=["415-555-0199"]) == []


def test_search_without_usable_filters_sends_nothing(client: BigCommerceClient, bc_sandbox: Any) -> None:
    # Given no filter, or only values that an `:in` filter cannot express
    # When searched
    # Then nothing is listed and BigCommerce is not called
    assert client.search_customers() == []
    assert client.search_customers(emails=["", "a,b@example.org"]) == []
    assert len(bc_sandbox.requests) == 0


def test_several_emails_are_one_in_filter(client: BigCommerceClient, bc_sandbox: Any) -> None:
    first = new_customer(client)
    second = new_customer(client, email="john.client-test@example.org", phone="+14155550198")
    found = client.search_customers(emails=[EMAIL, "john.client-test@example.org", "nobody@example.org"])
    assert sorted(c.id for c in found) == sorted([first.id, second.id])
    assert (
        bc_sandbox.requests[-1].query["email:in"]
        == f"{EMAIL},john.client-test@example.org,nobody@example.org"
    )
    assert bc_sandbox.requests[-1].query["include"] == "addresses,storecredit"
    assert bc_sandbox.requests[-1].query["limit"] == "50"


def test_get_customer(client: BigCommerceClient) -> None:
    created = new_customer(client)
    customer = client.get_customer(created.id)
    assert customer is not None
    assert customer.email == EMAIL
    assert client.get_customer(999_999) is None


def test_duplicate_customer_is_a_validation_failure_with_field_errors(client: BigCommerceClient) -> None:
    new_customer(client)
    with pytest.raises(ValidationFailed) as raised:
        new_customer(client)
    assert raised.value.status == 422
    assert raised.value.field_errors
    assert EMAIL not in str(raised.value)


# --- orders ---------------------------------------------------------------------------------------


def test_created_order_money_and_dates_round_trip_exactly(client: BigCommerceClient) -> None:
    # Given an order created at a known moment with cent-exact prices
    moment = datetime(2024, 2, 29, 23, 59, 58, tzinfo=UTC)
    created = new_order(client, date_created=moment)
    # When read back
    order = client.get_order(created.id)
    # Then money is exact to the cent and the date is the same instant, in v2's own spelling too
    lines = client.list_order_products(created.id)
    assert [(line.price_inc_tax, line.total_inc_tax) for line in lines] == [
        (Decimal("12.50"), Decimal("25.00")),
        (Decimal("0.10"), Decimal("0.10")),
    ]
    assert [address.cost_inc_tax for address in client.list_shipping_addresses(created.id)] == [
        Decimal("5.20")
    ]
    assert order.total_inc_tax == Decimal("30.30")
    assert str(order.total_inc_tax) == "30.3000"
    assert order.date_created == moment
    assert format_rfc2822(order.date_created) == "Thu, 29 Feb 2024 23:59:58 +0000"
    assert order.date_shipped is None
    assert order.is_guest
    assert order.billing_address is not None and order.billing_address.email == EMAIL


def test_order_includes_consignments_with_line_items(client: BigCommerceClient, bc_sandbox: Any) -> None:
    created = new_order(client)
    order = client.get_order(created.id)
    assert order.consignments is not None
    assert len(order.consignments.shipping) == 1
    first = order.consignments.shipping[0]
    assert first.shipping_method == "Flat Rate"
    assert {item.name for item in first.line_items} == {"Mug", "Tee"}
    assert first.cost_inc_tax == Decimal("5.20")
    assert bc_sandbox.requests[-1].query == {
        "include": "consignments.line_items",
        "consignment_structure": "object",
    }


def test_order_without_consignments_when_not_asked(client: BigCommerceClient) -> None:
    created = new_order(client)
    assert client.get_order(created.id, include_consignments=False).consignments is None


def test_missing_order_is_not_found(client: BigCommerceClient) -> None:
    with pytest.raises(NotFound) as raised:
        client.get_order(987_654)
    assert raised.value.status == 404
    assert raised.value.upstream_message


def test_list_orders_by_customer_and_by_email_newest_first(client: BigCommerceClient) -> None:
    # Given a customer with two orders and a guest order under the same email
    customer = new_customer(client)
    older = new_order(client, customer_id=customer.id, date_created=datetime(2023, 1, 1, tzinfo=UTC))
    newer = new_order(client, customer_id=customer.id, date_created=datetime(2024, 1, 1, tzinfo=UTC))
    guest = new_order(client, date_created=datetime(2023, 6, 1, tzinfo=UTC))
    # When listed by customer id and by email
    by_customer = client.list_orders(customer_id=customer.id)
    by_email = client.list_orders(email=EMAIL.upper(), include_consignments=False)
    # Then the customer's orders come newest first, and the email also finds the guest order
    assert [o.id for o in by_customer] == [newer.id, older.id]
    assert [o.id for o in by_email] == [newer.id, guest.id, older.id]
    assert by_customer[0].consignments is not None


def test_an_empty_v2_list_is_204_and_reads_as_empty(client: BigCommerceClient, bc_sandbox: Any) -> None:
    assert client.list_orders(email="nobody-at-all@example.org") == []
    assert bc_sandbox.requests[-1].status == 204


def test_pages_are_followed_up_to_the_cap(bc_sandbox: Any, client: BigCommerceClient) -> None:
    # Given five orders of one guest
    ids = [new_order(client, email="pages@example.org").id for _ in range(5)]
    # When iterated two per page
    every = list(client.iter_orders(email="pages@example.org", sort="id:asc", page_size=2))
    # Then all five come back over three pages, the last one short
    assert [o.id for o in every] == ids
    pages = [r.query["page"] for r in bc_sandbox.requests.find("GET", r"^/v2/orders$")]
    assert pages == ["1", "2", "3"]
    # And a client capped at two pages stops there
    with StoreAdminClient(bc_sandbox.store_hash, TOKEN, api_base=bc_sandbox.url, max_page_cap=2) as capped:
        assert len(list(capped.iter_orders(email="pages@example.org", page_size=2))) == 4


def test_a_page_exactly_full_then_204_ends_the_iteration(client: BigCommerceClient, bc_sandbox: Any) -> None:
    for _ in range(2):
        new_order(client, email="full@example.org")
    assert len(list(client.iter_orders(email="full@example.org", page_size=2))) == 2
    statuses = [r.status for r in bc_sandbox.requests.find("GET", r"^/v2/orders$")]
    assert statuses == [200, 204]


def test_order_products_addresses_and_shipments(client: BigCommerceClient) -> None:
    # Given an order
    order = new_order(client)
    products = client.list_order_products(order.id)
    addresses = client.list_shipping_addresses(order.id)
    # Then its products are exact, and it has one shipping address and no shipment yet (204)
    mug = next(p for p in products if p.sku == "MUG-1")
    assert (mug.quantity, mug.price_inc_tax, mug.total_inc_tax) == (2, Decimal("12.50"), Decimal("25.00"))
    assert mug.quantity_shipped == 0
    assert [a.zip for a in addresses] == ["78701"]
    assert addresses[0].cost_inc_tax == Decimal("5.20")
    assert client.list_shipments(order.id) == []
    # When the mugs ship
    shipment = client.create_shipment(
        order.id,
        ShipmentCreate(
            order_address_id=addresses[0].id,
            items=[ShipmentItemCreate(order_product_id=mug.id, quantity=2)],
            tracking_number="1Z999AA10123456784",
            tracking_carrier="ups",
            shipping_provider="ups",
        ),
    )
    # Then the shipment lists them with tracking, and the product shows them shipped
    shipments = client.list_shipments(order.id)
    assert [s.id for s in shipments] == [shipment.id]
    assert shipments[0].tracking_number == "1Z999AA10123456784"
    assert shipments[0].items[0].order_product_id == mug.id
    assert shipments[0].date_created is not None
    assert next(p for p in client.list_order_products(order.id) if p.id == mug.id).quantity_shipped == 2
    assert client.get_order(order.id).status_id == 3  # Partially Shipped


def test_order_statuses_include_cancelled(client: BigCommerceClient) -> None:
    statuses = {status.id: status for status in client.list_order_statuses()}
    assert statuses[5].system_label or statuses[5].name
    assert set(range(15)) <= set(statuses)


def test_update_order_status_sends_exactly_the_status(client: BigCommerceClient, bc_sandbox: Any) -> None:
    order = new_order(client)
    updated = client.update_order_status(order.id, 5)
    assert updated.status_id == 5
    put = bc_sandbox.requests.find("PUT", r"^/v2/orders/\d+$")
    assert [r.json for r in put] == [{"status_id": 5}]
    assert client.get_order(order.id).status_id == 5


# --- refunds --------------------------------------------------------------------------------------


def test_quote_then_refund_then_list(client: BigCommerceClient, bc_sandbox: Any) -> None:
    # Given a paid order
    order = new_order(client)
    mug = next(p for p in client.list_order_products(order.id) if p.sku == "MUG-1")
    address = client.list_shipping_addresses(order.id)[0]
    items = [
        RefundItem(item_type="PRODUCT", item_id=mug.id, quantity=1),
        RefundItem(item_type="SHIPPING", item_id=address.id, amount=Decimal("0.10")),
    ]
    # When quoted
    quote = client.create_refund_quote(order.id, items)
    # Then the quote is exact and offers a way to pay it back
    assert quote.total_refund_amount == Decimal("12.60")
    assert quote.refund_methods
    method = quote.refund_methods[0]
    assert sum((p.amount for p in method), Decimal(0)) == quote.total_refund_amount
    # When refunded through that method with a reason
    payments = [RefundPayment(provider_id=p.provider_id, amount=p.amount, offline=p.offline) for p in method]
    refund = client.create_refund(order.id, items, payments, reason="Arrived broken")
    # Then the refund is recorded exactly, and listed on the order
    assert refund.order_id == order.id
    assert refund.total_amount == Decimal("12.60")
    assert [p.amount for p in refund.payments] == [p.amount for p in payments]
    assert not any(p.is_declined for p in refund.payments)
    assert [r.id for r in client.list_refunds(order.id)] == [refund.id]
    # And the money went over the wire as exact JSON numbers, the reason on each item
    sent = bc_sandbox.requests.find("POST", r"/payment_actions/refunds$")[0]
    assert b'"amount":0.10' in sent.body
    assert all(item["reason"] == "Arrived broken" for item in sent.json["items"])


def test_declined_refund_payment_is_reported(client: BigCommerceClient, bc_sandbox: Any) -> None:
    # Given an order paid online whose provider declines refunds
    order = bc_sandbox.store.add_order(
        billing_address={"first_name": "Jane", "zip": "78701", "email": EMAIL},
        products=[
            {"name": "Mug", "quantity": 1, "price_inc_tax": Decimal("8.00"), "price_ex_tax": Decimal("8.00")}
        ],
        status_id=11,
        payment_provider=PaymentProvider("braintree", "Braintree (Credit Card)"),
        decline_refunds=True,
    )
    items = [RefundItem(item_type="ORDER", item_id=order.id, amount=Decimal("1.00"))]
    quote = client.create_refund_quote(order.id, items)
    online = next(method for method in quote.refund_methods if not any(p.offline for p in method))
    # When refunded through the online provider
    payments = [RefundPayment(provider_id=p.provider_id, amount=p.amount) for p in online]
    refund = client.create_refund(order.id, items, payments)
    # Then the POST answers the payment scheduled, and the decline shows in the order's refunds after
    # (orders.v3 createOrderRefund: "the payment request itself occurs asynchronously")
    assert [(p.provider_id, p.is_declined) for p in refund.payments] == [("braintree", False)]
    (listed,) = client.list_refunds(order.id)
    assert listed.id == refund.id and listed.payments[0].is_declined
    assert listed.payments[0].declined_message


def test_over_refund_is_a_validation_failure_with_bigcommerce_wording(client: BigCommerceClient) -> None:
    order = new_order(client)
    items = [RefundItem(item_type="ORDER", item_id=order.id, amount=Decimal("999.00"))]
    # The quote caps it (negative adjustment); the refund itself is refused
    quote = client.create_refund_quote(order.id, items)
    assert quote.adjustment == quote.total_refund_amount - Decimal("999.00")
    payments = [RefundPayment(provider_id="custom", amount=Decimal("999.00"), offline=True)]
    with pytest.raises(ValidationFailed) as raised:
        client.create_refund(order.id, items, payments)
    assert raised.value.status == 422
    assert raised.value.upstream_message is not None
    assert "greater than remaining" in raised.value.upstream_message


def test_refund_without_items_or_payments_is_refused_before_sending(
    client: BigCommerceClient, bc_sandbox: Any
) -> None:
    with pytest.raises(ValueError):
        client.create_refund_quote(100, [])
    with pytest.raises(ValueError):
        client.create_refund(100, [RefundItem(item_type="ORDER", item_id=100, amount=Decimal(1))], [])
    assert len(bc_sandbox.requests) == 0


def test_list_refunds_of_an_order_without_refunds(client: BigCommerceClient) -> None:
    assert client.list_refunds(new_order(client).id) == []


# --- promotions -----------------------------------------------------------------------------------


def ten_off() -> PromotionCreate:
    return PromotionCreate(
        name="Sorry: $10 off",
        rules=[
            PromotionRule(
                action=PromotionAction(
                    cart_value=CartValueAction(discount=FixedDiscount(fixed_amount=Decimal("10.00")))
                )
            )
        ],
        max_uses=1,
    )


def test_promotion_and_codes(client: BigCommerceClient, bc_sandbox: Any) -> None:
    # Given a coupon promotion
    promotion = client.create_promotion(ten_off())
    assert promotion.redemption_type == "COUPON"
    sent = bc_sandbox.requests.find("POST", r"^/v3/promotions$")[0]
    assert sent.json["rules"][0]["action"]["cart_value"]["discount"]["fixed_amount"] == "10.00"
    # When a code is added
    code = client.create_promotion_code(promotion.id, "SORRY-JANE-7", max_uses=1, max_uses_per_customer=1)
    # Then it is listed on the promotion and found store-wide, ignoring case
    assert (code.code, code.max_uses, code.max_uses_per_customer) == ("SORRY-JANE-7", 1, 1)
    assert [c.id for c in client.list_promotion_codes(promotion.id)] == [code.id]
    found = client.find_promotion_code("sorry-jane-7")
    assert found is not None and found.id == code.id
    assert client.find_promotion_code("NO-SUCH-CODE") is None
    # And the same code again is a conflict (BigCommerce answers 422 for a duplicate code)
    with pytest.raises(Conflict) as raised:
        client.create_promotion_code(promotion.id, "sorry-jane-7")
    assert raised.value.status == 422


@pytest.mark.parametrize("status", [422, 409])
def test_a_duplicate_code_is_a_conflict_whether_422_or_409(
    client: BigCommerceClient, bc_sandbox: Any, status: int
) -> None:
    # Given a store that answers a duplicate code with 422 (what BigCommerce sends) or 409
    bc_sandbox.store.duplicate_code_status = status
    promotion = client.create_promotion(ten_off())
    client.create_promotion_code(promotion.id, "TAKEN-1")
    # When the same code is sent again Then the client raises Conflict: nothing was made
    with pytest.raises(Conflict) as raised:
        client.create_promotion_code(promotion.id, "taken-1")
    assert raised.value.status == status
    assert [c.code for c in client.list_promotion_codes(promotion.id)] == ["TAKEN-1"]


def test_promotion_code_of_a_missing_promotion_is_not_found(client: BigCommerceClient) -> None:
    with pytest.raises(NotFound):
        client.create_promotion_code(424_242, "NOPE-1")


# --- catalog --------------------------------------------------------------------------------------

THUMBNAIL = "https://cdn11.bigcommerce.com/s-sandbox/images/stencil/100x100/products/{id}/{name}.jpg"


def test_product_images_of_several_products_are_one_call(client: BigCommerceClient, bc_sandbox: Any) -> None:
    # Given catalog products 102 and 108 with images, 120 without one, and no product 999
    bc_sandbox.store.add_catalog_product(
        product_id=120, name="Gift card", sku="GIFT", price=Decimal("25.00"), image_url=""
    )
    # When their images are asked for (duplicates and the custom-product id 0 included)
    images = client.get_product_images([108, 102, 120, 999, 102, 0])
    # Then the products with an image map to its thumbnail, the others are left out
    assert images == {
        102: THUMBNAIL.format(id=102, name="otl"),
        108: THUMBNAIL.format(id=108, name="sllpj"),
    }
    # And it took one call asking for each id once, with the primary image through `include` (the
    # documented parameter for sub-resources; `include_fields` takes product fields only)
    (sent,) = bc_sandbox.requests.snapshot()
    assert sent.api_path == "/v3/catalog/products"
    assert sent.query == {"id:in": "102,108,120,999", "include": "primary_image", "limit": "4"}


def test_product_images_of_more_ids_than_a_page_holds_are_asked_for_page_by_page(
    client: BigCommerceClient, bc_sandbox: Any
) -> None:
    images = client.get_product_images(range(1, 301))
    assert sorted(images) == [*range(101, 111), *range(201, 205)]  # the demo's and Olivia's (seed_orders)
    assert [record.query["limit"] for record in bc_sandbox.requests.snapshot()] == ["250", "50"]


def test_no_product_ids_send_nothing(client: BigCommerceClient, bc_sandbox: Any) -> None:
    assert client.get_product_images([]) == {}
    assert client.get_product_images([0]) == {}
    assert len(bc_sandbox.requests) == 0


def test_product_images_without_the_products_scope_are_forbidden(bc_sandbox: Any) -> None:
    bc_sandbox.add_token("orders-only", ["store_v2_orders_read_only"])
    limited = BigCommerceClient(bc_sandbox.store_hash, "orders-only", api_base=bc_sandbox.url)
    with limited, pytest.raises(Forbidden) as raised:
        limited.get_product_images([102])
    assert raised.value.missing_scope is not None
    assert "store_v2_products_read_only" in raised.value.missing_scope


# --- customer groups ------------------------------------------------------------------------------


def test_customer_groups_are_read_with_their_names(
    client: BigCommerceClient, records: list[RequestRecord], bc_sandbox: Any
) -> None:
    # Given the demo store's three groups When they are listed
    groups = client.list_customer_groups()
    # Then each comes with its id and name, in id order, from one full-size v2 page
    assert [(group.id, group.name) for group in groups] == [(1, "Retail"), (2, "VIP"), (3, "Wholesale")]
    assert [(r.path, r.status) for r in records] == [("/v2/customer_groups", 200)]
    assert bc_sandbox.requests[0].query == {"page": "1", "limit": "250"}


def test_more_customer_groups_than_a_page_holds_are_read_page_by_page(
    client: BigCommerceClient, bc_sandbox: Any
) -> None:
    # Given 251 groups
    for group_id in range(4, 252):
        bc_sandbox.store.add_customer_group(group_id=group_id, name=f"Group {group_id}")
    # When they are listed, Then all come back, over two pages
    groups = client.list_customer_groups()
    assert [group.id for group in groups] == list(range(1, 252))
    assert [r.query["page"] for r in bc_sandbox.requests.snapshot()] == ["1", "2"]


def test_a_store_without_customer_groups_answers_204_read_as_none(
    client: BigCommerceClient, bc_sandbox: Any
) -> None:
    bc_sandbox.store.customer_groups.clear()
    assert client.list_customer_groups() == []
    assert [r.status for r in bc_sandbox.requests.snapshot()] == [204]


def test_customer_groups_without_the_customers_scope_are_forbidden(bc_sandbox: Any) -> None:
    bc_sandbox.add_token("orders-only", ["store_v2_orders_read_only"])
    limited = BigCommerceClient(bc_sandbox.store_hash, "orders-only", api_base=bc_sandbox.url)
    with limited, pytest.raises(Forbidden) as raised:
        limited.list_customer_groups()
    assert raised.value.missing_scope is not None
    assert "store_v2_customers_read_only" in raised.value.missing_scope


# --- auth -----------------------------------------------------------------------------------------


def test_wrong_token_is_unauthorized(bc_sandbox: Any) -> None:
    wrong = BigCommerceClient(bc_sandbox.store_hash, "not-the-token", api_base=bc_sandbox.url)
    with wrong, bc_sandbox.off_contract(), pytest.raises(Unauthorized) as raised:
        wrong.get_store()
    assert raised.value.status == 401
    assert "not-the-token" not in str(raised.value)
    assert "not-the-token" not in repr(wrong)


def test_missing_scope_is_forbidden_and_named(bc_sandbox: Any) -> None:
    bc_sandbox.add_token("customers-only", ["store_v2_customers_read_only"])
    limited = BigCommerceClient(bc_sandbox.store_hash, "customers-only", api_base=bc_sandbox.url)
    with limited, pytest.raises(Forbidden) as raised:
        limited.list_orders()
    assert raised.value.status == 403
    assert raised.value.missing_scope is not None
    assert "store_v2_orders" in raised.value.missing_scope


@pytest.mark.parametrize(
    ("call", "scope"),
    [
        (
            lambda c: c.create_refund(
                100,
                [RefundItem(item_type="ORDER", item_id=100, amount=Decimal(1))],
                [RefundPayment(provider_id="custom", amount=Decimal(1), offline=True)],
            ),
            "Order Transactions modify (store_v2_transactions) or Orders modify (store_v2_orders)",
        ),
        (lambda c: c.create_promotion(ten_off()), "Marketing modify (store_v2_marketing)"),
        (lambda c: c.search_customers(emails=[EMAIL]), "Customers read-only (store_v2_customers_read_only)"),
        (lambda c: c.get_store(), "Information & settings read-only (store_v2_information_read_only)"),
    ],
    ids=["refund", "promotion", "customers", "store"],
)
def test_a_403_that_names_no_scope_is_given_the_scope_of_the_endpoint_called(
    bc_sandbox: Any, call: Any, scope: str
) -> None:
    # Given a token with no scope at all, and BigCommerce's 403, which never says which scope is missing
    bc_sandbox.add_token("no-scopes", [])
    limited = BigCommerceClient(bc_sandbox.store_hash, "no-scopes", api_base=bc_sandbox.url)
    # When the client calls an endpoint
    with limited, pytest.raises(Forbidden) as raised:
        call(limited)
    # Then the 403 was unnamed, and the error names the scope the endpoint needs, for the admin hint
    assert "store_v2" not in bc_sandbox.requests[0].response_body.decode()
    assert raised.value.missing_scope == scope


def test_the_store_hash_is_normalised(bc_sandbox: Any) -> None:
    pasted = f"https://api.bigcommerce.com/stores/{bc_sandbox.store_hash}/v3/"
    with BigCommerceClient(pasted, TOKEN, api_base=bc_sandbox.url) as client:
        assert client.store_hash == bc_sandbox.store_hash
        assert client.get_store().currency
