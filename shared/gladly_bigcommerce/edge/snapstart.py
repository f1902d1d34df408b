"""SnapStart runtime hooks: what the snapshot holds warm, and what must not outlive it.

With SnapStart (template.yaml) Lambda runs a function's init once, when a version is published,
snapshots the memory and resumes every new container from that snapshot. Every handler imports this
module at init (``functions/*/app.py``), which registers two hooks with ``snapshot_restore_py``:

- ``warm`` (before the snapshot): the settings, the pydantic validators of the models the function
  imported, the Secrets Manager client Powertools reads the credentials with (and DynamoDB's model for
  the actions), and the phone metadata of the default region, so none of it is paid after a restore.
  It calls nothing over the network: no credential, customer or connection is in the snapshot.
- ``refresh`` (after each restore): new connection pools for every BigCommerce client and the AWS
  clients (a pooled socket of the snapshot is not a live one, and a refund sent on one could end with an
  unknown outcome); the Powertools cache of the credentials emptied, so the next request reads the
  secret again; the per-container store caches forgotten (their expiry is on a monotonic clock,
  which Lambda does not promise to carry across a restore); and the ``random`` module re-seeded from
  ``os.urandom`` (lock-poll and botocore retry jitter use it; every copy of one snapshot would
  otherwise draw the same numbers). Form tokens and discount codes come from ``secrets`` (the
  operating system's generator) and need nothing. Kept: the phone spelling ``lookup/search.py``
  learned as its probe (a hint: a stale one costs calls, never a wrong answer; and the snapshot holds
  none, since the init calls no store).

Outside Lambda ``snapshot_restore_py`` only keeps the hooks in a list nobody runs: importing this
module changes nothing locally (tests call the hooks themselves).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from types import ModuleType

from aws_lambda_powertools.utilities.parameters.base import DEFAULT_PROVIDERS
from aws_lambda_powertools.utilities.parameters.secrets import SecretsProvider
from pydantic import BaseModel
from snapshot_restore_py import register_after_restore, register_before_snapshot

from gladly_bigcommerce.bigcommerce.http import reset_all_connections
from gladly_bigcommerce.edge.runtime import current_runtime
from gladly_bigcommerce.observability import logger

_PACKAGE = "gladly_bigcommerce"


def _loaded(name: str) -> ModuleType | None:
    """A module of ours if the function imported it: the hooks never import what a function does not use."""
    return sys.modules.get(f"{_PACKAGE}.{name}")


def _step(name: str, action: Callable[[], None]) -> None:
    """Run one warm-up step; a failure costs only speed after restore, never the init."""
    try:
        action()
    except Exception as error:
        logger.warning("SnapStart warm-up step skipped", extra={"step": name, "error": type(error).__name__})


def _warm_settings() -> None:
    current_runtime().settings()


def _warm_models() -> None:
    """Build the validators of every model in the modules the function imported (pydantic may defer it)."""
    for module_name, module in list(sys.modules.items()):
        if module is None or not (module_name == _PACKAGE or module_name.startswith(f"{_PACKAGE}.")):
            continue
        for value in list(vars(module).values()):
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module_name
                and not value.__pydantic_complete__
            ):
                value.model_rebuild(raise_errors=False)


def _warm_aws_clients() -> None:
    """The clients' service models and endpoint rules are loaded now; no request is made."""
    # The provider `parameters.get_secret` would create at the first request (``config.load_secret``).
    if "secrets" not in DEFAULT_PROVIDERS:
        DEFAULT_PROVIDERS["secrets"] = SecretsProvider()
    if _loaded("actions.machinery.context") is not None or _loaded("lookup.shared_reads") is not None:
        import boto3

        # The actions' own client, and the lookups' shared cache's, are made from the same default
        # session at first use: its model is cached.
        boto3.client("dynamodb").close()


def _warm_phone_metadata() -> None:
    if _loaded("phones") is None:
        return
    import phonenumbers

    # phonenumbers loads a region's metadata at its first use of the region.
    phonenumbers.example_number(current_runtime().settings().default_phone_region)


@register_before_snapshot
def warm() -> None:
    """Before the snapshot: do now what every container would otherwise do at its first request."""
    _step("settings", _warm_settings)
    _step("models", _warm_models)
    _step("aws_clients", _warm_aws_clients)
    _step("phone_metadata", _warm_phone_metadata)


@register_after_restore
def refresh() -> None:
    """After a restore: drop what one snapshot's containers must not share or trust."""
    random.seed()  # from os.urandom
    reset_all_connections()
    for provider in list(DEFAULT_PROVIDERS.values()):
        provider.clear_cache()  # the credentials are read again at the next request
        provider.client.close()  # botocore opens new connections when next used
    if (context := _loaded("actions.machinery.context")) is not None:
        context.drop_connection_pools()
    if (store_settings := _loaded("lookup.store_settings")) is not None:
        store_settings.forget_store_settings()
    if (deadlines := _loaded("lookup.deadlines")) is not None:
        deadlines.init_clock.restart()  # the first lookup after a restore counts the restore's time
    if (images := _loaded("lookup.product_images")) is not None:
        images.CACHE.clear()
