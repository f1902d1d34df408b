"""The sandbox store: every record of one fake BigCommerce store, behind one lock.

The HTTP routes and the test helpers (`add_customer`, `add_order`, `add_shipment`, ...) go through
the same methods, so a record made by a test is exactly what `POST` would have made. Business rules
that BigCommerce enforces on writes (a unique email per channel, an order's channel enabled, shipping
no more than was ordered, unique coupon codes) live here and raise `ApiError`; the routes decide the
error body's shape. The store's state is `store_base.StoreState`; customers (`store_customers`),
channels (`store_channels`) and promotions (`store_promotions`) have modules of their own, orders and
shipments are here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

from devtools.sandbox import geography
from devtools.sandbox.errors import ApiError
from devtools.sandbox.formats import utc_now
from devtools.sandbox.inputs import (
    AddressIn,
    OrderCreateIn,
    OrderUpdateIn,
    ShipmentCreateIn,
    ShippingAddressUpdateIn,
)
from devtools.sandbox.records import (
    ORDER_STATUSES,
    STATUS_PARTIALLY_SHIPPED,
    STATUS_SHIPPED,
    ZERO,
    Address,
    CatalogProduct,
    CustomerGroup,
    Order,
    OrderAddress,
    OrderProduct,
    PaymentProvider,
    Shipment,
    ShipmentItem,
)
from devtools.sandbox.store_channels import ChannelRecords
from devtools.sandbox.store_customers import CustomerRecords
from devtools.sandbox.store_promotions import PromotionRecords

CURRENCY_IDS = {"USD": 1, "EUR": 2, "GBP": 3, "JPY": 4, "INR": 5, "AUD": 6}
# Units of each currency per US dollar; a store's `store_default_to_transactional_exchange_rate` is
# the order's currency per unit of the store's default currency.
EXCHANGE_RATES = {
    "USD": Decimal("1"),
    "EUR": Decimal("0.92"),
    "GBP": Decimal("0.79"),
    "JPY": Decimal("150"),
    "INR": Decimal("83"),
    "AUD": Decimal("1.5"),
}
UNPAID_STATUSES = frozenset({0, 1, 6, 7})


class SandboxStore(ChannelRecords, CustomerRecords, PromotionRecords):
    """One store's data. All reads and writes happen under `lock`."""

    def status_label(self, status_id: int) -> str:
        """The store's label for a status: the merchant's when renamed, else the system label."""
        return self.status_labels.get(status_id) or ORDER_STATUSES[status_id][0]

    # --- catalog --------------------------------------------------------------------------------

    def add_catalog_product(
        self, *, product_id: int, name: str, sku: str, price: Decimal, image_url: str, brand: str = ""
    ) -> CatalogProduct:
        with self.lock:
            product = CatalogProduct(product_id, name, sku, price, image_url, brand)
            self.catalog[product_id] = product
            return product

    def product_image_url(self, product_id: int) -> str | None:
        """The catalog image of a product (BigCommerce order products carry none)."""
        with self.lock:
            product = self.catalog.get(product_id)
            return product.image_url if product else None

    # --- customer groups ------------------------------------------------------------------------

    def add_customer_group(self, *, group_id: int, name: str, is_default: bool = False) -> CustomerGroup:
        """Add (or rename) a group; ids are the caller's, as customers already name them."""
        if group_id < 1:
            raise ValueError("customer group ids start at 1 (0 is a customer without a group)")
        with self.lock:
            group = CustomerGroup(group_id, name, is_default)
            self.customer_groups[group_id] = group
            return group

    # --- orders ---------------------------------------------------------------------------------

    def create_order(
        self,
        data: OrderCreateIn,
        *,
        date_created: datetime | None = None,
        payment_provider: PaymentProvider | None = None,
        tax_inclusive: bool = False,
        decline_refunds: bool = False,
    ) -> Order:
        with self.lock:
            if data.customer_id and data.customer_id not in self.customers:
                raise ApiError(400, "Invalid customer_id", detail=f"There is no customer {data.customer_id}.")
            currency = (data.default_currency_code or self.info.currency).upper()
            if currency not in EXCHANGE_RATES:
                raise ApiError(400, "Invalid default_currency_code", detail=f"{currency} is not enabled.")
            self.check_order_channel(data.channel_id)
            created = date_created or _parse_rfc2822(data.date_created) or utc_now()
            order_id = self.next_id("order")
            shipping_inputs: list[AddressIn] = [*data.shipping_addresses] or [data.billing_address]
            addresses = [
                OrderAddress(
                    id=self.next_id("order_address"),
                    order_id=order_id,
                    address=_address(shipping),
                    shipping_method=getattr(shipping, "shipping_method", "Flat Rate"),
                )
                for shipping in shipping_inputs
            ]
            first = addresses[0]
            first.cost_ex_tax, first.cost_inc_tax = data.shipping_cost_ex_tax, data.shipping_cost_inc_tax
            first.handling_cost_ex_tax, first.handling_cost_inc_tax = (
                data.handling_cost_ex_tax,
                data.handling_cost_inc_tax,
            )
            order = Order(
                id=order_id,
                customer_id=data.customer_id,
                status_id=data.status_id,
                date_created=created,
                date_modified=created,
                billing_address=_address(data.billing_address),
                shipping_addresses=addresses,
                currency_code=currency,
                store_default_currency_code=self.info.currency,
                store_default_to_transactional_exchange_rate=EXCHANGE_RATES[currency]
                / EXCHANGE_RATES[self.info.currency],
                is_tax_inclusive_pricing=tax_inclusive,
                discount_amount=data.discount_amount,
                payment_method=data.payment_method,
                payment_provider=payment_provider or PaymentProvider("custom", "Manual", offline=True),
                payment_provider_id=f"sandbox-txn-{order_id}",
                payment_status="pending" if data.status_id in UNPAID_STATUSES else "captured",
                staff_notes=data.staff_notes,
                customer_message=data.customer_message,
                cart_id=None,  # no storefront cart behind an API-created order (api-specs PR #245)
                channel_id=data.channel_id,
                order_source="external",
                external_source=data.external_source,
                customer_locale=data.customer_locale,
                decline_refunds=decline_refunds,
            )
            order.products = [self._order_product(order_id, first.id, line) for line in data.products]
            self.orders[order_id] = order
            self.shipments[order_id] = []
            return order

    def add_order(
        self,
        *,
        date_created: datetime | None = None,
        payment_provider: PaymentProvider | None = None,
        tax_inclusive: bool = False,
        decline_refunds: bool = False,
        **fields: Any,
    ) -> Order:
        """Test helper: the fields of `POST /v2/orders` (`billing_address`, `products`, `customer_id`,
        `status_id`, `shipping_cost_inc_tax`, `default_currency_code`, ...) plus sandbox-only knobs:
        `payment_provider` (how it was paid), `tax_inclusive`, `decline_refunds`. Returns the record.
        """
        return self.create_order(
            OrderCreateIn.model_validate(fields),
            date_created=date_created,
            payment_provider=payment_provider,
            tax_inclusive=tax_inclusive,
            decline_refunds=decline_refunds,
        )

    def _order_product(self, order_id: int, order_address_id: int, line: Any) -> OrderProduct:
        catalog = self.catalog.get(line.product_id) if line.product_id is not None else None
        if line.product_id is not None and catalog is None:
            raise ApiError(400, "Invalid product", detail=f"There is no catalog product {line.product_id}.")
        price_ex = line.price_ex_tax if line.price_ex_tax is not None else catalog.price if catalog else ZERO
        price_inc = line.price_inc_tax if line.price_inc_tax is not None else price_ex
        return OrderProduct(
            id=self.next_id("order_product"),
            order_id=order_id,
            order_address_id=order_address_id,
            product_id=catalog.id if catalog else 0,
            name=line.name or (catalog.name if catalog else ""),
            sku=line.sku or (catalog.sku if catalog else ""),
            quantity=line.quantity,
            price_ex_tax=price_ex,
            price_inc_tax=price_inc,
            brand=catalog.brand if catalog else "",
        )

    def order(self, order_id: int) -> Order:
        """The order, or a 404 `ApiError` (archived orders are gone, as in BigCommerce)."""
        with self.lock:
            order = self.orders.get(order_id)
            if order is None or order.is_deleted:
                raise ApiError(404, "The requested resource was not found.", detail=f"No order {order_id}.")
            return order

    def set_order_status(self, order_id: int, status_id: int) -> Order:
        with self.lock:
            order = self.order(order_id)
            order.status_id = status_id
            order.date_modified = utc_now()
            return order

    def update_order(self, order_id: int, update: OrderUpdateIn) -> Order:
        """`PUT /v2/orders/{id}`: a status (`5` cancels; it moves no money), notes (each replaces the
        whole text) or the channel (checked like on creation). Every accepted write moves
        `date_modified` (KNOWN_DEVIATIONS `order-date-modified`)."""
        with self.lock:
            order = self.order(order_id)
            if update.channel_id is not None:
                self.check_order_channel(update.channel_id)
                order.channel_id = update.channel_id
            if update.status_id is not None:
                order.status_id = update.status_id
            if update.staff_notes is not None:
                order.staff_notes = update.staff_notes
            if update.customer_message is not None:
                order.customer_message = update.customer_message
            if update.model_fields_set:
                order.date_modified = utc_now()
            return order

    def update_shipping_address(
        self, order_id: int, address_id: int, update: ShippingAddressUpdateIn
    ) -> OrderAddress:
        """Change the members sent of one of the order's shipping addresses, whatever has shipped to
        it already (KNOWN_DEVIATIONS `shipping-address-edit-after-shipping`): costs and tax stay."""
        with self.lock:
            order = self.order(order_id)
            address = order.address(address_id)
            if address is None:
                raise ApiError(
                    404, "The requested resource was not found.", detail=f"No shipping address {address_id}."
                )
            sent = {name: getattr(update, name) for name in update.model_fields_set}
            country = _country_of(sent.get("country"), sent.get("country_iso2"))
            if country is not None:
                sent["country"], sent["country_iso2"] = country.country, country.country_iso2
            if (method := sent.pop("shipping_method", None)) is not None:
                address.shipping_method = method
            if (form_fields := sent.pop("form_fields", None)) is not None:
                address.form_fields = [field.model_dump() for field in form_fields]
            for name, value in sent.items():
                if value is not None:
                    setattr(address.address, name, value)
            order.date_modified = utc_now()
            return address

    def set_decline_refunds(self, order_id: int, decline: bool = True) -> None:
        """Knob: refund payments on this order come back declined (`is_declined: true`)."""
        with self.lock:
            self.order(order_id).decline_refunds = decline

    # --- shipments ------------------------------------------------------------------------------

    def create_shipment(
        self, order_id: int, data: ShipmentCreateIn, *, date_created: datetime | None = None
    ) -> Shipment:
        """Ship items: quantities shipped grow, the order becomes Shipped or Partially Shipped."""
        with self.lock:
            order = self.order(order_id)
            if order.address(data.order_address_id) is None:
                raise ApiError(400, "Invalid order_address_id", detail="The address is not on this order.")
            wanted: dict[int, int] = {}
            for item in data.items:
                wanted[item.order_product_id] = wanted.get(item.order_product_id, 0) + item.quantity
            for order_product_id, quantity in wanted.items():
                product = order.product(order_product_id)
                if (
                    product is None
                    or product.order_address_id != data.order_address_id
                    or product.type != "physical"
                ):
                    raise ApiError(
                        400,
                        "Invalid items",
                        detail=f"Order product {order_product_id} is not on the address.",
                    )
                left = product.quantity_unshipped
                if quantity > left:
                    raise ApiError(
                        400, "Invalid items", detail=f"Order product {order_product_id}: {left} left to ship."
                    )
            created = date_created or utc_now()
            for order_product_id, quantity in wanted.items():
                product = order.product(order_product_id)
                assert product is not None
                product.quantity_shipped += quantity
            shipment = Shipment(
                id=self.next_id("shipment"),
                order_id=order_id,
                customer_id=order.customer_id,
                order_address_id=data.order_address_id,
                date_created=created,
                items=[
                    ShipmentItem(
                        item.order_product_id, _product_id(order, item.order_product_id), item.quantity
                    )
                    for item in data.items
                ],
                tracking_number=data.tracking_number,
                tracking_carrier=data.tracking_carrier,
                tracking_link=data.tracking_link,
                shipping_method=data.shipping_method,
                shipping_provider=data.shipping_provider,
                comments=data.comments,
                merchant_shipping_cost=data.merchant_shipping_cost,
            )
            self.shipments[order_id].append(shipment)
            fully_shipped = all(p.quantity_unshipped == 0 for p in order.products if p.type == "physical")
            order.status_id = STATUS_SHIPPED if fully_shipped else STATUS_PARTIALLY_SHIPPED
            if fully_shipped:
                order.date_shipped = created
            order.date_modified = created
            return shipment

    def add_shipment(
        self,
        order_id: int,
        *,
        items: Sequence[Mapping[str, int]] | None = None,
        date_created: datetime | None = None,
        **fields: Any,
    ) -> Shipment:
        """Test helper: ship `items` (default: everything still unshipped on the first address) with
        the fields of `POST /v2/orders/{id}/shipments` (`tracking_number`, `tracking_carrier`, ...).
        """
        with self.lock:
            order = self.order(order_id)
            address_id = fields.pop("order_address_id", order.shipping_addresses[0].id)
            if items is None:
                items = [
                    {"order_product_id": p.id, "quantity": p.quantity_unshipped}
                    for p in order.products
                    if p.order_address_id == address_id and p.quantity_unshipped
                ]
            data = ShipmentCreateIn.model_validate(
                {**fields, "order_address_id": address_id, "items": list(items)}
            )
            return self.create_shipment(order_id, data, date_created=date_created)


def _address(data: AddressIn) -> Address:
    iso2 = data.country_iso2.upper()
    return Address(
        first_name=data.first_name,
        last_name=data.last_name,
        company=data.company,
        street_1=data.street_1,
        street_2=data.street_2,
        city=data.city,
        state=data.state,
        zip=data.zip,
        country=data.country or geography.country_name(iso2),
        country_iso2=iso2,
        phone=data.phone,
        email=data.email,
    )


def _country_of(name: str | None, iso2: str | None) -> geography.Country | None:
    """The country an address edit names by name, by ISO code or both (orders guide FAQ: either one
    suffices); None when it names none. 400 for one BigCommerce does not list, or two that disagree."""
    if not name and not iso2:
        return None
    by_code = geography.by_iso2(iso2) if iso2 else None
    by_name = geography.by_name(name) if name else None
    if (iso2 and by_code is None) or (name and by_name is None):
        unknown = "country_iso2" if iso2 and by_code is None else "country"
        raise ApiError(
            400, f"Invalid {unknown}", detail="BigCommerce lists no such country (GET /v2/countries)."
        )
    if by_code is not None and by_name is not None and by_code != by_name:
        raise ApiError(400, "Invalid country", detail="country and country_iso2 name different countries.")
    return by_code or by_name


def _product_id(order: Order, order_product_id: int) -> int:
    product = order.product(order_product_id)
    return product.product_id if product else 0


def _parse_rfc2822(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise ApiError(400, "Invalid date_created", detail="Use RFC 2822.") from None
    if moment.tzinfo is None:
        raise ApiError(400, "Invalid date_created", detail="The date needs a time zone offset.")
    return moment
