"""A bad field costs that field, never the record.

BigCommerce answers are untidy: a public client's sample order carries its billing `zip` and `phone`
as JSON numbers (Space48/bigcommerce-api-js, `src/test/orderv2/sample-responses/order.ts`), and any
field may some day arrive as an object, a list or a date nobody can read. A model that mixes in
`Lenient` reads such a record anyway: each field whose value it cannot read is left out (it takes
its default: `""`, 0, None, an empty list) and its name is remembered on the record, so the record
itself is never lost. Only the fields a model declares without a default (an order's `id` and
`status_id`, a line's `id` and `quantity`) still make the record unusable: nothing can be shown or
done with an order without them, and the list it came in skips it (`usable_items`).

The lost fields of a record and of everything nested in it are `dropped_fields(record)` (dotted
paths such as `billing_address.zip`, never values: they may be personal data). Each read of a
BigCommerce answer that lost some is logged and counted once (`FieldsDropped`) by `reading`; the
DETAILED profile names them in its `detailsSkipped` attribute (`describe_dropped`).

Only records the adaptor shows (customers, addresses, orders, their lines, consignments and
shipments) are lenient. Records that decide money (refunds, refund quotes, promotions) are read
whole or not at all: a refund's `is_declined` silently read as False would count a declined refund
as paid.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, PrivateAttr, ValidationError, ValidatorFunctionWrapHandler, model_validator

from gladly_bigcommerce.observability import count

T = TypeVar("T")

logger = logging.getLogger(__name__)
_metrics_lock = threading.Lock()
_local = threading.local()  # per thread: how deep in a read, and how many fields were dropped so far

# How many lost fields the profile names before it says "and N more".
NAMED_IN_PROFILE = 5


class Lenient(BaseModel):
    """Mixed into a record model: a field it cannot read is dropped (see the module docstring)."""

    _dropped: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _drop_unreadable_fields(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(data)
        except ValidationError as error:
            unreadable = _optional_fields_at_fault(cls, error) if isinstance(data, dict) else None
            if not unreadable:
                raise
            record = handler({key: value for key, value in data.items() if key not in unreadable})
            record._dropped = tuple(sorted(unreadable))
            _local.drops = getattr(_local, "drops", 0) + len(unreadable)
            return record


def _optional_fields_at_fault(model: type[BaseModel], error: ValidationError) -> set[str] | None:
    """The top-level fields the errors are in, or None when one of them is required (or unknown)."""
    fields = model.model_fields
    names: set[str] = set()
    for detail in error.errors():
        location = detail["loc"]
        name = location[0] if location else None
        if not isinstance(name, str) or name not in fields or fields[name].is_required():
            return None
        names.add(name)
    return names


def dropped_fields(record: BaseModel) -> list[str]:
    """The fields the record and the records nested in it lost, as dotted paths (no list indexes),
    each once, in the order met."""
    found: dict[str, None] = {}
    _collect(record, "", found)
    return list(found)


def _collect(value: Any, prefix: str, found: dict[str, None]) -> None:
    if isinstance(value, list):
        for item in value:
            _collect(item, prefix, found)
        return
    if not isinstance(value, BaseModel):
        return
    if isinstance(value, Lenient):
        found.update((f"{prefix}{name}", None) for name in value._dropped)
    for name in type(value).model_fields:
        nested = getattr(value, name)
        if isinstance(nested, BaseModel | list):
            _collect(nested, f"{prefix}{name}.", found)


def reading(what: str, read: Callable[[], T]) -> T:
    """`read()` (the parsing of one BigCommerce answer), logging and counting the fields it dropped.

    Reads nested in another (a list of line items inside an order) are reported by the outermost
    one only, so each lost field is counted once per answer read.
    """
    depth = getattr(_local, "depth", 0)
    before = getattr(_local, "drops", 0)
    _local.depth = depth + 1
    try:
        value = read()
    finally:
        _local.depth = depth
    if depth == 0 and getattr(_local, "drops", 0) != before:
        records = value if isinstance(value, list) else [value]
        paths = sorted({path for record in records for path in _paths(record)})
        if paths:
            _report(what, paths)
    return value


def _paths(record: Any) -> list[str]:
    return dropped_fields(record) if isinstance(record, BaseModel) else []


def _report(what: str, paths: list[str]) -> None:
    """Field paths only: the values may be personal data."""
    shown = ", ".join(paths[:10]) + (f" and {len(paths) - 10} more" if len(paths) > 10 else "")
    logger.warning("bigcommerce %s: left out %d unreadable field(s): %s", what, len(paths), shown)
    with _metrics_lock:  # reads run on pool threads
        count("FieldsDropped", len(paths))


def describe_dropped(records: Iterable[tuple[str, BaseModel | None]], limit: int = NAMED_IN_PROFILE) -> str:
    """What a profile left out, for people: `order 218 billing_address.zip, customer phone` (at most
    `limit` named, then "and N more"); `""` when nothing was."""
    lost = [
        f"{label} {path}"
        for label, record in records
        if record is not None
        for path in dropped_fields(record)
    ]
    unique = list(dict.fromkeys(lost))
    if len(unique) <= limit:
        return ", ".join(unique)
    return ", ".join(unique[:limit]) + f" and {len(unique) - limit} more"
