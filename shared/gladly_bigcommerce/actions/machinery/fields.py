"""The strict reading of an action submit, in one place for every action: a form's fields declare what
its submit may carry, and every submit is read against them.

An action builds its form from ``FormField``s: each is the section Gladly renders (label, input, options,
default) and the reader of the value Gladly sends back for it. The form is rendered from those fields,
and the submit is read by ``read_submit`` against the fields the same action builds for the order or
customer as it is when the submit arrives: one declaration, two uses. So, for every action:

- a field name is the ``attr`` of one of the form's fields, exactly: ``qty_01``, ``qty_\\u0661`` or a
  4,301-digit name are no field of any form, and two names for one line item cannot both be fields
  (a form has fields it does not show now, such as a line item with nothing left: see ``FormField``);
  a body giving one name twice never gets here (``edge/request.parse_json_body``: ``duplicate_key``);
- a select's value is one of the option values its form renders, compared exactly (no trimming, no
  case folding): ``"refund:"`` and ``"refund: braintree"`` are not ``"refund:braintree"``;
- a value has the JSON type Gladly submits: text and select inputs submit strings (protocol section 7;
  Gladly's sample adaptor reads a text field with ``req.body[attr].trim()``, a string method), so a
  number (``7``, ``1e2``), an array (``["storecredit"]``) or an object is refused on its field, never
  read in some other way. A ``null`` or absent value is an empty field (a checkbox would submit a
  boolean; no form has one, so a boolean is refused too);
- a number is spelled as ``amounts.plain_number`` allows (ASCII digits, one ``.``, the currency's
  decimals), as the string Gladly sends, with nothing trimmed: other scripts' digits
  (``"\\u0661\\u0662"``, ``"\\uff11\\uff12.\\uff15"``, ``"\\U0001d7d0"``) and ``"12\\u00a0"`` are refused;
- text holds no control character (NUL included) and no bidirectional formatting character
  (U+202E RIGHT-TO-LEFT OVERRIDE and the rest of Unicode's Bidi_Control set: they make stored text
  read differently from what it is), is at most ``MAX_VALUE_LENGTH`` characters, and is never echoed
  back unescaped (``echoed``).

Every refusal is a ``BadRequest`` (400) naming the field (every field's problem at once), raised before
the action journals an attempt or writes anything. Reading happens in two steps: ``check_submitted``
refuses what no form of any action may carry (a field name that is no name, a value of a type Gladly
never submits, overlong or unsafe text) first thing in every submit, before its form's token is even
checked (``exactly_once.run_submit``); ``read_submit`` then reads the values against the form's own fields,
once the action knows the state they depend on.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Protocol

from gladly_bigcommerce.actions.machinery.numbers import amount_example, currency_digits, plain_number
from gladly_bigcommerce.gladly.errors import BadRequest, ErrorItem
from gladly_bigcommerce.gladly.models import FormInput, FormOption, FormSection

MAX_FIELD_NAME_LENGTH = 64
"""Our longest field name is ``shipping_`` and a 10-digit id; 64 leaves room and bounds what is echoed."""
MAX_VALUE_LENGTH = 1000
"""The longest value any field takes (a reason: BigCommerce keeps at most 1000 characters of one)."""
REASON = "reason"

_FIELD_NAME = re.compile(rf"[A-Za-z_][A-Za-z0-9_]{{0,{MAX_FIELD_NAME_LENGTH - 1}}}")
# Controls (C0, DEL, C1), Unicode's Bidi_Control characters, and the line and paragraph separators.
_UNSAFE_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


class Refused(Exception):
    """A reader's refusal of one value: the field's code and the sentence the agent reads."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


# --- What no form of any action may carry ----------------------------------------------------------


def submitted_values(body: Any) -> dict[str, Any]:
    """The submitted form, from the request's parsed JSON body: an object keyed by each field's ``attr``
    (400 on the body otherwise), its values as the JSON parser made them (``check_submitted`` checks
    them, before the token)."""
    if not isinstance(body, dict):
        raise BadRequest.of("invalid_body", "The submit must be a JSON object of form values.", attr="body")
    return dict(body)


def check_submitted(values: Mapping[str, Any]) -> None:
    """Refuse what no form of any action may carry, naming each offending field (400): a name that is
    not a plain ASCII field name of at most ``MAX_FIELD_NAME_LENGTH`` characters (``attr`` ``""``: such
    a name is not echoed); a value that is not a string, a boolean or ``null`` (``invalid_type``); a
    string over ``MAX_VALUE_LENGTH`` characters (``too_long``) or holding control or bidirectional
    formatting characters (``invalid_text``)."""
    problems: list[ErrorItem] = []
    for name, value in values.items():
        if not is_field_name(name):
            problems.append(unknown_field(name))
            continue
        try:
            if value is not None and not isinstance(value, bool):
                check_text(_as_text(value))
        except Refused as refusal:
            problems.append(ErrorItem(attr=name, code=refusal.code, detail=refusal.detail))
    if problems:
        raise BadRequest(*problems)


def is_field_name(name: str) -> bool:
    """Whether ``name`` could be a field of some form: a plain ASCII name of bounded length."""
    return _FIELD_NAME.fullmatch(name) is not None


def unknown_field(name: str) -> ErrorItem:
    """The refusal of a field the form does not have; it is named only when it is a plain field name."""
    return ErrorItem(
        attr=name if is_field_name(name) else "",
        code="unknown_field",
        detail="The submit has a field this form does not have (if the order changed since the form was "
        "opened, open the form again).",
    )


def _as_text(value: Any) -> str:
    if not isinstance(value, str):
        raise Refused("invalid_type", "This field takes text, as the form submits it (a JSON string).")
    return value


def check_text(text: str) -> str:
    """``text`` when it is short enough and holds no control or bidirectional formatting character."""
    if len(text) > MAX_VALUE_LENGTH:
        raise Refused("too_long", f"Keep this under {MAX_VALUE_LENGTH} characters.")
    if _UNSAFE_TEXT.search(text):
        raise Refused(
            "invalid_text",
            "Remove the control or text-direction characters: they would make what is recorded read "
            "differently from what it is.",
        )
    return text


def echoed(text: str) -> str:
    """Text an agent typed, as an answer repeats it: ``<``, ``>`` and ``&`` escaped. Gladly does not say
    whether it renders an answer's ``detail`` as text or as HTML; escaped, typed markup is inert in both."""
    return html.escape(text, quote=False)


# --- Readers: how one field's value is read ----------------------------------------------------------


class Reader(Protocol):
    """Reads the text of one non-empty field; ``missing`` is the refusal of an empty one (None: optional)."""

    @property
    def missing(self) -> str | None: ...

    def read(self, text: str) -> Any: ...


@dataclass(frozen=True)
class Bound:
    """The largest value a number field takes, and how a larger one is refused."""

    most: Decimal
    code: str
    detail: str


def _check_bound(value: Decimal, bound: Bound | None) -> None:
    if bound is not None and value > bound.most:
        raise Refused(bound.code, bound.detail)


@dataclass(frozen=True)
class Choice:
    """A select: exactly one of its options' values, compared as sent."""

    options: tuple[str, ...]
    missing: str | None = None

    def read(self, text: str) -> str:
        if text not in self.options:
            raise Refused("invalid_choice", "Choose one of the offered options.")
        return text


@dataclass(frozen=True)
class Amount:
    """Money in ``currency``: more than zero, at most the currency's minor digits, at most ``bound``."""

    currency: str
    bound: Bound | None = None
    missing: str | None = None

    def read(self, text: str) -> Decimal:
        digits = currency_digits(self.currency)
        amount = plain_number(text, whole_digits=12, decimals=digits)
        if amount is None:
            decimals = f"up to {digits} decimals after a point" if digits else "no decimals"
            raise Refused(
                "invalid_amount",
                f"Type an amount in {self.currency.upper()} like {amount_example(self.currency)}: digits, "
                f"{decimals}, no currency sign, thousands separator or space.",
            )
        if amount <= 0:
            raise Refused("invalid_amount", "The amount must be more than zero.")
        _check_bound(amount, self.bound)
        return amount


@dataclass(frozen=True)
class Percentage:
    """A percentage, ``10`` or ``12.5``: more than zero, at most 2 decimals, at most ``bound``."""

    bound: Bound | None = None
    missing: str | None = None

    def read(self, text: str) -> Decimal:
        percentage = plain_number(text, whole_digits=3, decimals=2)
        if percentage is None or percentage <= 0:
            raise Refused(
                "invalid_percentage", "Type a percentage above zero like 10 or 12.5, without the % sign."
            )
        _check_bound(percentage, self.bound)
        return percentage


@dataclass(frozen=True)
class WholeNumber:
    """A whole number of ``unit`` (items, days, uses), from ``least``, at most ``bound``; ``code`` for
    anything that is not one. Below ``least`` is refused as ``bound`` refuses."""

    unit: str
    code: str = "invalid_number"
    least: int = 0
    bound: Bound | None = None
    missing: str | None = None

    def read(self, text: str) -> int:
        number = plain_number(text, whole_digits=6, decimals=0)
        if number is None:
            raise Refused(self.code, f"Type a whole number of {self.unit}, like 1.")
        if number < self.least and self.bound is not None:
            raise Refused(self.bound.code, self.bound.detail)
        _check_bound(number, self.bound)
        return int(number)


@dataclass(frozen=True)
class Text:
    """Free text, trimmed of surrounding whitespace (checked by ``check_text`` as it was sent)."""

    missing: str | None = None

    def read(self, text: str) -> str:
        return text.strip()


@dataclass(frozen=True)
class Unused:
    """A field another choice owns (see ``ByChoice``): read by ``reader`` when given (so its spelling is
    still checked), then refused with ``detail`` when filled in (not empty, not zero)."""

    detail: str
    reader: Reader | None = None
    missing: str | None = None

    def read(self, text: str) -> None:
        value = self.reader.read(text) if self.reader is not None else text
        if value not in ("", 0, None):
            raise Refused("conflicting_fields", self.detail)


@dataclass(frozen=True)
class ByChoice:
    """A field read one way or another depending on the value chosen in the select ``attr``."""

    attr: str
    readers: Mapping[str, Reader]
    otherwise: Reader

    def pick(self, chosen: str | None) -> Reader:
        return self.readers.get(chosen or "", self.otherwise)


# --- Fields: what the form renders, and how each value comes back -----------------------------------


@dataclass(frozen=True)
class FormField:
    """One input of a form: the section Gladly renders, and how its submitted value is read.

    A field not ``shown`` is one the form has but does not show now (a line item with nothing left to
    refund, a choice with one option): its value is read as any other (so an empty one, or a line's
    ``0``, passes, and anything else is refused by its reader), and a form opened before the order
    changed can still be submitted.
    """

    section: FormSection
    reader: Reader | ByChoice
    shown: bool = True

    @property
    def attr(self) -> str:
        return self.section.attr

    def hidden(self) -> FormField:
        """This field, not shown on the form."""
        return replace(self, shown=False)


def text_field(
    attr: str,
    label: str,
    reader: Reader | ByChoice,
    *,
    hint: str | None = None,
    default: str | None = None,
    placeholder: str | None = None,
    optional: bool = False,
) -> FormField:
    """A text input whose value ``reader`` reads."""
    section = FormSection(
        label=label,
        attr=attr,
        hint=hint,
        default_value=default,
        input=FormInput(type="text", placeholder=placeholder, optional=optional or None),
    )
    return FormField(section, reader)


def select_field(
    attr: str,
    label: str,
    options: Sequence[tuple[str, str]],
    *,
    hint: str | None = None,
    default: str | None = None,
    placeholder: str | None = None,
    missing: str | None = None,
) -> FormField:
    """A select of ``(value, text)`` options; its value must be one of the values. ``missing`` makes a
    choice required (an empty one is refused with it); ``default`` is what an empty one means."""
    section = FormSection(
        label=label,
        attr=attr,
        hint=hint,
        default_value=default,
        input=FormInput(
            type="select",
            placeholder=placeholder,
            options=[FormOption(value=value, text=text) for value, text in options],
        ),
    )
    return FormField(section, Choice(tuple(value for value, _ in options), missing))


def reason_field(label: str, hint: str) -> FormField:
    """The required free-text reason every money- or order-changing action asks for."""
    reader = Text(missing="Give a reason: it is recorded with the action.")
    return text_field(REASON, label, reader, hint=hint, placeholder="e.g. Item arrived damaged")


def sections(fields: Iterable[FormField]) -> list[FormSection]:
    """The sections Gladly renders: the fields shown."""
    return [item.section for item in fields if item.shown]


# --- Reading a submit against its form -----------------------------------------------------------------


@dataclass(frozen=True)
class SubmittedForm:
    """A submit read against its form: each field's value as its reader made it, None when empty."""

    values: Mapping[str, Any] = field(default_factory=dict)

    def choice(self, attr: str) -> str | None:
        value = self.values.get(attr)
        assert value is None or isinstance(value, str)
        return value

    def text(self, attr: str) -> str:
        """A required text field's value (``read_submit`` refused the submit when it was empty)."""
        value = self.values.get(attr)
        assert isinstance(value, str)
        return value

    def number(self, attr: str) -> Decimal | None:
        value = self.values.get(attr)
        assert value is None or isinstance(value, Decimal)
        return value

    def count(self, attr: str) -> int | None:
        value = self.values.get(attr)
        assert value is None or isinstance(value, int)
        return value


def read_submit(fields: Sequence[FormField], values: Mapping[str, Any]) -> SubmittedForm:
    """``values`` (checked by ``check_submitted``) read against the form's ``fields``; ``BadRequest``
    naming every field that is refused, in form order, then every name the form does not have.

    An empty field (absent, ``null`` or ``""``) means its ``defaultValue`` when it has one, else is
    refused with its reader's ``missing`` when the field is required, else reads as None. A field read
    ``ByChoice`` is read after the selects, by the reader of the option chosen; when that select was
    refused itself, the field is left unread (the select's error says what to fix first).
    """
    problems: dict[str, ErrorItem] = {}
    read: dict[str, Any] = {}
    for item in sorted(fields, key=lambda item: isinstance(item.reader, ByChoice)):
        if isinstance(item.reader, ByChoice):
            if item.reader.attr in problems:
                continue
            reader = item.reader.pick(read.get(item.reader.attr))
        else:
            reader = item.reader
        try:
            read[item.attr] = _read_field(item, reader, values.get(item.attr))
        except Refused as refusal:
            problems[item.attr] = ErrorItem(attr=item.attr, code=refusal.code, detail=refusal.detail)
    known = {item.attr for item in fields}
    errors = [problems[item.attr] for item in fields if item.attr in problems]
    errors += [unknown_field(name) for name in values if name not in known]
    if errors:
        raise BadRequest(*errors)
    return SubmittedForm(read)


def _read_field(item: FormField, reader: Reader, value: Any) -> Any:
    if isinstance(value, bool):
        raise Refused("invalid_type", "This field takes text, as the form submits it (a JSON string).")
    text = "" if value is None else check_text(_as_text(value))
    if text == "" and isinstance(item.section.default_value, str):
        text = item.section.default_value
    read = reader.read(text) if text != "" else None
    if read in ("", None):
        if reader.missing is not None:
            raise Refused("missing", reader.missing)
        return None
    return read
