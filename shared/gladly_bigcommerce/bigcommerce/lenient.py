"""A bad field costs that field, never the record.

BigCommerce answers are untidy: a public client's sample order carries its billing `zip` and `phone`
as JSON numbers (Space48/bigcommerce-api-js, `src/test/orderv2/sample-responses/order.ts`), and any
field may some day arrive as an object, a list or a date nobody can read. A model that mixes in
`Lenient` reads such a record anyway: each field whose value it cannot read is left out (it takes
its default: `""`, 0, None, an empty list), a field of a record nested in it too (`billing_address.zip`),
and the record remembers what it lost, so the record itself is never lost. Only the fields a model
declares without a default (an order's `id` and `status_id`, a line's `id` and `quantity`) still
make the record unusable: nothing can be shown or done with an order without them, and the list it
came in skips it (`usable_items`). A record read from a list nested in another (a consignment's line
items) is read the same way, by itself.

The lost fields of a record and of everything nested in it are `dropped_fields(record)` (dotted
paths such as `billing_address.zip`, never values: they may be personal data). Each read of a
BigCommerce answer that lost some is logged and counted once (`FieldsDropped`) by `reading`; the
DETAILED profile names them in its `detailsSkipped` attribute (`describe_dropped`).

Reading costs nothing more while an answer is tidy: pydantic reads it at once; only an answer it
refuses is read again without the values at fault. What a read reports (lost fields, list items it
skipped: `later`) is reported once it has finished, for the attempt that succeeded only, so a record
read again never counts twice.

Only records the adaptor shows (customers, addresses, orders, their lines, consignments and
shipments) are lenient. Records that decide money (refunds, refund quotes, promotions) are read
whole or not at all: a refund's `is_declined` silently read as False would count a declined refund
as paid.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any, Self, TypeVar

from pydantic import BaseModel, Field, ValidationError
from pydantic.config import ExtraValues

from gladly_bigcommerce.observability import count

T = TypeVar("T")

logger = logging.getLogger(__name__)
_local = threading.local()  # per thread: how deep in a read, and how many records lost fields so far

# How many lost fields the profile names before it says "and N more".
NAMED_IN_PROFILE = 5
# Reading again without the values at fault: each round leaves out at least one value.
_MAX_ROUNDS = 64
_BOOKKEEPING = ("lenient_lost", "lenient_lost_inside")


class Lenient(BaseModel):
    """Mixed into a record model: a field it cannot read is left out (see the module docstring)."""

    lenient_lost: tuple[str, ...] = Field(default=(), exclude=True, repr=False)
    """The fields this record lost, dotted paths into it (those of records read from lists inside
    it are theirs)."""
    lenient_lost_inside: bool = Field(default=False, exclude=True, repr=False)
    """Whether this record, or any record read while reading it, lost a field."""

    @classmethod
    def model_validate(
        cls,
        obj: Any,
        *,
        strict: bool | None = None,
        extra: ExtraValues | None = None,
        from_attributes: bool | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        if isinstance(obj, dict) and ("lenient_lost" in obj or "lenient_lost_inside" in obj):
            obj = {key: value for key, value in obj.items() if key not in _BOOKKEEPING}
        options: dict[str, Any] = {
            "strict": strict,
            "extra": extra,
            "from_attributes": from_attributes,
            "context": context,
            "by_alias": by_alias,
            "by_name": by_name,
        }
        before, mark = _drops(), len(_pending())
        try:
            record = super().model_validate(obj, **options)
        except ValidationError as error:
            del _pending()[mark:]  # what the failed attempt would have reported
            if not isinstance(obj, dict):
                raise
            record = cls._read_without_what_fails(obj, error, **options)
        if _drops() != before:
            record.lenient_lost_inside = True
        return record

    @classmethod
    def _read_without_what_fails(cls, data: dict[str, Any], error: ValidationError, **options: Any) -> Self:
        lost: list[str] = []
        for _ in range(_MAX_ROUNDS):
            paths = [_field_path(detail["loc"]) for detail in error.errors()]
            if any(not path or cls._required(path) for path in paths):
                raise error
            for path in paths:
                data = _without(data, path)
                lost.append(".".join(str(part) for part in path if isinstance(part, str)))
            mark = len(_pending())
            try:
                record = super().model_validate(data, **options)
            except ValidationError as again:
                del _pending()[mark:]
                error = again
                continue
            record.lenient_lost = tuple(dict.fromkeys(lost))
            _local.drops = _drops() + 1
            return record
        raise error

    @classmethod
    def _required(cls, path: tuple[str | int, ...]) -> bool:
        field = cls.model_fields.get(str(path[0]))
        return field is None or (len(path) == 1 and field.is_required())


def _drops() -> int:
    return int(getattr(_local, "drops", 0))


def _pending() -> list[Callable[[], None]]:
    pending: list[Callable[[], None]] | None = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = []
    return pending


def later(report: Callable[[], None]) -> None:
    """Run `report` (a log line and a metric about a read) once the read in progress has finished,
    or now outside a read."""
    if getattr(_local, "depth", 0):
        _pending().append(report)
    else:
        report()


def _field_path(location: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """An error's location without what pydantic adds past the field (a union member's tag)."""
    return tuple(part for part in location if isinstance(part, str | int))


def _without(data: Any, path: tuple[str | int, ...]) -> Any:
    """`data` without the value at `path` (copies along the path; the input is never changed). A
    path that cannot be followed in the input (a validator reshaped it) drops its first field."""
    head, rest = path[0], path[1:]
    if isinstance(data, dict) and head in data:
        if not rest:
            return {key: value for key, value in data.items() if key != head}
        inner = data[head]
        if isinstance(inner, dict | list) and _followable(inner, rest):
            return {**data, head: _without(inner, rest)}
        return {key: value for key, value in data.items() if key != head}
    if isinstance(data, list) and isinstance(head, int) and 0 <= head < len(data) and rest:
        return [*data[:head], _without(data[head], rest), *data[head + 1 :]]
    return data


def _followable(data: Any, path: tuple[str | int, ...]) -> bool:
    for part in path:
        in_dict = isinstance(data, dict) and isinstance(part, str) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not (in_dict or in_list):
            return False
        data = data[part]
    return True


def dropped_fields(record: BaseModel) -> list[str]:
    """The fields the record and the records nested in it lost, as dotted paths (no list indexes),
    each once, in the order met. A record that lost nothing answers at once."""
    if isinstance(record, Lenient) and not record.lenient_lost_inside:
        return []
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
        found.update((f"{prefix}{name}", None) for name in value.lenient_lost)
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
    if depth:  # a read inside another: the outermost one reports
        _local.depth = depth + 1
        try:
            return read()
        finally:
            _local.depth = depth
    before = _drops()
    _local.depth = depth + 1
    try:
        value = read()
    finally:
        _local.depth = depth
        if depth == 0:
            reports, _local.pending = _pending(), []
            for report in reports:
                report()
    if depth == 0 and _drops() != before:
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
    count("FieldsDropped", len(paths))


def describe_dropped(records: Iterable[tuple[str, BaseModel | None]], limit: int = NAMED_IN_PROFILE) -> str:
    """What a profile left out, for people: `order 218 billing_address.zip, customer phone` (at most
    `limit` named, then "and N more"); `""` when nothing was."""
    lost = (f"{label} {path}" for label, record in records if record for path in dropped_fields(record))
    unique = list(dict.fromkeys(lost))
    if len(unique) <= limit:
        return ", ".join(unique)
    return ", ".join(unique[:limit]) + f" and {len(unique) - limit} more"
