"""BigCommerce orders as Gladly sees them: ORDER transactions with their products and fulfillments.

Pure functions, no I/O (an order's lines and their statuses: `order_lines`). Money is data Gladly
receives (`money_as_data`), in the order's own (transactional) currency; addresses' phones go out in
E.164 where their country reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from gladly_bigcommerce.bigcommerce.models import (
    Order,
    OrderProduct,
    PostalAddress,
    Shipment,
    ShippingConsignment,
)
from gladly_bigcommerce.bigcommerce.storefronts import DEFAULT_CHANNEL_ID, Storefronts
from gladly_bigcommerce.gladly.models import (
    Action,
    Address,
    Fulfillment,
    Transaction,
)
from gladly_bigcommerce.lookup.mapping.customers import StoreLinks
from gladly_bigcommerce.lookup.mapping.order_lines import (
    NOT_SHIPPED,
    SHIPPED,
    gladly_products,
    group_lines,
    order_status_label,
    shipping_speed,
    shown_line_ids,
    waits_to_ship,
)
from gladly_bigcommerce.lookup.shopper_phones import (
    shown_phone,
)
from gladly_bigcommerce.money import money_as_data

# --- orders ------------------------------------------------------------------------------------------


_NO_DATE = datetime.min.replace(tzinfo=UTC)


def newest_first(orders: Iterable[Order]) -> list[Order]:
    # An order without a date (BigCommerce may leave it out) sorts last rather than failing the sort.
    return sorted(orders, key=lambda order: (order.date_created or _NO_DATE, order.id), reverse=True)


def consignment_lines(order: Order) -> list[OrderProduct]:
    """The order's line items as included with the order list (shipping consignments)."""
    consignments = order.consignments.shipping if order.consignments else []
    return [line for consignment in consignments for line in consignment.line_items]


def lines_are_complete(order: Order) -> bool:
    """Whether the consignments hold every item (digital or pickup items need the products call)."""
    return sum(line.quantity for line in consignment_lines(order)) >= order.items_total


def needs_shipments(order: Order) -> bool:
    """Shipments are fetched only for orders that shipped something."""
    return order.items_shipped > 0


def gladly_address(address: PostalAddress, region: str) -> Address | None:
    """A postal address in Gladly's shape; None when it holds nothing."""
    mapped = Address(
        name=address.full_name or None,
        phone=shown_phone(address, region),
        street1=address.street_1 or None,
        street2=address.street_2 or None,
        city=address.city or None,
        state=address.state or None,
        country=address.country_iso2 or address.country or None,
        zip=address.zip or None,
    )
    return mapped if mapped.model_dump(exclude_none=True) else None


def shipment_fulfillment(
    shipment: Shipment, region: str, shown_as: Mapping[int, str] | None = None
) -> Fulfillment:
    """A shipment; `shown_as` names the product Gladly shows for each line (a bundle's child line
    is shown as its parent: `order_lines`)."""
    shown = shown_as or {}
    product_ids = (shown.get(item.order_product_id, str(item.order_product_id)) for item in shipment.items)
    return Fulfillment(
        product_ids=list(dict.fromkeys(product_ids)) or None,
        tracking_number=shipment.tracking_number or None,
        tracking_url=shipment.tracking_link or shipment.generated_tracking_link or None,
        carrier=(
            shipment.shipping_provider_display_name
            or shipment.tracking_carrier
            or shipment.shipping_provider
            or None
        ),
        shipping_speed=shipping_speed(shipment.shipping_method),
        status=SHIPPED,
        shipping_address=gladly_address(shipment.shipping_address, region)
        if shipment.shipping_address
        else None,
    )


def pending_fulfillment(
    consignment: ShippingConsignment,
    region: str,
    order: Order,
    shown_as: Mapping[int, str] | None = None,
) -> Fulfillment | None:
    """What of a consignment has yet to ship, and where to; None when nothing waits (all of it
    shipped, or the order is closed, Shipped or Completed: `order_lines.waits_to_ship`)."""
    shown = shown_as or {}
    waiting = [
        shown.get(line.id, str(line.id)) for line in consignment.line_items if waits_to_ship(line, order)
    ]
    if not waiting:
        return None
    return Fulfillment(
        product_ids=list(dict.fromkeys(waiting)),
        shipping_speed=shipping_speed(consignment.shipping_method),
        status=NOT_SHIPPED,
        shipping_address=gladly_address(consignment, region),
    )


def order_transaction(
    order: Order,
    *,
    links: StoreLinks,
    region: str,
    shipments: Sequence[Shipment] | None = None,
    products: Sequence[OrderProduct] | None = None,
    images: Mapping[int, str] | None = None,
    actions: Sequence[Action] = (),
    storefronts: Storefronts | None = None,
) -> Transaction:
    """An ORDER transaction with every field BigCommerce can fill (protocol section 3).

    `products` replaces the consignments' line items when they were fetched separately; `shipments`
    None means they were not fetched (nothing shipped, or the call failed): only what is still to
    ship is then shown. `images` are catalog image URLs by product id (a product missing there
    simply has no image). `storefronts` (the store's channels, when read) name the order's
    storefront in its note and point the shopper's link at that storefront (`order_note`,
    `customer_order_url`).
    """
    storefronts = storefronts or Storefronts.unknown()
    currency = order.transaction_currency
    lines = list(products) if products is not None else consignment_lines(order)
    groups = group_lines(lines)
    shown_as = shown_line_ids(groups)
    fulfillments = [shipment_fulfillment(shipment, region, shown_as) for shipment in shipments or ()]
    if order.consignments is not None:
        pending = (
            pending_fulfillment(consignment, region, order, shown_as)
            for consignment in order.consignments.shipping
        )
        fulfillments += [fulfillment for fulfillment in pending if fulfillment is not None]
    return Transaction(
        order_number=str(order.id),
        created_at=order.date_created,
        order_status=order_status_label(order) or None,
        order_total=money_as_data(order.total_inc_tax, currency)
        if order.total_inc_tax is not None and currency
        else None,
        currency_code=currency or None,
        # items_total is optional in the spec: absent, it reads 0 while the lines say otherwise.
        item_count=order.items_total or sum(line.quantity for line in lines),
        order_link=links.order_admin_url(order.id),
        customer_order_url=customer_order_url(order, links, storefronts),
        note=order_note(order, storefronts),
        billing_address=gladly_address(order.billing_address, region) if order.billing_address else None,
        products=gladly_products(order, groups, images),
        fulfillments=fulfillments,
        actions=list(actions) or None,
    )


def order_note(order: Order, storefronts: Storefronts) -> str | None:
    """The order's note as Gladly shows it under the order: the storefront or sales channel it came
    from (`Storefront: Brew Outlet`, `Channel: Amazon (marketplace)`) when the store sells on more than
    one (`Storefronts.names_channel_of`), then the shopper's message on the next line.

    Gladly's ORDER transaction has no storefront field, and `note` is the free text it shows on every
    order card: the one place an agent reads where an order came from. A store of one storefront keeps
    the note as before, the shopper's message alone.
    """
    message = order.customer_message or None
    if not storefronts.names_channel_of(order.channel_id):
        return message
    label = storefronts.label(order.channel_id)
    return f"{label}\n{message}" if message else label


def customer_order_url(order: Order, links: StoreLinks, storefronts: Storefronts) -> str | None:
    """The order's page in the shopper's account, on the storefront the order came from.

    A guest order is in no account: none. An order of the default storefront (channel 1, or none
    named): the store's storefront (`STOREFRONT_URL`, else `/v2/store` `secure_url`), as before. An
    order of another channel: that storefront's site (`/v3/sites`) when it is a Stencil storefront,
    whose account pages are at `/account.php`; a headless storefront (its own routes), a channel
    without a site (a marketplace) or one whose site could not be read: none, rather than a link to
    the wrong storefront.
    """
    if order.is_guest:
        return None
    channel = order.channel_id or DEFAULT_CHANNEL_ID
    if channel == DEFAULT_CHANNEL_ID:
        return links.customer_order_url(order.id)
    site = storefronts.site_url(channel)
    if site is None or not storefronts.is_stencil(channel):
        return None
    return StoreLinks(links.admin_base, site).customer_order_url(order.id)


def merge_orders(*order_lists: Iterable[Order]) -> list[Order]:
    """Orders from several lists, each once (by id), newest first."""
    unique: Mapping[int, Order] = {order.id: order for orders in order_lists for order in orders}
    return newest_first(unique.values())
