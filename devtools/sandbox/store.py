"""The sandbox store: every record of one fake BigCommerce store, behind one lock.

The HTTP routes and the test helpers (`add_customer`, `add_order`, `add_shipment`, ...) go through
the same methods, so a record made by a test is exactly what `POST` would have made. Business rules
that BigCommerce enforces on writes (a unique email per channel, shipping no more than was ordered,
unique coupon codes) live here and raise `ApiError`; the routes decide the error body's shape.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

from devtools.sandbox.errors import ApiError
from devtools.sandbox.formats import utc_now
from devtools.sandbox.inputs import (
    AddressIn,
    CouponCodeCreateIn,
    CustomerCreateIn,
    OrderCreateIn,
    PromotionCreateIn,
    ShipmentCreateIn,
)
from devtools.sandbox.records import (
    ORDER_STATUSES,
    STATUS_PARTIALLY_SHIPPED,
    STATUS_SHIPPED,
    ZERO,
    Address,
    CatalogProduct,
    CouponCode,
    Customer,
    CustomerAddress,
    CustomerGroup,
    Order,
    OrderAddress,
    OrderProduct,
    PaymentProvider,
    Promotion,
    Refund,
    Shipment,
    ShipmentItem,
    StoreInfo,
)

COUNTRY_NAMES = {
    "US": "United States",
    "GB": "United Kingdom",
    "DE": "Germany",
    "FR": "France",
    "IE": "Ireland",
    "CA": "Canada",
    "AU": "Australia",
    "JP": "Japan",
    "IN": "India",
}
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
COUPON_CODE_PATTERN = re.compile(r"[A-Za-z0-9 _-]+")
COUPON_CODE_MAX_LENGTH = 50


class SandboxStore:
    """One store's data. All reads and writes happen under `lock` (see `locked`)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.info = StoreInfo()
        self.catalog: dict[int, CatalogProduct] = {}
        self.customer_groups: dict[int, CustomerGroup] = {}
        self.customers: dict[int, Customer] = {}
        self.orders: dict[int, Order] = {}
        self.shipments: dict[int, list[Shipment]] = {}
        self.refunds: dict[int, Refund] = {}
        self.refunds_in_progress: set[int] = set()
        self.promotions: dict[int, Promotion] = {}
        self.coupon_codes: dict[int, CouponCode] = {}
        self._ids: dict[str, Iterator[int]] = {}
        self.clear()

    def clear(self) -> None:
        """Forget everything; ids start again (orders at 100, like a new BigCommerce store)."""
        with self.lock:
            self.info = StoreInfo()
            self.duplicate_code_status = 422
            """Knob: the status of a duplicate coupon code (422 by default; 409 is the other reading)."""
            for table in (self.catalog, self.customers, self.orders, self.shipments, self.refunds):
                table.clear()
            self.customer_groups.clear()
            self.status_labels: dict[int, str] = {}
            """Statuses the merchant renamed (id -> label): orders answer it as `custom_status`."""
            self.promotions.clear()
            self.coupon_codes.clear()
            self.refunds_in_progress.clear()
            starts = {
                "customer": 1,
                "customer_address": 1,
                "order": 100,
                "order_product": 1,
                "order_address": 1,
            }
            starts |= {"shipment": 1, "refund": 1, "refund_payment": 1, "promotion": 1, "coupon_code": 1}
            self._ids = {name: itertools.count(start) for name, start in starts.items()}

    def next_id(self, kind: str) -> int:
        return next(self._ids[kind])

    @contextmanager
    def numbered_from(self, **starts: int) -> Iterator[None]:
        """Records made inside take ids from `starts` (kind -> first id), and each sequence resumes
        afterwards where it was: a seed's own block of ids (real stores' ids have gaps too) that
        never moves the ids of the fixtures seeded around it."""
        with self.lock:
            saved = {kind: self._ids[kind] for kind in starts}
            self._ids.update({kind: itertools.count(start) for kind, start in starts.items()})
            try:
                yield
            finally:
                self._ids.update(saved)

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

    # --- customers ------------------------------------------------------------------------------

    def create_customers(self, batch: Sequence[CustomerCreateIn]) -> list[Customer]:
        """Create a batch atomically: all or none (an email conflict anywhere refuses the batch)."""
        with self.lock:
            for index, data in enumerate(batch):
                others = [
                    other for other in batch[:index] if _channels_overlap(other.channel_ids, data.channel_ids)
                ]
                if any(other.email.casefold() == data.email.casefold() for other in others):
                    raise ApiError(
                        422, "Create customers failed.", errors={f"{index}.email": "duplicate in batch"}
                    )
                self._check_email_free(data.email, data.channel_ids, index)
            return [self.create_customer(data) for data in batch]

    def create_customer(self, data: CustomerCreateIn, *, date_created: datetime | None = None) -> Customer:
        with self.lock:
            self._check_email_free(data.email, data.channel_ids, 0)
            created = date_created or utc_now()
            customer = Customer(
                id=self.next_id("customer"),
                email=data.email,
                first_name=data.first_name,
                last_name=data.last_name,
                date_created=created,
                date_modified=created,
                phone=data.phone,
                company=data.company,
                notes=data.notes,
                tax_exempt_category=data.tax_exempt_category,
                customer_group_id=data.customer_group_id,
                origin_channel_id=data.origin_channel_id,
                channel_ids=list(data.channel_ids) if data.channel_ids is not None else None,
                accepts_product_review_abandoned_cart_emails=data.accepts_product_review_abandoned_cart_emails,
                store_credit=[credit.amount for credit in data.store_credit_amounts],
                attributes=[(a.attribute_id, a.attribute_value) for a in data.attributes],
                form_fields=[(f.name, f.value) for f in data.form_fields],
            )
            customer.addresses = [
                CustomerAddress(
                    id=self.next_id("customer_address"),
                    customer_id=customer.id,
                    first_name=a.first_name,
                    last_name=a.last_name,
                    address1=a.address1,
                    address2=a.address2,
                    city=a.city,
                    state_or_province=a.state_or_province,
                    postal_code=a.postal_code,
                    country_code=a.country_code.upper(),
                    country=COUNTRY_NAMES.get(a.country_code.upper(), a.country_code.upper()),
                    company=a.company,
                    phone=a.phone,
                    address_type=a.address_type,
                )
                for a in data.addresses
            ]
            self.customers[customer.id] = customer
            return customer

    def add_customer(self, *, date_created: datetime | None = None, **fields: Any) -> Customer:
        """Test helper: `add_customer(email=..., first_name=..., last_name=..., phone=..., addresses=[...])`.

        Takes the fields of `POST /v3/customers` (plus `store_credit=Decimal(...)` as a shortcut for
        `store_credit_amounts`) and returns the live record.
        """
        credit = fields.pop("store_credit", None)
        if credit is not None:
            fields["store_credit_amounts"] = [{"amount": credit}]
        return self.create_customer(CustomerCreateIn.model_validate(fields), date_created=date_created)

    def _check_email_free(self, email: str, channel_ids: list[int] | None, index: int) -> None:
        for customer in self.customers.values():
            same_email = customer.email.casefold() == email.casefold()
            if same_email and _channels_overlap(customer.channel_ids, channel_ids):
                raise ApiError(
                    422,
                    "Create customers failed.",
                    errors={
                        f"{index}.email": "The email address is already in use on an overlapping channel."
                    },
                )

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


def _channels_overlap(first: list[int] | None, second: list[int] | None) -> bool:
    """Global accounts (no channel list) overlap everything; channel accounts overlap on a shared id."""
    if first is None or second is None:
        return True
    return bool(set(first) & set(second))


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
        country=data.country or COUNTRY_NAMES.get(iso2, iso2),
        country_iso2=iso2,
        phone=data.phone,
        email=data.email,
    )


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
