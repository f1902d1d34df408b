"""BigCommerce API-account scopes, as the control panel names them (Settings > API > Store-level API
accounts) with their OAuth names: what the client's admin hints and `make check-store` print.

BigCommerce's 403 says only "You don't have a required scope to access the endpoint" (reference
FACTS.md), so whoever knows which endpoint was called names the scope it needs.
"""

from __future__ import annotations


def _scope(name: str, oauth: str) -> str:
    return f"{name} ({oauth})"


CUSTOMERS_READ = _scope("Customers read-only", "store_v2_customers_read_only")
CUSTOMERS_MODIFY = _scope("Customers modify", "store_v2_customers")
ORDERS_READ = _scope("Orders read-only", "store_v2_orders_read_only")
ORDERS_MODIFY = _scope("Orders modify", "store_v2_orders")
TRANSACTIONS_READ = _scope("Order Transactions read-only", "store_v2_transactions_read_only")
# orders.v3 `createOrderRefundQuotes` and `createOrderRefund`: "at least one of" these two scopes.
REFUNDS = f"{_scope('Order Transactions modify', 'store_v2_transactions')} or {ORDERS_MODIFY}"
MARKETING_READ = _scope("Marketing read-only", "store_v2_marketing_read_only")
MARKETING_MODIFY = _scope("Marketing modify", "store_v2_marketing")
PRODUCTS_READ = _scope("Products read-only", "store_v2_products_read_only")
INFORMATION_READ = _scope("Information & settings read-only", "store_v2_information_read_only")
# Channels V3 needs "Channel Settings"; sites need "Sites & Routes" (docs@24f580c
# docs/start/authentication/api-accounts.mdx, "Store resource scopes"). A channel's customer settings
# are in customers.v3.yml, whose only scopes are the Customers ones.
CHANNELS_READ = _scope("Channel Settings read-only", "store_channel_settings_read_only")
SITES_READ = _scope("Sites & Routes read-only", "store_sites_read_only")
