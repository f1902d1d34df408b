"""Every route the sandbox serves, from each API module: the router `SandboxServer` dispatches with."""

from __future__ import annotations

from devtools.sandbox import (
    api_catalog,
    api_channels,
    api_customer_groups,
    api_customer_settings,
    api_customers,
    api_geography,
    api_orders,
    api_promotions,
    api_refunds,
    api_shipping,
    api_store,
)
from devtools.sandbox.routing import Router

ROUTER = Router(
    [
        *api_customers.ROUTES,
        *api_customer_settings.ROUTES,
        *api_customer_groups.ROUTES,
        *api_orders.ROUTES,
        *api_shipping.ROUTES,
        *api_refunds.ROUTES,
        *api_promotions.ROUTES,
        *api_store.ROUTES,
        *api_geography.ROUTES,
        *api_channels.ROUTES,
        *api_catalog.ROUTES,
    ]
)
