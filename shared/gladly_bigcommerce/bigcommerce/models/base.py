"""What every BigCommerce payload model is: read leniently, sent strictly; lists that skip what the
adaptor cannot use (see the package docstring)."""

from __future__ import annotations

import logging
from collections.abc import Collection
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
)

from gladly_bigcommerce.bigcommerce.lenient import Lenient, later, reading
from gladly_bigcommerce.observability import count

_M = TypeVar("_M", bound=BaseModel)

logger = logging.getLogger(__name__)


def skipped_unusable(what: str, skipped: int, total: int, where: Collection[str] = ()) -> None:
    """Log and count items of a BigCommerce list that lack what the adaptor needs (once the answer
    in progress is read: `lenient.later`).

    Only field names are logged, never values (they may be personal data).
    """
    at = f" (at {', '.join(sorted(where)[:5])})" if where else ""

    def report() -> None:
        logger.warning("bigcommerce %s list: skipped %d unusable item(s) of %d%s", what, skipped, total, at)
        count("UpstreamItemsSkipped", skipped)

    later(report)


def usable_items(model: type[_M], items: list[Any]) -> list[_M]:
    """The items of a list that `model` can read; the others are skipped (logged and counted), and
    the fields a lenient model left out of the items it read are logged and counted (`lenient`)."""
    return reading(model.__name__, lambda: _usable_items(model, items))


def _usable_items(model: type[_M], items: list[Any]) -> list[_M]:
    usable: list[_M] = []
    where: set[str] = set()
    for item in items:
        try:
            usable.append(model.model_validate(item))
        except ValidationError as exc:
            where.update(".".join(str(part) for part in error["loc"]) for error in exc.errors())
    if len(usable) < len(items):
        skipped_unusable(model.__name__, len(items) - len(usable), len(items), where)
    return usable


def skip_unusable(model: type[BaseModel]) -> BeforeValidator:
    """A nested list where an unusable item is skipped, not fatal to the whole answer; `null` is empty."""

    def read(value: Any) -> Any:
        if value is None:
            return []
        return usable_items(model, value) if isinstance(value, list) else value

    return BeforeValidator(read)


def empty_if_null(value: Any) -> Any:
    return [] if value is None else value


def number_as_text(value: Any) -> Any:
    """An id the files type as "string or number" (a payment provider's), kept as its text."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value) if isinstance(value, int) else value


def ints_only(value: Any) -> Any:
    """The integers of a list (the customers file leaves the type of a channel id open)."""
    if not isinstance(value, list):
        return value
    return [item for item in value if isinstance(item, int) and not isinstance(item, bool)]


class ApiModel(BaseModel):
    """A model read from BigCommerce: tolerant of fields it does not know."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class RecordModel(ApiModel, Lenient):
    """A record the adaptor shows (customers, addresses, orders, their lines and shipments): a field
    it cannot read is left out, never the record (`lenient`)."""


class RequestModel(BaseModel):
    """A model sent to BigCommerce: strict, so that a misspelt field is an error, not a silent drop.

    Built at first use, not at import: only the action functions (and fixtures) send any, and the
    lookup function's cold start should not pay for them.
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)


class ActionApiModel(ApiModel):
    """A model read from BigCommerce by the action functions only (refunds, promotions): built at
    first use, like `RequestModel`."""

    model_config = ConfigDict(defer_build=True)
