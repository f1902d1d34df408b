"""The store's connection for a verified request: the one per container and store
(``bigcommerce/connection.py``), for the deployment's settings and the credentials of the moment."""

from __future__ import annotations

from gladly_bigcommerce.bigcommerce.connection import StoreConnection, store_connection
from gladly_bigcommerce.settings.model import AdaptorSettings
from gladly_bigcommerce.settings.secret import AdaptorSecret


def connection_for(
    settings: AdaptorSettings, secret: AdaptorSecret, *, read_timeout: float
) -> StoreConnection:
    """The container's connection to the deployment's store with these credentials."""
    return store_connection(
        settings.api_base,
        settings.store_hash,
        access_token=secret.access_token.get_secret_value(),
        client_id=secret.client_id.get_secret_value(),
        read_timeout=read_timeout,
        cache_table=settings.lookup_cache_table_name,
    )
