"""What can still be refunded on an order, and how the money can go back.

The order's ``refunded_amount`` is documented by BigCommerce as always 0, so it is never used.
What is left comes from the refunds BigCommerce lists (a declined payment moved no money) and is
confirmed by a refund quote, which also says by which methods the money can go back.

Refund payments are asynchronous (orders.v3 ``createOrderRefund``: "the payment request itself occurs
asynchronously"): a decline shows up later in the order's refunds (``payments[].is_declined``). Such
payments count as not refunded, and the forms say so (``declined_note``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from gladly_bigcommerce.actions.orders import UNPAID_STATUSES
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import ValidationFailed
from gladly_bigcommerce.bigcommerce.models import (
    Order,
    OrderProduct,
    Refund,
    RefundItem,
    RefundMethodPayment,
    RefundPayment,
    RefundPaymentResult,
    RefundQuote,
    ShippingAddress,
)
from gladly_bigcommerce.money import format_money

ZERO = Decimal(0)
STORE_CREDIT_PROVIDER = "storecredit"


def quantity_attr(product_id: int) -> str:
    """The refund form's field for how many of an order line (``OrderProduct.id``) to refund."""
    return f"qty_{product_id}"


def shipping_attr(address_id: int) -> str:
    """The refund form's field for how much of a shipping address's cost to refund."""
    return f"shipping_{address_id}"


@dataclass(frozen=True)
class RefundableLine:
    """An order line with items not refunded yet."""

    product: OrderProduct
    quantity_left: int

    @property
    def attr(self) -> str:
        return quantity_attr(self.product.id)


@dataclass(frozen=True)
class RefundableShipping:
    """A shipping address whose shipping cost is not (fully) refunded yet."""

    address: ShippingAddress
    amount_left: Decimal

    @property
    def attr(self) -> str:
        return shipping_attr(self.address.id)


@dataclass(frozen=True)
class RefundableOrder:
    """An order with what is left to refund, read from BigCommerce."""

    order: Order
    products: tuple[OrderProduct, ...]
    refunds: tuple[Refund, ...]
    lines: tuple[RefundableLine, ...]
    shipping: tuple[RefundableShipping, ...]
    money_left: Decimal
    """The order total less every refund payment that was not declined."""
    address_ids: tuple[int, ...] = ()
    """Every shipping address of the order, with shipping left to refund or not."""

    @property
    def currency(self) -> str:
        """The transactional currency: the order's amounts, and its refunds, are in it."""
        return self.order.transaction_currency

    def money(self, amount: Decimal) -> str:
        """``amount`` in the order's currency, as an agent reads it."""
        return format_money(amount, self.currency)

    @property
    def known_refund_ids(self) -> list[int]:
        return sorted(refund.id for refund in self.refunds)

    @property
    def anything_left(self) -> bool:
        return self.money_left > ZERO

    def declined_note(self) -> str | None:
        """A line for the forms about each earlier refund payment that was declined; None when none was.

        A declined payment returned nothing, so its amount is included in what is left again.
        """
        declined = [
            (refund, payment) for refund in self.refunds for payment in refund.payments if payment.is_declined
        ]
        if not declined:
            return None
        parts = [
            f"An earlier refund of {self.money(payment.amount)} by {payment.provider_id or 'its provider'} "
            f"(BigCommerce refund {refund.id}) was declined{_declined_reason(payment)}"
            for refund, payment in declined
        ]
        return (
            ". ".join(parts)
            + ". A declined refund returns nothing to the customer: its amount is included in what is left."
        )

    def line(self, order_product_id: int) -> RefundableLine | None:
        return next((line for line in self.lines if line.product.id == order_product_id), None)

    def remaining_items(self) -> list[RefundItem]:
        """Every line's remaining quantity and every address's remaining shipping, as refund items."""
        items = [
            RefundItem(item_type="PRODUCT", item_id=line.product.id, quantity=line.quantity_left)
            for line in self.lines
        ]
        items += [
            RefundItem(item_type="SHIPPING", item_id=shipping.address.id, amount=shipping.amount_left)
            for shipping in self.shipping
        ]
        return items

    def order_amount_item(self, amount: Decimal) -> RefundItem:
        """A refund of ``amount`` against the order as a whole (no item, tax not recalculated)."""
        return RefundItem(item_type="ORDER", item_id=self.order.id, amount=amount)

    def describe(self, items: Iterable[RefundItem]) -> str:
        """What ``items`` refund, in words: ``2 x Blue Shirt (SKU-1), shipping $5.00``."""
        products = {product.id: product for product in self.products}
        parts = []
        for item in items:
            if item.item_type == "PRODUCT":
                product = products.get(item.item_id)
                name = _product_name(product) if product else f"item {item.item_id}"
                parts.append(f"{item.quantity} x {name}")
            elif item.item_type == "SHIPPING" and item.amount is not None:
                parts.append(f"shipping {self.money(item.amount)}")
            elif item.amount is not None:
                parts.append(f"{self.money(item.amount)} on the order as a whole")
        return ", ".join(parts)


def read_refundable(client: BigCommerceClient, order: Order, *, deadline: Deadline) -> RefundableOrder:
    """What is left to refund on ``order`` (three BigCommerce reads: products, addresses, refunds)."""
    refunds = tuple(client.list_refunds(order.id, deadline=deadline))
    products = client.list_order_products(order.id, deadline=deadline)
    addresses = client.list_shipping_addresses(order.id, deadline=deadline)
    counted = [refund for refund in refunds if not _fully_declined(refund)]
    refunded_quantities: dict[int, int] = defaultdict(int)
    refunded_shipping: dict[int, Decimal] = defaultdict(Decimal)
    for refund in counted:
        for item in refund.items:
            if item.item_type == "PRODUCT":
                refunded_quantities[item.item_id] += item.quantity or 0
            elif item.item_type == "SHIPPING":
                refunded_shipping[item.item_id] += item.requested_amount or ZERO
    lines = []
    for product in products:
        quantity_left = product.quantity - max(product.quantity_refunded, refunded_quantities[product.id])
        if quantity_left > 0:
            lines.append(RefundableLine(product, quantity_left))
    shipping = []
    for address in addresses:
        amount_left = (address.cost_inc_tax or ZERO) - refunded_shipping[address.id]
        if amount_left > ZERO:
            shipping.append(RefundableShipping(address, amount_left))
    settled = sum((_settled_amount(refund) for refund in refunds), ZERO)
    # An order whose total BigCommerce left out offers no amount of its own (items may still be refunded).
    money_left = (
        ZERO
        if order.status_id in UNPAID_STATUSES or order.total_inc_tax is None
        else max(ZERO, order.total_inc_tax - settled)
    )
    return RefundableOrder(
        order=order,
        products=tuple(products),
        refunds=refunds,
        lines=tuple(lines),
        shipping=tuple(shipping),
        money_left=money_left,
        address_ids=tuple(address.id for address in addresses),
    )


def _product_name(product: OrderProduct) -> str:
    return f"{product.name} ({product.sku})" if product.sku else product.name


def _declined_reason(payment: RefundPaymentResult) -> str:
    message = payment.declined_message.strip()
    return f" ({message[:200]})" if message else ""


def _fully_declined(refund: Refund) -> bool:
    return bool(refund.payments) and all(payment.is_declined for payment in refund.payments)


def _settled_amount(refund: Refund) -> Decimal:
    return sum((payment.amount for payment in refund.payments if not payment.is_declined), ZERO)


# --- quotes ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotedRefund:
    """Refund items with BigCommerce's quote for them."""

    items: tuple[RefundItem, ...]
    quote: RefundQuote

    @property
    def total(self) -> Decimal:
        return self.quote.total_refund_amount

    @property
    def adjustment(self) -> Decimal:
        """Negative when BigCommerce capped the quote below what was asked (orders.v3 AdjustmentAmount)."""
        return self.quote.adjustment or ZERO

    @property
    def requested(self) -> Decimal:
        """What the items ask for, as BigCommerce values them: the total before its adjustment."""
        return self.total - self.adjustment


def quote_everything(
    client: BigCommerceClient, refundable: RefundableOrder, *, deadline: Deadline
) -> QuotedRefund | None:
    """A quote for everything left on the order; None when nothing is.

    Items are preferred (BigCommerce then records which products and shipping were refunded, and
    their tax). When the items do not add up to the money left (a discount, handling, an earlier
    refund of a custom amount), the difference is refunded against the order, or the whole amount is
    when the items alone would exceed it (BigCommerce then caps their quote: a negative
    ``adjustment``, orders.v3 ``AdjustmentAmount``). The caller still checks the quote it gets
    (``adjustment`` 0, total as shown): BigCommerce may know less to be left than the refunds say.
    """
    if not refundable.anything_left:
        return None
    items = refundable.remaining_items()
    if items:
        try:
            quoted = _quote(client, refundable, items, deadline)
        except ValidationFailed:
            quoted = None
        if quoted is not None and quoted.adjustment != ZERO:
            quoted = None
        if quoted is not None and quoted.total == refundable.money_left:
            return quoted
        if quoted is not None and quoted.total < refundable.money_left:
            rest = refundable.order_amount_item(refundable.money_left - quoted.total)
            return _quote(client, refundable, [*items, rest], deadline)
    return _quote(client, refundable, [refundable.order_amount_item(refundable.money_left)], deadline)


def quote_items(
    client: BigCommerceClient, refundable: RefundableOrder, items: Sequence[RefundItem], *, deadline: Deadline
) -> QuotedRefund:
    """BigCommerce's quote for the agent's chosen items (``ValidationFailed`` when it refuses them)."""
    return _quote(client, refundable, items, deadline)


def _quote(
    client: BigCommerceClient, refundable: RefundableOrder, items: Sequence[RefundItem], deadline: Deadline
) -> QuotedRefund:
    quote = client.create_refund_quote(refundable.order.id, items, deadline=deadline)
    return QuotedRefund(items=tuple(items), quote=quote)


# --- refund methods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundMethod:
    """One way the quoted money can go back: one provider, or a split across several."""

    options: tuple[RefundMethodPayment, ...]

    @property
    def key(self) -> str:
        """The providers, e.g. ``braintree`` or ``bankdeposit+storecredit``: stable across quotes."""
        return "+".join(option.provider_id for option in self.options)

    @property
    def offline(self) -> bool:
        """True when no money moves through BigCommerce (the refund is only recorded)."""
        return all(option.offline or option.offline_provider for option in self.options)

    @property
    def name(self) -> str:
        return " + ".join(option.provider_description or option.provider_id for option in self.options)

    @property
    def label(self) -> str:
        if self.offline:
            return f"{self.name} (recorded only: BigCommerce sends no money)"
        return self.name

    @property
    def total(self) -> Decimal:
        return sum((option.amount for option in self.options), ZERO)

    def payments(self) -> list[RefundPayment]:
        return [
            RefundPayment(provider_id=option.provider_id, amount=option.amount, offline=option.offline)
            for option in self.options
        ]


def refund_methods(quote: RefundQuote, order: Order) -> list[RefundMethod]:
    """The quote's refund methods an agent may choose: store credit only for registered customers."""
    methods = [RefundMethod(tuple(options)) for options in quote.refund_methods if options]
    if order.is_guest:
        methods = [
            method
            for method in methods
            if all(option.provider_id != STORE_CREDIT_PROVIDER for option in method.options)
        ]
    return methods


def default_method(methods: Sequence[RefundMethod]) -> RefundMethod | None:
    """The method to preselect: back to how the shopper paid (online, not store credit) when offered."""
    for method in methods:
        if not method.offline and all(o.provider_id != STORE_CREDIT_PROVIDER for o in method.options):
            return method
    return methods[0] if methods else None
