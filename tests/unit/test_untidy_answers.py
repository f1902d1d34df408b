"""A value of any other JSON type in any field of a real answer costs that field, never the record.

Starting from answers captured from real stores (tests/fixtures/public_payloads/README.md), one field
(of the record or of its billing address) is replaced by an arbitrary JSON value, and the answer is
read as the client reads it. Unless the field is one the record cannot do without (its id, an order's
status), the record is read, every other field exactly as before, and the replaced one either read
(a whole number where text is expected) or reported lost by `dropped_fields`.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from gladly_bigcommerce.bigcommerce import http as bigcommerce_http
from gladly_bigcommerce.bigcommerce.lenient import dropped_fields
from gladly_bigcommerce.bigcommerce.models import Order, OrderProduct, PostalAddress, Shipment

PAYLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "public_payloads"

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.decimals(allow_nan=False, allow_infinity=False, places=3)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)


def captured(name: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads((PAYLOADS / name).read_text(encoding="utf-8"), parse_float=Decimal)
    return payload


ORDER = captured("appse_order_519.json")
LINE = captured("appse_order_519_products.json")[0]
SHIPMENT = captured("appse_order_519_shipment.json")


def paths_of(payload: dict[str, Any], model: type[BaseModel]) -> list[tuple[str, ...]]:
    """The fields the model reads, and those of the billing address, as they appear in the answer."""
    top = [(name,) for name in payload if name in model.model_fields]
    address = payload.get("billing_address") or {}
    nested = [("billing_address", name) for name in address if name in PostalAddress.model_fields]
    return top + (nested if "billing_address" in model.model_fields else [])


def replaced(payload: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(payload, default=str), parse_float=Decimal)
    target = copy
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return copy


def without(dump: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    if len(path) == 1:
        return {key: value for key, value in dump.items() if key != path[0]}
    return {**dump, path[0]: without(dump[path[0]], path[1:])}


def check(model: type[BaseModel], payload: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    (original,) = bigcommerce_http.read_list(model, [payload])
    read = bigcommerce_http.read_list(model, [replaced(payload, path, value)])
    if model.model_fields[path[0]].is_required() and len(path) == 1:
        # Only what the record cannot do without may cost it, and only if unreadable
        assert len(read) <= 1
        return
    (record,) = read
    dotted = ".".join(path)
    # Every other field is read exactly as before
    assert without(record.model_dump(), path) == without(original.model_dump(), path)
    lost = dropped_fields(record)
    assert set(lost) <= {dotted}
    if not lost and isinstance(value, str | int | Decimal) and not isinstance(value, bool):
        # A scalar that was read is the value sent, or its text (a whole number where text is expected)
        kept = record.model_dump()
        for part in path:
            kept = kept[part]
        if value == "":
            assert kept in ("", None), kept  # v2's "none yet" for a date or an amount
        else:
            assert kept == value or str(kept) == str(value), (kept, value)


@given(data=st.data(), value=JSON_VALUES)
def test_an_order_keeps_everything_but_the_one_unreadable_value(data: st.DataObject, value: Any) -> None:
    path = data.draw(st.sampled_from(paths_of(ORDER, Order)))
    check(Order, ORDER, path, value)


@given(data=st.data(), value=JSON_VALUES)
def test_an_order_line_keeps_everything_but_the_one_unreadable_value(data: st.DataObject, value: Any) -> None:
    check(OrderProduct, LINE, data.draw(st.sampled_from(paths_of(LINE, OrderProduct))), value)


@given(data=st.data(), value=JSON_VALUES)
def test_a_shipment_keeps_everything_but_the_one_unreadable_value(data: st.DataObject, value: Any) -> None:
    check(Shipment, SHIPMENT, data.draw(st.sampled_from(paths_of(SHIPMENT, Shipment))), value)


ODD_VALUES = (5, -1, True, Decimal("1.5"), "x", "", {}, {"a": 1}, [], ["x"], None)


def test_every_field_of_each_captured_record_survives_every_odd_type() -> None:
    # Exhaustively, beside the random draws above: each field, each kind of odd value
    for model, payload in ((Order, ORDER), (OrderProduct, LINE), (Shipment, SHIPMENT)):
        for path in paths_of(payload, model):
            for value in ODD_VALUES:
                check(model, payload, path, value)
