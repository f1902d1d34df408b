"""An order's lines as the shopper bought them, with statuses that agree with the order.

Pure functions, no I/O (`mapping.order_transaction` uses them). Gladly's product has one name, one
unit price and one status (reference/gladly/lookup-protocol.md, section 3), so:

* **Options** the shopper chose or typed (`Size: S`, `Engraving: Happy birthday`, a picked product)
  go into the product's `name`, in brackets after the product's own name, as the storefront showed
  them (`display_name: display_value`). The name is the one product field every consumer shows:
  Gladly's own App Platform bridge for lookup adaptors passes on a product's name, status, SKU,
  image and quantity, and drops the rest.
* **Bundle and pick-list children** (order products whose `parent_order_product_id` names another
  line of the order; orders.v2 `orderProducts` example: a $0 "Able Brewing System" under its
  parent) are folded into their parent: the parent's price is what the whole bundle cost, its status
  covers the children, a fulfillment that shipped a child names the parent, and a child the parent's
  options do not already name is listed in the name (`includes 2 x Mug`). A child whose parent is not
  among the lines is shown on its own: a line is never lost.
* **Unit price after discounts**: what the line cost the shopper, `discounted_total_inc_tax` (orders.v2:
  "the correct total amount of the line item after deducting all the discounts and including the
  tax"), divided by the quantity; the discount (`total_inc_tax` minus it) is named in the name
  (`$100.00 off (SPRING10)`), with the coupon codes, else the discounts' names, of
  `applied_discounts`. Without `discounted_total_inc_tax` the price is `price_inc_tax`, as listed.
* **Statuses** (`line_status`) say what happened to each kind of line, never contradicting the
  order: a refunded line is Refunded; a shipped one Shipped; in a cancelled, declined, refunded or
  incomplete order the order's own label; a gift certificate is emailed to its recipient once the
  order is Completed (BigCommerce help, "Gift Certificates": "Any order containing a gift certificate
  must have an order status of Completed before the gift certificate will send"); a digital product
  can be downloaded once the order is complete (BigCommerce help, "Creating Downloadable Products");
  a line for pickup is For pickup, Awaiting pickup, then Picked up; a physical line of a Completed
  order that no shipment covers (picked up, delivered by hand, completed by the merchant) is
  Completed, and of a Shipped order Shipped. Only what a live order still has to ship is Not shipped.

Money in names and prices is `money_as_data` (`$2400.00`): machines read these fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from gladly_bigcommerce.bigcommerce.models import Order, OrderProduct, OrderProductOption
from gladly_bigcommerce.gladly.models import Product
from gladly_bigcommerce.money import money_as_data

# BigCommerce's fixed status ids (reference/bigcommerce/FACTS.md); merchants rename labels, not ids.
STATUS_SHIPPED = 2
STATUS_AWAITING_PICKUP = 8
STATUS_COMPLETED = 10
CLOSED_STATUS_IDS = frozenset({0, 4, 5, 6})
"""Incomplete, Refunded, Cancelled, Declined: orders that never were, or no longer are, a sale."""
DONE_STATUS_IDS = frozenset({STATUS_SHIPPED, STATUS_COMPLETED})
"""Shipped, Completed: nothing in such an order still waits to ship."""

SHIPPED = "Shipped"
PARTIALLY_SHIPPED = "Partially shipped"
NOT_SHIPPED = "Not shipped"
REFUNDED = "Refunded"
COMPLETED = "Completed"
GIFT_CERTIFICATE_SENT = "Emailed to recipient"
GIFT_CERTIFICATE_NOT_SENT = "Not emailed yet"
DOWNLOAD_READY = "Available to download"
DOWNLOAD_NOT_READY = "Not available to download yet"
PICKED_UP = "Picked up"
AWAITING_PICKUP = "Awaiting pickup"
FOR_PICKUP = "For pickup"
_SHIPPING_STATUSES = frozenset({SHIPPED, PARTIALLY_SHIPPED, NOT_SHIPPED})

OPTION_TEXT_MAX = 100
"""Characters of one option's value shown (a text field's value can be long); longer ends in `…`."""

PHYSICAL = "physical"
DIGITAL = "digital"
GIFT_CERTIFICATE = "giftcertificate"

_SPACES = re.compile(r"\s+")


def order_status_label(order: Order) -> str:
    """The store's own label for the order's status: `custom_status` when the merchant renamed it."""
    return order.custom_status.strip() or order.status.strip()


def shipping_speed(method: str) -> str | None:
    """A shipping method worth showing: BigCommerce writes `None` (the word) when there is none."""
    text = method.strip()
    return None if not text or text.casefold() == "none" else text


@dataclass(frozen=True)
class LineGroup:
    """A line as the shopper bought it: the line and the bundle or pick-list lines under it."""

    parent: OrderProduct
    children: tuple[OrderProduct, ...] = ()

    @property
    def lines(self) -> tuple[OrderProduct, ...]:
        return (self.parent, *self.children)


def group_lines(lines: Sequence[OrderProduct]) -> list[LineGroup]:
    """Each child line under the top line it belongs to (through any depth), in the lines' order."""
    by_id = {line.id: line for line in lines}

    def root(line: OrderProduct) -> OrderProduct:
        seen, top = {line.id}, line
        while (parent := by_id.get(top.parent_order_product_id or -1)) is not None:
            if parent.id in seen:  # parents in a cycle: the line stands alone rather than be lost
                return line
            seen.add(parent.id)
            top = parent
        return top

    roots = {line.id: root(line).id for line in lines}
    children: dict[int, list[OrderProduct]] = {}
    for line in lines:
        if roots[line.id] != line.id:
            children.setdefault(roots[line.id], []).append(line)
    return [LineGroup(line, tuple(children.get(line.id, ()))) for line in lines if roots[line.id] == line.id]


def shown_line_ids(groups: Sequence[LineGroup]) -> dict[int, str]:
    """The product id Gladly shows for each line: its own, or its parent's for a folded child."""
    return {line.id: str(group.parent.id) for group in groups for line in group.lines}


def gladly_products(
    order: Order, groups: Sequence[LineGroup], images: Mapping[int, str] | None = None
) -> list[Product]:
    """The order's lines as Gladly products; a line's image is its own, else its catalog image."""
    currency = order.default_currency_code or order.currency_code
    catalog = images or {}
    return [
        Product(
            id=str(group.parent.id),
            product_id=str(group.parent.product_id) if group.parent.product_id else None,
            name=product_name(group, currency),
            sku=group.parent.sku or None,
            unit_price=_money(unit_price(group), currency),
            quantity=group.parent.quantity,
            status=group_status(group, order),
            image_url=group.parent.image_url or catalog.get(group.parent.product_id) or None,
        )
        for group in groups
    ]


def product_name(group: LineGroup, currency: str) -> str | None:
    """`Tee (Size: S, Color: Silver) · includes 1 x Mug · $5.00 off (SPRING10)`: the product's own
    name, the options, the children no option names, and the discount."""
    parent = group.parent
    options = [text for option in parent.product_options if (text := _option_text(option))]
    named = {_clean(option.display_value).casefold() for option in parent.product_options} - {""}
    unnamed = [child for child in group.children if _clean(child.name).casefold() not in named]
    text = _clean(parent.name)
    if options:
        text = f"{text} ({', '.join(options)})".strip()
    if unnamed:
        text += " · includes " + ", ".join(f"{child.quantity} x {_clean(child.name)}" for child in unnamed)
    off = discount(group)
    if off and currency:
        labels = _discount_labels(group)
        text += f" · {money_as_data(off, currency)} off" + (f" ({', '.join(labels)})" if labels else "")
    return text.strip(" ·") or None


def unit_price(group: LineGroup) -> Decimal | None:
    """What one unit cost the shopper, discounts and tax included, bundle children included."""
    parent = group.parent
    paid = [_paid(line) for line in group.lines]
    if parent.quantity > 0 and all(amount is not None for amount in paid):
        return sum((amount for amount in paid if amount is not None), Decimal(0)) / parent.quantity
    return parent.price_inc_tax


def discount(group: LineGroup) -> Decimal:
    """How much the discounts took off the lines (tax included); 0 when none or unknown."""
    taken = sum(
        (
            line.total_inc_tax - line.discounted_total_inc_tax
            for line in group.lines
            if line.total_inc_tax is not None and line.discounted_total_inc_tax is not None
        ),
        Decimal(0),
    )
    return taken if taken > 0 else Decimal(0)


def group_status(group: LineGroup, order: Order) -> str | None:
    """The parent's status, or, when its shipping status and its children's differ, what shipped of
    the whole bundle."""
    status = line_status(group.parent, order)
    if not group.children or status not in _SHIPPING_STATUSES:
        return status
    statuses = {line_status(line, order) for line in group.lines} & _SHIPPING_STATUSES
    if len(statuses) == 1:
        return status
    return PARTIALLY_SHIPPED if statuses & {SHIPPED, PARTIALLY_SHIPPED} else NOT_SHIPPED


def line_status(line: OrderProduct, order: Order) -> str | None:
    """What happened to the line, in words that agree with the order's status (module docstring)."""
    if line.is_refunded or (line.quantity and line.quantity_refunded >= line.quantity):
        return REFUNDED
    kind = line.type.strip().lower()
    if kind not in (DIGITAL, GIFT_CERTIFICATE) and line.quantity and line.quantity_shipped >= line.quantity:
        return SHIPPED
    if order.status_id in CLOSED_STATUS_IDS:
        return order_status_label(order) or None
    if kind == GIFT_CERTIFICATE:
        return GIFT_CERTIFICATE_SENT if order.status_id == STATUS_COMPLETED else GIFT_CERTIFICATE_NOT_SENT
    if kind == DIGITAL:
        return DOWNLOAD_READY if order.status_id == STATUS_COMPLETED else DOWNLOAD_NOT_READY
    if line.order_pickup_method_id:
        return {STATUS_COMPLETED: PICKED_UP, STATUS_AWAITING_PICKUP: AWAITING_PICKUP}.get(
            order.status_id, FOR_PICKUP
        )
    if order.status_id == STATUS_COMPLETED:
        return COMPLETED
    if order.status_id == STATUS_SHIPPED:
        return SHIPPED
    return PARTIALLY_SHIPPED if line.quantity_shipped else NOT_SHIPPED


def waits_to_ship(line: OrderProduct, order: Order) -> bool:
    """Whether a line is still to ship: a physical line, not for pickup, not refunded, not all
    shipped, in an order that is live and neither Shipped nor Completed."""
    return (
        order.status_id not in CLOSED_STATUS_IDS | DONE_STATUS_IDS
        and line.type.strip().lower() not in (DIGITAL, GIFT_CERTIFICATE)
        and not line.order_pickup_method_id
        and line.quantity_shipped < line.quantity
        and line_status(line, order) != REFUNDED
    )


def _paid(line: OrderProduct) -> Decimal | None:
    if line.discounted_total_inc_tax is not None:
        return line.discounted_total_inc_tax
    if line.total_inc_tax is not None:
        return line.total_inc_tax
    return None if line.price_inc_tax is None else line.price_inc_tax * line.quantity


def _discount_labels(group: LineGroup) -> list[str]:
    discounts = [applied for line in group.lines for applied in line.applied_discounts]
    codes = [_clean(applied.code) for applied in discounts if _clean(applied.code)]
    names = [_clean(applied.name) for applied in discounts if _clean(applied.name)]
    return list(dict.fromkeys(codes or names))


def _option_text(option: OrderProductOption) -> str:
    name, value = _clean(option.display_name), _clean(option.display_value)
    if len(value) > OPTION_TEXT_MAX:
        value = value[: OPTION_TEXT_MAX - 1].rstrip() + "…"
    return f"{name}: {value}" if name and value else name or value


def _clean(text: str) -> str:
    """One line: newlines and runs of spaces (typed text has them) become one space."""
    return _SPACES.sub(" ", text).strip()


def _money(amount: Decimal | None, currency: str) -> str | None:
    """Money as data, or None when BigCommerce left the amount (or the currency) out."""
    return None if amount is None or not currency else money_as_data(amount, currency)
