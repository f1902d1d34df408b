"""The demo store's international shoppers: the UK, India, Japan, Germany and Australia beside the US.

Each holds phones the way shoppers of its country type them, national and international, on the
account, in the address book and on orders' billing and shipping addresses, and pays in its
country's currency. BigCommerce stores each phone as typed: a free-text string of at most 50
characters, no format (customers.v3 `phone`, orders.v2 address `phone`), beside the address's
country (`country_code` on v3 customer addresses, `country_iso2` on v2 order addresses; the store's
own `country_code` on `/v2/store`), so the same digits mean different numbers in different
countries. The Indian numbers are those of a public BigCommerce integration's examples (appse-ai
docs: an account phone `8987656787` beside an address in IN, and an order billed in IN with
`07439250893`, trunk 0 included). The store itself is in the US (`StoreInfo`): a national Indian
number read as a US one would be `+1 898...`, which the adaptor must never show.

Well-known shoppers (`WORLD_SHOPPERS`; tests find them by email: their ids follow the US demo's):

* `PRIYA` (India, INR): account `8987656787`, address book `9898712123` and `+91 98450 12345`,
  billed `07439250893`, shipped to `+91-98450-12345`.
* `OLIVER` (UK, GBP): account `07400 123456`, an office line `+44 20 7946 0321` on a commercial
  address, billed `020 7946 0321`, shipped to `+447400123456`.
* `HARUTO` (Japan, JPY): account `+81 90-1234-5678`, address `03-1234-5678`, billed
  `090-1234-5678`, shipped to `0312345678`.
* `LENA` (Germany, EUR): account `0151 23456789`, address `+49 30 1234567`, billed `030/1234567`,
  shipped to `+49 (0)151 23456789`.
* `JACK` (Australia, AUD): account `+61 412 345 678`, address `(02) 9876 5432`, billed
  `0412 345 678`, shipped to `0298765432`.
* `CHLOE` (Australia): no account phone and none in her address book; her phones are only on her
  orders' billing addresses (`0491 570 156`, `+61 491 570 157`).
* `RAVI` (India): account phone `9876543210` and no address book: nothing places the number in a
  country but the store's (US), where it is no number, so it is never shown; his orders are billed
  in India with `+91 98765 43210`.
* `YUKI` (Japan): a guest, no account; billed `080-9876-5432`, `+81 80 9876 5432` (the same
  mobile) and, on her newest order, the fixed line `+81 3-1234-9876`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from devtools.sandbox.records import PaymentProvider
from devtools.sandbox.store import EXCHANGE_RATES, SandboxStore

# After the US demo's orders (November 2024 to March 2025): these are the store's newest.
START = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
CARD = PaymentProvider("braintree", "Braintree (Credit Card)")

# VAT or GST included in the prices of each currency, and a flat shipping cost in it.
TAX_RATES = {
    "GBP": Decimal("0.20"),
    "EUR": Decimal("0.19"),
    "INR": Decimal("0.18"),
    "JPY": Decimal("0.10"),
    "AUD": Decimal("0.10"),
}
SHIPPING_COSTS = {"GBP": "4.99", "EUR": "5.90", "INR": "99", "JPY": "800", "AUD": "9.95"}
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY"})


@dataclass(frozen=True)
class Place:
    country: str  # ISO 3166-1 alpha-2
    street: str
    city: str
    state: str
    postal_code: str
    phone: str = ""  # the address book's phone of this place
    commercial: bool = False


@dataclass(frozen=True)
class WorldOrder:
    lines: tuple[tuple[int, int], ...]  # (catalog product id, quantity)
    billing_phone: str
    shipping_phone: str
    status_id: int  # 11 Awaiting Fulfillment, 2 Shipped (with a shipment)
    tracking: str = ""  # shipped with this tracking number when set


@dataclass(frozen=True)
class WorldShopper:
    first_name: str
    last_name: str
    email: str
    currency: str
    account_phone: str  # "" for none
    places: tuple[Place, ...]  # the address book; the first is where orders are billed and shipped
    orders: tuple[WorldOrder, ...]
    numbers: tuple[str, ...]  # every number the shopper's phones are, in E.164 (written by hand)
    registered: bool = True
    billing_place: Place | None = None  # where orders are billed when the address book is empty

    @property
    def home(self) -> Place:
        place = self.places[0] if self.places else self.billing_place
        assert place is not None, "a shopper needs a place to bill orders to"
        return place

    @property
    def stored_phones(self) -> tuple[str, ...]:
        """Every phone text the store holds for the shopper, as typed."""
        texts = [self.account_phone, *(place.phone for place in self.places)]
        texts += [text for order in self.orders for text in (order.billing_phone, order.shipping_phone)]
        return tuple(text for text in texts if text)


HYDERABAD = Place("IN", "Trench Colony", "Hyderabad", "Telangana", "500038", "9898712123")
BENGALURU = Place("IN", "12 MG Road", "Bengaluru", "Karnataka", "560001", "+91 98450 12345")
KOLKATA = Place("IN", "DLF Galleria New Town", "Kolkata", "West Bengal", "700156")
LONDON = Place("GB", "1 Poultry", "London", "", "EC2R 8EJ", "+44 20 7946 0321", commercial=True)
TOKYO = Place("JP", "1-1 Marunouchi", "Chiyoda-ku", "Tokyo", "100-0005", "03-1234-5678")
BERLIN = Place("DE", "Friedrichstrasse 43", "Berlin", "", "10117", "+49 30 1234567")
SYDNEY = Place("AU", "1 Macquarie Street", "Sydney", "NSW", "2000", "(02) 9876 5432")
MELBOURNE = Place("AU", "20 Collins Street", "Melbourne", "VIC", "3000")
OSAKA = Place("JP", "2-2 Umeda", "Kita-ku", "Osaka", "530-0001")

PRIYA = WorldShopper(
    "Priya",
    "Sharma",
    "priya.sharma@example.com",
    "INR",
    "8987656787",
    (HYDERABAD, BENGALURU),
    (
        WorldOrder(((103, 1),), "07439250893", "+91-98450-12345", 2, tracking="EE123456785IN"),
        WorldOrder(((108, 2),), "07439250893", "+91-98450-12345", 11),
    ),
    ("+918987656787", "+919898712123", "+919845012345", "+917439250893"),
)
OLIVER = WorldShopper(
    "Oliver",
    "Bennett",
    "oliver.bennett@example.com",
    "GBP",
    "07400 123456",
    (LONDON,),
    (WorldOrder(((101, 1), (107, 1)), "020 7946 0321", "+447400123456", 2, tracking="RM987654321GB"),),
    ("+447400123456", "+442079460321"),
)
HARUTO = WorldShopper(
    "Haruto",
    "Sato",
    "haruto.sato@example.com",
    "JPY",
    "+81 90-1234-5678",
    (TOKYO,),
    (
        WorldOrder(((103, 1),), "090-1234-5678", "0312345678", 2, tracking="123456789012"),
        WorldOrder(((104, 1),), "090-1234-5678", "0312345678", 11),
    ),
    ("+819012345678", "+81312345678"),
)
LENA = WorldShopper(
    "Lena",
    "Mueller",
    "lena.mueller@example.com",
    "EUR",
    "0151 23456789",
    (BERLIN,),
    (WorldOrder(((105, 1),), "030/1234567", "+49 (0)151 23456789", 11),),
    ("+4915123456789", "+49301234567"),
)
JACK = WorldShopper(
    "Jack",
    "Wilson",
    "jack.wilson@example.com",
    "AUD",
    "+61 412 345 678",
    (SYDNEY,),
    (WorldOrder(((106, 1),), "0412 345 678", "0298765432", 2, tracking="AP1234567890"),),
    ("+61412345678", "+61298765432"),
)
CHLOE = WorldShopper(
    "Chloe",
    "Nguyen",
    "chloe.nguyen@example.com",
    "AUD",
    "",
    (MELBOURNE,),
    (
        WorldOrder(((109, 1),), "0491 570 156", "", 11),
        WorldOrder(((110, 1),), "+61 491 570 157", "", 11),
    ),
    ("+61491570156", "+61491570157"),
)
RAVI = WorldShopper(
    "Ravi",
    "Kumar",
    "ravi.kumar@example.com",
    "INR",
    "9876543210",
    (),
    (WorldOrder(((102, 1),), "+91 98765 43210", "", 11),),
    ("+919876543210",),
    billing_place=KOLKATA,
)
YUKI = WorldShopper(
    "Yuki",
    "Tanaka",
    "yuki.tanaka@example.com",
    "JPY",
    "",
    (),
    (
        WorldOrder(((108, 1),), "080-9876-5432", "", 11),
        WorldOrder(((101, 1),), "+81 80 9876 5432", "", 11),
        WorldOrder(((107, 1),), "+81 3-1234-9876", "", 11),
    ),
    ("+818098765432", "+81312349876"),
    registered=False,
    billing_place=OSAKA,
)

WORLD_SHOPPERS = (PRIYA, OLIVER, HARUTO, LENA, JACK, CHLOE, RAVI, YUKI)
WORLD_CUSTOMER_COUNT = sum(1 for shopper in WORLD_SHOPPERS if shopper.registered)


def populate(store: SandboxStore) -> None:
    """Add the international shoppers and their orders (after the US demo, whose ids stay as they are)."""
    day = 0
    for shopper in WORLD_SHOPPERS:
        customer_id = _customer(store, shopper, day) if shopper.registered else 0
        for order in shopper.orders:
            day += 1
            _order(store, shopper, order, customer_id, day)


def _customer(store: SandboxStore, shopper: WorldShopper, day: int) -> int:
    addresses = [
        {
            "first_name": shopper.first_name,
            "last_name": shopper.last_name,
            "address1": place.street,
            "city": place.city,
            "state_or_province": place.state,
            "postal_code": place.postal_code,
            "country_code": place.country,
            "phone": place.phone,
            "address_type": "commercial" if place.commercial else "residential",
        }
        for place in shopper.places
    ]
    customer = store.add_customer(
        date_created=START + timedelta(days=day),
        email=shopper.email,
        first_name=shopper.first_name,
        last_name=shopper.last_name,
        phone=shopper.account_phone,
        addresses=addresses,
    )
    return customer.id


def _address(shopper: WorldShopper, phone: str) -> dict[str, str]:
    place = shopper.home
    return {
        "first_name": shopper.first_name,
        "last_name": shopper.last_name,
        "street_1": place.street,
        "city": place.city,
        "state": place.state,
        "zip": place.postal_code,
        "country_iso2": place.country,
        "phone": phone,
        "email": shopper.email,
    }


def _price(amount: Decimal, currency: str) -> Decimal:
    step = Decimal(1) if currency in ZERO_DECIMAL_CURRENCIES else Decimal("0.01")
    return amount.quantize(step, rounding=ROUND_HALF_UP)


def _order(store: SandboxStore, shopper: WorldShopper, order: WorldOrder, customer_id: int, day: int) -> None:
    """A storefront order billed and shipped in the shopper's country, prices in its currency with
    VAT or GST included; shipped (with tracking) when `order.tracking` is set."""
    currency, created = shopper.currency, START + timedelta(days=day, hours=day % 9)
    rate, tax = EXCHANGE_RATES[currency], TAX_RATES[currency]
    products = []
    for product_id, quantity in order.lines:
        price = _price(store.catalog[product_id].price * rate, currency)
        products.append(
            {
                "product_id": product_id,
                "quantity": quantity,
                "price_inc_tax": price,
                "price_ex_tax": _price(price / (1 + tax), currency),
            }
        )
    shipping_cost = Decimal(SHIPPING_COSTS[currency])
    placed = store.add_order(
        customer_id=customer_id,
        status_id=11,
        billing_address=_address(shopper, order.billing_phone),
        shipping_addresses=[{**_address(shopper, order.shipping_phone), "shipping_method": "Standard"}],
        products=products,
        shipping_cost_ex_tax=shipping_cost,
        shipping_cost_inc_tax=shipping_cost,
        default_currency_code=currency,
        payment_method="Credit Card",
        date_created=created,
        payment_provider=CARD,
        tax_inclusive=True,
    )
    placed.order_source, placed.staff_notes, placed.customer_message, placed.cart_id = "www", "", "", ""
    if order.tracking:
        store.add_shipment(
            placed.id,
            tracking_number=order.tracking,
            shipping_method="International",
            date_created=created + timedelta(days=2),
        )
    placed.status_id = order.status_id
    placed.payment_status = "captured"
    placed.date_modified = created + timedelta(days=3)
