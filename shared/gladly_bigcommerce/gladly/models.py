"""The Gladly Lookup Adaptor protocol as pydantic models: lookup requests, results, transactions, forms.

Python names are snake_case; the wire names are Gladly's camelCase (``externalCustomerId``), produced by
the alias generator. ``to_body()`` gives the JSON-ready dict Gladly expects: camelCase, ``None`` left out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import InitErrorDetails, PydanticCustomError

from gladly_bigcommerce.gladly import limits

LookupLevel = Literal["BASIC", "DETAILED"]
LookupKind = Literal["auto_link", "manual_search", "detailed"]
PhoneType = Literal["MOBILE", "HOME", "OFFICE"]
InputType = Literal["text", "select", "checkbox"]

ORDER_NUMBER_KEY = "orderNumber"
"""The Search Query Attribute of an order-number search (``lookup/order_search.py``)."""

# Keys of a lookup query that are not custom attributes.
_STANDARD_QUERY_KEYS = frozenset(
    {"id", "name", "emails", "phones", "email", "phone", "externalCustomerId", "customAttributes"}
)


class GladlyModel(BaseModel):
    """Base of every protocol model: camelCase on the wire, snake_case in Python."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )

    def to_body(self) -> dict[str, Any]:
        """The JSON-ready dict to send to Gladly."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


# --- Requests ----------------------------------------------------------------------------------------


def _contact_values(kind: str, max_length: int | None = None) -> BeforeValidator:
    """Emails and phones arrive as a string or an array of strings, each within the lookup's length
    limit (``gladly/limits.py``) when given; anything else is a 400. Any number of them is accepted:
    a lookup searches the first few (``lookup/search.searched_emails`` / ``searched_numbers``)."""

    def validate(value: Any) -> Any:
        if value is None:
            return value
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise PydanticCustomError("contact_values", "must be a string or an array of strings")
        if max_length is not None and any(len(item) > max_length for item in items):
            raise PydanticCustomError(
                "too_long",
                "each of the {kind} is at most {limit} characters",
                {"limit": max_length, "kind": kind},
            )
        return value

    return BeforeValidator(validate)


def _external_id(value: Any) -> Any:
    """We always send a string, but an integer sent back means the same customer."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _bounded_external_id(value: str | None) -> str | None:
    """No id we hand out is longer than a guest id or has more digits than a BigCommerce id."""
    problem = limits.external_id_problem(value) if value is not None else None
    if problem:
        raise PydanticCustomError("too_long", problem)
    return value


Emails = Annotated[str | list[str] | None, _contact_values("emails", limits.MAX_EMAIL_LENGTH)]
# Phones cost BigCommerce calls only in a search or an auto-link (a DETAILED lookup reads the linked
# shopper by id), so their limits are checked there only (``LookupRequest._bounded_contacts``): a linked
# profile with many phones still opens.
Phones = Annotated[str | list[str] | None, _contact_values("phones")]


class GladlyProfile(BaseModel):
    """The Gladly customer profile a lookup describes (trimmed, de-duplicated, spelled as sent)."""

    id: str | None = None
    name: str | None = None
    emails: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)


class SearchTerms(BaseModel):
    """The exact values to search BigCommerce by."""

    emails: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)


class LookupQuery(GladlyModel):
    """``query`` of a lookup. Unknown keys (custom attributes, future fields) are kept, never rejected."""

    model_config = ConfigDict(extra="allow")

    id: str | None = Field(default=None, max_length=limits.MAX_PROFILE_ID_LENGTH)
    name: str | None = Field(default=None, max_length=limits.MAX_NAME_LENGTH)
    emails: Emails = None
    phones: Phones = None
    email: Emails = None
    phone: Phones = None
    external_customer_id: Annotated[
        str | None, BeforeValidator(_external_id), AfterValidator(_bounded_external_id)
    ] = None
    # Custom attributes are Gladly's, never searched or echoed: bounded by the body size alone, so a
    # profile with a long note still opens (protocol section 1: unknown keys are never rejected).
    custom_attributes: dict[str, Any] | None = None


class LookupRequest(GladlyModel):
    """A lookup: auto-link, manual search or detailed (protocol section 1)."""

    model_config = ConfigDict(extra="ignore")

    lookup_level: LookupLevel
    unique_match_required: bool = False
    query: LookupQuery

    @model_validator(mode="after")
    def _detailed_needs_external_customer_id(self) -> LookupRequest:
        if self.lookup_level == "DETAILED" and self.external_customer_id is None:
            raise ValidationError.from_exception_data(
                "LookupRequest",
                [InitErrorDetails(type="missing", loc=("query", "externalCustomerId"), input=None)],
            )
        return self

    @model_validator(mode="after")
    def _bounded_contacts(self) -> LookupRequest:
        """Every email, and (in a search or an auto-link, where phones are searched) every phone, is
        within its length limit (``gladly/limits.py``): longer is no address or number. How many
        there are is no reason to refuse: a lookup searches the first few."""
        profile = self.profile
        bounded = [("emails", profile.emails, limits.MAX_EMAIL_LENGTH)]
        if self.lookup_level == "BASIC":
            bounded.append(("phones", profile.phones, limits.MAX_PHONE_LENGTH))
        for field, values, length in bounded:
            if any(len(value) > length for value in values):
                error = PydanticCustomError(
                    "too_long",
                    "each of the {kind} is at most {limit} characters",
                    {"limit": length, "kind": field},
                )
                raise ValidationError.from_exception_data(
                    "LookupRequest", [InitErrorDetails(type=error, loc=("query", field), input=None)]
                )
        return self

    @property
    def kind(self) -> LookupKind:
        """Classify per our rule: auto-link carries the profile ``id`` and array values; else manual search.

        When unsure we say manual search: it never links by itself.
        """
        if self.lookup_level == "DETAILED":
            return "detailed"
        query = self.query
        has_profile_id = bool(query.id and query.id.strip())
        has_array = isinstance(query.emails, list) or isinstance(query.phones, list)
        has_search_attributes = (
            query.email is not None or query.phone is not None or self.order_number is not None
        )
        has_string = isinstance(query.emails, str) or isinstance(query.phones, str)
        if has_profile_id and has_array and not has_search_attributes and not has_string:
            return "auto_link"
        return "manual_search"

    @property
    def profile(self) -> GladlyProfile:
        query = self.query
        return GladlyProfile(
            id=_clean(query.id),
            name=_clean(query.name),
            emails=_merge(query.emails, query.email),
            phones=_merge(query.phones, query.phone),
        )

    @property
    def search_terms(self) -> SearchTerms:
        """Every email and phone the query carries, whichever key (``email``/``emails``...) held it."""
        profile = self.profile
        return SearchTerms(emails=profile.emails, phones=profile.phones)

    @property
    def external_customer_id(self) -> str | None:
        return _clean(self.query.external_customer_id)

    @property
    def order_number(self) -> Any:
        """What an agent typed in the order-number search field, exactly as sent (any JSON type: what
        a search may use is decided by ``lookup/order_search.py``); None when absent. Gladly sends a
        Search Query Attribute under its name, like `email` (gladly/lookup-practice reads
        `lookup.query.email`); read at the top of `query`, else under `customAttributes`."""
        found = (self.query.model_extra or {}).get(ORDER_NUMBER_KEY)
        if found is None and self.query.custom_attributes:
            found = self.query.custom_attributes.get(ORDER_NUMBER_KEY)
        return found

    @property
    def custom_attributes(self) -> dict[str, str]:
        """Custom attributes, flattened into ``query`` or nested under ``customAttributes`` (nested wins)."""
        flattened = {
            key: value
            for key, value in (self.query.model_extra or {}).items()
            if key not in _STANDARD_QUERY_KEYS
        }
        merged = {**flattened, **(self.query.custom_attributes or {})}
        return {key: _scalar_text(value) for key, value in merged.items() if _is_scalar(value)}


def _clean(value: str | None) -> str | None:
    stripped = value.strip() if value is not None else ""
    return stripped or None


def _merge(*values: str | list[str] | None) -> list[str]:
    merged: dict[str, None] = {}
    for value in values:
        items = [value] if isinstance(value, str) else (value or [])
        for item in items:
            cleaned = _clean(item)
            if cleaned is not None:
                merged[cleaned] = None
    return list(merged)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- Results -----------------------------------------------------------------------------------------


class Email(GladlyModel):
    original: str


class Phone(GladlyModel):
    """``original`` in E.164; ``type`` absent means "other". Gladly auto-links by phone only on MOBILE."""

    original: str
    type: PhoneType | None = None


class Action(GladlyModel):
    """A button (customer-level in the "+" menu, or under an order card) that opens a form."""

    name: str
    form_url: str


class Address(GladlyModel):
    name: str | None = None
    phone: str | None = None
    street1: str | None = None
    street2: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    zip: str | None = None


class Product(GladlyModel):
    id: str | None = None
    product_id: str | None = None
    name: str | None = None
    sku: str | None = None
    unit_price: str | None = None
    quantity: int | None = None
    status: str | None = None
    image_url: str | None = None


class Fulfillment(GladlyModel):
    product_ids: list[str] | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    carrier: str | None = None
    shipping_speed: str | None = None
    status: str | None = None
    estimated_delivery_date: AwareDatetime | date | None = None
    shipping_address: Address | None = None

    @field_serializer("estimated_delivery_date")
    def _utc_date(self, value: datetime | date | None) -> str | None:
        return _utc_text(value)


class Transaction(GladlyModel):
    """An ``ORDER`` transaction (protocol section 3). Money fields are already formatted text."""

    type: Literal["ORDER"] = "ORDER"
    order_number: str | None = None
    created_at: AwareDatetime | None = None
    order_status: str | None = None
    order_total: str | None = None
    currency_code: str | None = None
    item_count: int | None = None
    order_link: str | None = None
    customer_order_url: str | None = None
    note: str | None = None
    billing_address: Address | None = None
    # Always sent, empty when there are none: Gladly's Sidekick documentation lists both as required.
    products: list[Product] = Field(default_factory=list)
    fulfillments: list[Fulfillment] = Field(default_factory=list)
    actions: list[Action] | None = None

    @field_serializer("created_at")
    def _utc_created_at(self, value: datetime | None) -> str | None:
        return _utc_text(value)


def _utc_text(value: datetime | date | None) -> str | None:
    """Datetimes go out in UTC with a ``Z`` (``2026-03-01T17:04:05Z``); plain dates as ``YYYY-MM-DD``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


class CustomerResult(GladlyModel):
    """One customer profile in a lookup response.

    Extra top-level string keys are allowed: a BASIC result repeats each supported Search Results
    Attribute at the top level (``"email": "a@b.com"``) so every column Gladly shows is filled.
    """

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, str] = Field(init=False)

    external_customer_id: str = Field(min_length=1)
    name: str | None = None
    address: str | None = None
    emails: list[Email] | None = None
    phones: list[Phone] | None = None
    custom_attributes: dict[str, str] | None = None
    transactions: list[Transaction] | None = None
    actions: list[Action] | None = None


class LookupResponse(GladlyModel):
    """``{"results": [...]}``: ``[]`` when nothing matched, never ``{}`` or a 404."""

    results: list[CustomerResult] = Field(default_factory=list)


# --- Action forms (protocol section 7) -----------------------------------------------------------------


class FormOption(GladlyModel):
    text: str
    value: str


class FormInput(GladlyModel):
    type: InputType
    placeholder: str | None = None
    optional: bool | None = None
    options: list[FormOption] | None = None

    @model_validator(mode="after")
    def _select_has_options(self) -> FormInput:
        if self.type == "select" and not self.options:
            raise PydanticCustomError("select_options", "a select input needs at least one option")
        return self


class FormSection(GladlyModel):
    """An input section; Gladly shows only ``input`` sections and submits each value under ``attr``."""

    type: Literal["input"] = "input"
    label: str
    attr: str
    hint: str | None = None
    default_value: str | bool | None = None
    input: FormInput


class ActionForm(GladlyModel):
    """The answer to ``GET <formUrl>``."""

    title: str
    submit_button: str
    close_button: str
    action_url: str
    sections: list[FormSection]


class ActionResult(GladlyModel):
    """The answer to a successful ``POST <actionUrl>``: Gladly logs ``message``/``detail`` as an activity."""

    message: str
    detail: str | None = None
