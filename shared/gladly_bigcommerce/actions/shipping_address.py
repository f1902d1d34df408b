"""The change-shipping-address action: correct an order's shipping address before anything ships to it.

Offered on each shipping address of an order that nothing has shipped to (its consignment's
``items_shipped`` is 0), while the order is not cancelled, refunded or completed: one button per such
address, whose form URL names it (``addressId``; the form's token is bound to it).

Form (signed ``GET actions/shipping_address?orderId=..&customer=..&addressId=..``): the address as it
is, prefilled: name, company, street lines, city, state, zip, country, phone, email. The country is a
select of BigCommerce's countries (``GET /v2/countries``, kept per container: every store has the same
list); the state is typed, and for a country BigCommerce lists states for it must be one of them, by
name or abbreviation (written as BigCommerce's full name: abbreviations make tax documents fail, the
orders guide's Avalara note). Gladly's forms cannot make one field's options depend on another's value.
An empty field keeps the value it shows (``fields.read_submit``: empty means the default), so a line
is removed in BigCommerce's control panel, not here.

Submit, under the order's lock (``exactly_once.submit_order_action``): the order and the address are
read again; when the order was cancelled, refunded or completed, or anything shipped to the address,
since the form was opened, the submit is refused (406) and nothing is written. Otherwise the address is
journaled as it was and as it will be, and written with ``PUT /v2/orders/{id}/shipping_addresses/{id}``
(the recipient's members only: BigCommerce recomputes no shipping cost or tax, orders.v2
``updateOrderShippingAddress``). The answer shows the address BigCommerce then keeps. A submit repeated
after a timeout reads the address first (``machinery/rewrites.py``): as written, it is reported; as it
was, it is written once an unconfirmed write can no longer arrive; otherwise nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from gladly_bigcommerce.actions.machinery.answers import SubmitAnswer
from gladly_bigcommerce.actions.machinery.attempts import Attempt
from gladly_bigcommerce.actions.machinery.context import ActionContext
from gladly_bigcommerce.actions.machinery.errors import Refusal, WriteGuidance
from gladly_bigcommerce.actions.machinery.exactly_once import (
    begin_attempt,
    finish_attempt,
    submit_order_action,
)
from gladly_bigcommerce.actions.machinery.fields import (
    ByChoice,
    FormField,
    Refused,
    SubmittedForm,
    Text,
    echoed,
    read_submit,
    select_field,
    text_field,
)
from gladly_bigcommerce.actions.machinery.forms import order_action_form
from gladly_bigcommerce.actions.machinery.rewrites import earlier_write
from gladly_bigcommerce.actions.machinery.route import ActionRoute
from gladly_bigcommerce.actions.machinery.tokens import FormToken
from gladly_bigcommerce.actions.machinery.urls import FormItem
from gladly_bigcommerce.actions.orders import (
    STATUS_CANCELLED,
    STATUS_COMPLETED,
    STATUS_REFUNDED,
    OrderActionQuery,
    canonical_id,
    load_order,
    status_label,
)
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.models import (
    Country,
    CountryState,
    Order,
    ShippingAddress,
    ShippingAddressUpdate,
)
from gladly_bigcommerce.gladly.errors import BadRequest, NotAcceptable
from gladly_bigcommerce.gladly.models import ActionForm, ActionResult
from gladly_bigcommerce.settings.model import ActionName

ACTION: ActionName = "shipping_address"
ADDRESS_PARAMETER = "addressId"
CLOSED_STATUSES = frozenset({STATUS_CANCELLED, STATUS_REFUNDED, STATUS_COMPLETED, 0})
"""Cancelled, Refunded, Completed, and Incomplete (an abandoned checkout): no address to correct."""
COUNTRY, STATE = "country_iso2", "state"
REQUIRED = {"first_name": "First name", "last_name": "Last name", "street_1": "Street", "city": "City"}
OPTIONAL = {"company": "Company", "street_2": "Street, line 2", "zip": "ZIP or postcode", "phone": "Phone"}


class ShippingAddressQuery(OrderActionQuery):
    """An order action's query plus the shipping address the form is about (``addressId``)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    address_id: Annotated[int, canonical_id("an address id")] = Field(alias=ADDRESS_PARAMETER, gt=0)

    @property
    def item(self) -> FormItem:
        return FormItem(ADDRESS_PARAMETER, self.address_id)


# --- BigCommerce's countries and states, kept per container --------------------------------------------


@dataclass(frozen=True)
class Geography:
    """BigCommerce's countries by ISO code, and the states of those that have them."""

    countries: Mapping[str, Country]
    states: Mapping[int, tuple[CountryState, ...]]

    @classmethod
    def read(cls, client: BigCommerceClient, deadline: Deadline) -> Geography:
        countries = {
            c.country_iso2.upper(): c for c in client.list_countries(deadline=deadline) if c.country_iso2
        }
        states: dict[int, list[CountryState]] = {}
        for state in client.list_states(deadline=deadline):
            states.setdefault(state.country_id, []).append(state)
        return cls(countries, {country_id: tuple(found) for country_id, found in states.items()})

    def states_of(self, iso2: str) -> tuple[CountryState, ...]:
        country = self.countries.get(iso2.upper())
        return self.states.get(country.id, ()) if country is not None else ()


def geography(context: ActionContext) -> Geography:
    """BigCommerce's countries and states, read once per container and store (every store has the same)."""
    return context.keep(Geography, lambda client: Geography.read(client, context.deadline))


@dataclass(frozen=True)
class StateOf:
    """A state of one country, by its name or abbreviation, ignoring case: BigCommerce's full name."""

    country: str
    states: tuple[CountryState, ...]
    missing: str | None = None

    def read(self, text: str) -> str:
        typed = text.strip().casefold()
        for state in self.states:
            if typed in (state.state.casefold(), state.state_abbreviation.casefold()):
                return state.state
        raise Refused(
            "unknown_state",
            f"BigCommerce knows no such state of {self.country}: type one of its states, e.g. "
            f"{self.states[0].state} or {self.states[0].state_abbreviation or self.states[0].state}.",
        )


# --- the form --------------------------------------------------------------------------------------------


def address_fields(geo: Geography, address: ShippingAddress) -> list[FormField]:
    """The address form's fields, prefilled with ``address`` as it is: rendered by the form, read by the
    submit (read against the address as it is then)."""
    fields = [
        text_field(
            attr, label, Text(missing=f"Enter the {label.lower()}."), default=getattr(address, attr) or None
        )
        for attr, label in REQUIRED.items()
    ]
    fields[2:2] = [text_field("company", "Company", Text(), default=address.company or None, optional=True)]
    countries = sorted(geo.countries.values(), key=lambda c: c.country)
    current = address.country_iso2.upper()
    fields.append(
        select_field(
            COUNTRY,
            "Country",
            [(c.country_iso2.upper(), c.country) for c in countries],
            default=current if current in geo.countries else None,
            placeholder="Choose a country",
            missing="Choose the country.",
        )
    )
    states = {
        iso2: StateOf(country.country, geo.states[country.id])
        for iso2, country in geo.countries.items()
        if geo.states.get(country.id)
    }
    fields.append(
        text_field(
            STATE,
            "State, province or region",
            ByChoice(COUNTRY, states, otherwise=Text()),
            default=address.state or None,
            optional=True,
            hint="Required where BigCommerce lists states (US, CA, AU, ...): its name or abbreviation.",
        )
    )
    fields += [
        text_field(attr, label, Text(), default=getattr(address, attr) or None, optional=True)
        for attr, label in OPTIONAL.items()
    ]
    fields.append(text_field("email", "Email", Text(), default=address.email or None, optional=True))
    return fields


def shipping_address_form(context: ActionContext, query: ShippingAddressQuery) -> ActionForm:
    """The address, prefilled; 406 when it can no longer be changed."""
    order = load_order(context.client, query, deadline=context.deadline)
    address = open_address(context, order, query.address_id)
    return order_action_form(
        context,
        ACTION,
        query,
        f"Change a shipping address of order {order.id}",
        "Change address",
        address_fields(geography(context), address),
    )


def open_address(context: ActionContext, order: Order, address_id: int) -> ShippingAddress:
    """The order's address ``address_id``, as BigCommerce keeps it now; 406 when the order is closed or
    anything has shipped to it (or BigCommerce's answer does not say)."""
    if order.status_id in CLOSED_STATUSES:
        raise NotAcceptable.of(
            "order_closed",
            f"Order {order.id} is {status_label(order)}, so its shipping address cannot be changed.",
        )
    addresses = context.client.list_shipping_addresses(order.id, deadline=context.deadline)
    address = next((found for found in addresses if found.id == address_id), None)
    if address is None:
        raise NotAcceptable.of(
            "address_not_found",
            f"Order {order.id} has no such shipping address any more.",
            attr=ADDRESS_PARAMETER,
        )
    if "items_shipped" not in address.model_fields_set:
        raise NotAcceptable.of(
            "shipped_unknown",
            f"BigCommerce did not say whether anything of order {order.id} has shipped to this address, so "
            "it cannot be changed here. Nothing was changed: change it in BigCommerce's control panel.",
        )
    if address.items_shipped > 0:
        raise NotAcceptable.of(
            "already_shipped",
            f"Items of order {order.id} have shipped to this address ({address.items_shipped} of "
            f"{address.items_total}), so it cannot be changed. Nothing was changed.",
        )
    return address


# --- the submit ------------------------------------------------------------------------------------------


class AddressSnapshot(BaseModel):
    """What an address attempt read and writes: the recipient's members before and after."""

    model_config = ConfigDict(frozen=True)

    address_id: int
    before: dict[str, str]
    after: dict[str, str]


def submit_shipping_address(
    context: ActionContext, query: ShippingAddressQuery, values: Mapping[str, Any]
) -> ActionResult:
    """Change the address exactly once per form, under the order's lock (see the module docstring)."""

    def change_once(token: FormToken, attempt: Attempt | None) -> SubmitAnswer:
        order = load_order(context.client, query, deadline=context.deadline)
        if attempt is not None:
            snapshot = AddressSnapshot.model_validate(attempt.snapshot)
            address = _address(context, order, snapshot.address_id)
            written = address is not None and _shows(address, snapshot.after)
            redoable = address is not None and _shows(address, snapshot.before)
            what = f"shipping address of order {order.id}"
            if earlier_write(context, attempt, written=written, redoable=redoable, what=what):
                return finish_attempt(context, attempt, _changed(order.id, snapshot, recovered=True))
        address = open_address(context, order, query.address_id)
        geo = geography(context)
        update = _update(geo, read_submit(address_fields(geo, address), values))
        snapshot = AddressSnapshot(
            address_id=address.id,
            before={name: getattr(address, name) for name in ShippingAddressUpdate.model_fields},
            after=update.model_dump(),
        )
        return _write(context, order.id, snapshot, update, token, replacing=attempt)

    return submit_order_action(context, query.subject(ACTION), query.token, values, change_once)


def _address(context: ActionContext, order: Order, address_id: int) -> ShippingAddress | None:
    addresses = context.client.list_shipping_addresses(order.id, deadline=context.deadline)
    return next((found for found in addresses if found.id == address_id), None)


def _shows(address: ShippingAddress, members: Mapping[str, str]) -> bool:
    return all(getattr(address, name) == value for name, value in members.items())


def _update(geo: Geography, form: SubmittedForm) -> ShippingAddressUpdate:
    """The address to write: every recipient member, the country's name and code BigCommerce's own."""
    iso2 = form.choice(COUNTRY)
    assert iso2 is not None
    country = geo.countries[iso2]
    state = form.values.get(STATE) or ""
    if geo.states_of(iso2) and not state:
        raise BadRequest.of(
            "missing", f"Enter the state: BigCommerce lists states for {country.country}.", attr=STATE
        )
    members = {name: form.values.get(name) or "" for name in (*REQUIRED, *OPTIONAL, "email")}
    return ShippingAddressUpdate(
        **members, state=state, country=country.country, country_iso2=country.country_iso2
    )


def _write(
    context: ActionContext,
    order_id: int,
    snapshot: AddressSnapshot,
    update: ShippingAddressUpdate,
    token: FormToken,
    *,
    replacing: Attempt | None,
) -> SubmitAnswer:
    attempt = begin_attempt(context, ACTION, token, snapshot, order_id=order_id, replacing=replacing)
    context.write(
        lambda deadline: context.client.update_shipping_address(
            order_id, snapshot.address_id, update, deadline=deadline
        ),
        guidance=WriteGuidance(
            not_done=f"the shipping address of order {order_id} was not changed",
            unconfirmed=f"the new shipping address of order {order_id}",
            checked="the address is read",
        ),
        forget=attempt,
        refused=Refusal("address_refused", "the address", "The address was not changed.", attr=""),
    )
    return finish_attempt(context, attempt, _changed(order_id, snapshot))


def _changed(order_id: int, snapshot: AddressSnapshot, *, recovered: bool = False) -> SubmitAnswer:
    """200: the address as written, one line per part."""
    after = snapshot.after
    lines = [
        " ".join(part for part in (after["first_name"], after["last_name"]) if part),
        after["company"],
        after["street_1"],
        after["street_2"],
        " ".join(part for part in (after["city"], after["state"], after["zip"]) if part),
        after["country"],
    ]
    detail = [echoed(line) for line in lines if line]
    detail.append("BigCommerce does not recompute the order's shipping cost or tax for a new address.")
    if recovered:
        detail.append("(Confirmed after an earlier timeout: the address was not written twice.)")
    changed = sorted(name for name, value in after.items() if snapshot.before.get(name) != value)
    audit = {"address_id": str(snapshot.address_id), "changed": ",".join(changed) or "nothing"}
    return SubmitAnswer.success(
        f"Changed a shipping address of order {order_id}", "\n".join(detail), audit=audit
    )


ROUTE = ActionRoute(ACTION, ShippingAddressQuery, shipping_address_form, submit_shipping_address)
"""The shipping-address Lambda: the form on ``GET``, the submit on ``POST`` (``edge/actions.py``)."""
