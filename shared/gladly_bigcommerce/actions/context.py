"""What an action needs to run, built once per container from the deployment's settings and secret.

The BigCommerce client and the boto3 DynamoDB client are reused across invocations of a warm
Lambda (their connection pools are the point); a rotated access token gets a new client.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3
from botocore.config import Config

from gladly_bigcommerce.actions.answers import SubmitAnswer
from gladly_bigcommerce.actions.idempotency import RemainingTime
from gladly_bigcommerce.actions.submit import ActionStores, SubmitRequest, run_submit
from gladly_bigcommerce.actions.tokens import FormToken
from gladly_bigcommerce.api import Dependencies
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.config import ActionName, AdaptorSettings, ConfigError, ConfigProblem
from gladly_bigcommerce.gladly.errors import NotAcceptable
from gladly_bigcommerce.gladly.models import ActionResult

ACTION_DEADLINE_SECONDS = 12.0
"""Gladly abandons a request at 15 s and the action Lambdas stop at 14 s: finish, or say why, by 12 s."""
_LAMBDA_MARGIN_SECONDS = 1.5
# BigCommerce reads are quick; a refund may take the payment provider a few seconds to accept.
_BIGCOMMERCE_READ_TIMEOUT = 8.0
_DYNAMODB_CONFIG = Config(connect_timeout=2, read_timeout=3, retries={"max_attempts": 3, "mode": "standard"})


@dataclass(frozen=True)
class ActionContext:
    """One action request's dependencies and budget."""

    settings: AdaptorSettings
    client: BigCommerceClient
    stores: ActionStores
    deadline: Deadline
    now: datetime
    correlation_id: str
    lambda_context: RemainingTime | None

    def submit(
        self,
        action: ActionName,
        raw_token: str | None,
        values: Mapping[str, Any],
        perform: Callable[[FormToken], SubmitAnswer],
        *,
        order_id: int | None = None,
        customer_id: str | None = None,
    ) -> ActionResult:
        """Run an action's ``perform`` under ``run_submit``, with this request's stores, budget and clock."""
        request = SubmitRequest(
            action=action,
            raw_token=raw_token,
            values=values,
            correlation_id=self.correlation_id,
            order_id=order_id,
            customer_id=customer_id,
        )
        return run_submit(
            request,
            perform,
            stores=self.stores,
            deadline=self.deadline,
            now=self.now,
            lambda_context=self.lambda_context,
        )


class _Clients:
    """Per-container clients, rebuilt only when what they depend on changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bigcommerce: dict[tuple[str, str, str, str], BigCommerceClient] = {}
        self._stores: dict[tuple[str, str], ActionStores] = {}
        self._dynamodb: Any = None

    def bigcommerce(self, settings: AdaptorSettings, access_token: str, client_id: str) -> BigCommerceClient:
        key = (settings.store_hash, settings.api_base, access_token, client_id)
        with self._lock:
            client = self._bigcommerce.get(key)
            if client is None:
                for stale in self._bigcommerce.values():
                    stale.close()
                self._bigcommerce = {}
                client = BigCommerceClient(
                    settings.store_hash,
                    access_token,
                    client_id=client_id,
                    api_base=settings.api_base,
                    read_timeout=_BIGCOMMERCE_READ_TIMEOUT,
                )
                self._bigcommerce[key] = client
            return client

    def stores(self, settings: AdaptorSettings) -> ActionStores:
        if not settings.idempotency_table_name or not settings.order_locks_table_name:
            raise ConfigError(
                [
                    ConfigProblem(
                        field=name,
                        problem="is empty, and actions cannot run without it",
                        fix="Deploy with template.yaml, which sets it from its own DynamoDB table.",
                    )
                    for name, value in (
                        ("IDEMPOTENCY_TABLE_NAME", settings.idempotency_table_name),
                        ("ORDER_LOCKS_TABLE_NAME", settings.order_locks_table_name),
                    )
                    if not value
                ]
            )
        key = (settings.idempotency_table_name, settings.order_locks_table_name)
        with self._lock:
            stores = self._stores.get(key)
            if stores is None:
                if self._dynamodb is None:
                    # boto3 honours AWS_ENDPOINT_URL, which points it at moto locally.
                    self._dynamodb = boto3.client("dynamodb", config=_DYNAMODB_CONFIG)
                stores = ActionStores.on_tables(self._dynamodb, idempotency_table=key[0], locks_table=key[1])
                self._stores[key] = stores
            return stores


_clients = _Clients()


def action_context(action: ActionName, dependencies: Dependencies) -> ActionContext:
    """The context for one request of ``action``; 406 when the deployment has the action turned off."""
    settings = dependencies.settings
    if action not in settings.actions_enabled:
        raise NotAcceptable.of(
            "action_disabled",
            f"The {action} action is turned off for this deployment; ask an admin to enable it.",
        )
    secret = dependencies.secret
    lambda_context = dependencies.lambda_context
    budget = ACTION_DEADLINE_SECONDS
    if lambda_context is not None and hasattr(lambda_context, "get_remaining_time_in_millis"):
        budget = min(budget, lambda_context.get_remaining_time_in_millis() / 1000 - _LAMBDA_MARGIN_SECONDS)
    else:
        lambda_context = None
    return ActionContext(
        settings=settings,
        client=_clients.bigcommerce(
            settings, secret.access_token.get_secret_value(), secret.client_id.get_secret_value()
        ),
        stores=_clients.stores(settings),
        deadline=Deadline.after(budget),
        now=dependencies.received_at,
        correlation_id=dependencies.correlation_id,
        lambda_context=lambda_context,
    )
