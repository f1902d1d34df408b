"""Hostile submits for the fuzz campaign (`devtools/fuzz.py`): each action's real form, then values no form
of it would send.

A case opens a seeded order's or customer's form as Gladly does (`GET formUrl`, a fresh one-time token)
and submits to its `actionUrl` the form's own values (each field's default, a select's first option, a
reason) with one to three mutations drawn by Hypothesis (`hostile_plans`, drawn before the form is
fetched, then applied to its fields):

- an oversized field name (a 4,301-digit `qty_`, thousands of characters) beside the fields;
- a value of another JSON type in any field: numbers (`7`, `1e2` as JSON, a 4,300-digit integer),
  booleans, `null`, arrays (`["storecredit"]`), objects;
- another name for a field: a line item's `qty_2` as `qty_02`, with Arabic-Indic or fullwidth digits,
  `qty_2.0`, ..., beside or instead of it;
- another script's digits, signs and spaces in a number field (Arabic-Indic, fullwidth, mathematical
  bold, Devanagari, Thai digits; `"12\\u00a0"`, `"1e2"`, `"+12"`, ...);
- a select's option spelled otherwise: `"refund:"`, `"refund: braintree"`, `" none"`, `"NONE"`;
- text with control or bidirectional formatting characters, or over the length limit.

Two more kinds of change are not hostile: another option a select offers, and a number spelled as the
forms want it; with them, cases reach every branch of each action behind its reading. Every hostile
mutation but markup in a reason (escaped when echoed, not refused) is one the strict reading must
refuse (`actions/machinery/fields.py`): the campaign reports a failure when a submit with one is
answered 200, besides its usual checks (documented answers, no `internal_error`, no stack trace).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from devtools.sandbox import seed, seed_channels
from gladly_bigcommerce.actions import shipping_address
from gladly_bigcommerce.gladly.customer_ids import GUEST_ID_PREFIX

REASON = "reason"
FREE_TEXT = (REASON, "note")
"""The fields an agent types text into (a reason; a staff note's note): filled in, as required."""
TYPED_TEXT = (*FREE_TEXT, *shipping_address.REQUIRED, *shipping_address.OPTIONAL, "state", "email")
"""Fields of text (a reason, a note, an address's names, streets, zip, phone): another script's digits
are text there, as a shopper's name or street may hold them, not a number misread."""
FormQuery = dict[str, str]
_GUEST = f"{GUEST_ID_PREFIX}{seed.GUEST_EMAIL}"
UNSHIPPED_ORDER_ADDRESS_ID = 9
"""The one shipping address of the seeded `UNSHIPPED_ORDER_ID` (as `devtools/sandbox/seed.py` numbers)."""
# Forms whose actionUrl a generated submit is sent to: seeded orders in several states (refundable,
# partly refunded, a guest's, unshipped, unpaid, shipped, cancelled) and three customers for discounts.
SEEDED_FORMS: dict[str, tuple[FormQuery, ...]] = {
    "/actions/refund": (
        {"orderId": str(seed.REFUNDABLE_ORDER_ID), "customer": str(seed.MARTHA_CUSTOMER_ID)},
        {"orderId": str(seed.PARTIALLY_REFUNDED_ORDER_ID), "customer": str(seed.MARTHA_CUSTOMER_ID)},
        {"orderId": str(seed.GUEST_ORDER_IDS[1]), "customer": _GUEST},
    ),
    "/actions/cancel": (
        {"orderId": str(seed.UNSHIPPED_ORDER_ID), "customer": str(seed.MARTHA_CUSTOMER_ID)},
        {"orderId": str(seed.PENDING_ORDER_ID), "customer": str(seed.MARTHA_CUSTOMER_ID)},
        {"orderId": str(seed.GUEST_ORDER_IDS[1]), "customer": _GUEST},
    ),
    "/actions/discount": (
        {"customer": str(seed.MARTHA_CUSTOMER_ID)},
        {"customer": str(seed.MIXED_CUSTOMER_ID)},
        # one person with an account on each storefront: the form's "Storefront" select (issue 19)
        {"customer": str(seed_channels.ROSA_CUSTOMER_IDS[1])},
    ),
    "/actions/store_credit": (
        {"customer": str(seed.MARTHA_CUSTOMER_ID)},
        {"customer": str(seed.MIXED_CUSTOMER_ID)},
    ),
    "/actions/shipping_address": (
        {
            "orderId": str(seed.UNSHIPPED_ORDER_ID),
            "customer": str(seed.MARTHA_CUSTOMER_ID),
            "addressId": str(UNSHIPPED_ORDER_ADDRESS_ID),
        },
    ),
    "/actions/staff_note": (
        {"orderId": str(seed.SHIPPED_ORDER_ID), "customer": str(seed.MARTHA_CUSTOMER_ID)},
        {"orderId": str(seed.CANCELLED_ORDER_ID), "customer": str(seed.MARTHA_CUSTOMER_ID)},
        {"orderId": str(seed.GUEST_ORDER_IDS[1]), "customer": _GUEST},
    ),
}


@dataclass(frozen=True)
class RawNumber:
    """A JSON number written exactly as given (`1e2`, a 4,300-digit integer): `json` would respell it."""

    text: str


@dataclass(frozen=True)
class HostileSubmit:
    """The values to submit, and whether the strict reading must refuse them (never a 200)."""

    values: dict[str, Any]
    mutations: tuple[str, ...]
    must_refuse: bool

    def body(self) -> bytes:
        """The JSON body, keys sorted as Gladly sends them, raw numbers as written."""
        raw = {f"__raw_number_{index}__": value for index, value in enumerate(self.values.values())}
        placeholders = {id(value): key for key, value in raw.items() if isinstance(value, RawNumber)}
        document = {
            name: placeholders[id(value)] if isinstance(value, RawNumber) else value
            for name, value in self.values.items()
        }
        text = json.dumps(document, separators=(",", ":"), sort_keys=True)
        for key, value in raw.items():
            if isinstance(value, RawNumber):
                text = text.replace(json.dumps(key), value.text)
        return text.encode("utf-8")

    def describe(self) -> str:
        return ", ".join(self.mutations)


OVERSIZED_NAMES = ("qty_" + "9" * 4_301, "9" * 4_301, "a" * 65, "shipping_" + "1" * 5_000, "x" * 10_000)
ODD_VALUES: tuple[Any, ...] = (
    7,
    0,
    -1,
    12.5,
    RawNumber("1e2"),
    RawNumber("1E+2"),
    RawNumber("9" * 4_300),
    2**64,
    True,
    False,
    [],
    ["storecredit"],
    ["everything"],
    {},
    {"value": "everything"},
)
OTHER_DIGITS = (
    "\u0661\u0662",  # Arabic-Indic 12
    "\u06f1\u06f2",  # Extended Arabic-Indic 12
    "\uff11\uff12.\uff15",  # fullwidth 12.5
    "\U0001d7d0",  # mathematical bold 2
    "\u0967\u0968",  # Devanagari 12
    "\u0e51\u0e52",  # Thai 12
    "12\u00a0",  # a trailing no-break space
    "\u00a012",
    " 12",
    "12 ",
    "1e2",
    "+12",
    "-12",
    "12.",
    ".5",
    "0x1F",
    "1_000",
    "12,50",
    "Infinity",
    "NaN",
    "\u0661\u0662.\u0665",
)
UNSAFE_TEXT = (
    "Damaged\u0000",
    "Damaged \u202edegamad ton",
    "\u2066isolated\u2069",
    "line\nbreak",
    "tab\there",
    "x" * 1_001,
    "\u2028",
)
MARKUP = "<script>alert(1)</script> & <b>bold</b>"
PLAIN_NUMBERS = ("1", "2", "0", "5", "0.5", "5.00", "12.50", "30", "100")
"""Numbers as the forms want them: with valid choices, they take a case past the reading, to the action."""


def _aliases(name: str) -> list[str]:
    """Other spellings of a field name: zero-padded, other scripts' digits, case, spaces, signs."""
    numbered = re.fullmatch(r"([a-z_]+_)([0-9]+)", name)
    if numbered is None:
        return [name.upper(), f"{name} ", f" {name}", f"{name}\u200b", name[:-1], f"{name}_"]
    prefix, number = numbered[1], numbered[2]
    arabic = "".join(chr(0x0660 + int(digit)) for digit in number)
    fullwidth = "".join(chr(0xFF10 + int(digit)) for digit in number)
    return [
        f"{prefix}0{number}",
        f"{prefix}00{number}",
        f"{prefix}{arabic}",
        f"{prefix}{fullwidth}",
        f"{prefix}+{number}",
        f"{prefix}{number}.0",
        f"{prefix}{number} ",
        f"{prefix.upper()}{number}",
    ]


def _respelled_options(option: str) -> list[str]:
    """A select option spelled as the form never offers it."""
    spellings = [f" {option}", f"{option} ", option.upper(), option.capitalize(), option[:-1], f"{option}:"]
    if ":" in option:
        head, _, tail = option.partition(":")
        spellings += [f"{head}:", f"{head}: {tail}", f"{head} :{tail}", f"{head}:{tail.upper()}"]
    return [spelling for spelling in spellings if spelling != option]


def form_values(form: Mapping[str, Any]) -> dict[str, Any]:
    """What an agent who types only the reason (or note) submits: defaults, each select's first option."""
    values: dict[str, Any] = {}
    for section in form.get("sections") or []:
        attr, field = section["attr"], section.get("input") or {}
        options = [option["value"] for option in field.get("options") or []]
        default = section.get("defaultValue")
        values[attr] = default if isinstance(default, str) else (options[0] if options else "")
    for attr in FREE_TEXT:
        if attr in values:
            values[attr] = "Fuzzing the submit"
    return values


@dataclass(frozen=True)
class Step:
    """One mutation, drawn before the form is known: which kind, and numbers that pick the field and the
    value when it is applied to the form (modulo what there is to pick from)."""

    kind: int
    field: int
    value: int
    flag: bool


def hostile_plans() -> st.SearchStrategy[list[Step]]:
    """One to three mutations. Drawn whole before the form is fetched, so Hypothesis never drops a case
    (a duplicate, an overrun) after its form was opened."""
    step = st.builds(
        Step,
        kind=st.integers(0, len(MUTATIONS) - 1),
        field=st.integers(0, 10_000),
        value=st.integers(0, 10_000),
        flag=st.booleans(),
    )
    return st.lists(step, min_size=1, max_size=3)


def _pick(options: Sequence[Any], number: int) -> Any:
    return options[number % len(options)]


@dataclass
class _Draft:
    """The values being mutated; each field is mutated once at most, so no mutation undoes another."""

    values: dict[str, Any]
    form: Mapping[str, Any]
    untouched: list[str]

    def take(self, step: Step, among: list[str] | None = None) -> str | None:
        """A field no mutation has touched yet (of ``among`` when given), now touched; None if none is."""
        candidates = [attr for attr in (self.untouched if among is None else among) if attr in self.untouched]
        if not candidates:
            return None
        attr: str = _pick(candidates, step.field)
        self.untouched.remove(attr)
        return attr


Mutation = Callable[[_Draft, Step], tuple[str, bool]]


def _oversized_name(draft: _Draft, step: Step) -> tuple[str, bool]:
    name = _pick(OVERSIZED_NAMES, step.field)
    draft.values[name] = _pick(["1", "0", "", "everything"], step.value)
    return f"a field name of {len(name)} characters", True


def _odd_type(draft: _Draft, step: Step) -> tuple[str, bool]:
    attr = draft.take(step)
    if attr is None:
        return _oversized_name(draft, step)
    value = _pick(ODD_VALUES, step.value)
    draft.values[attr] = value
    shown = value.text[:20] if isinstance(value, RawNumber) else repr(value)[:20]
    return f"{attr} = {shown} (a {type(value).__name__})", True


def _alias(draft: _Draft, step: Step) -> tuple[str, bool]:
    attr = draft.take(step)
    if attr is None:
        return _oversized_name(draft, step)
    alias = _pick(_aliases(attr), step.value)
    value = draft.values[attr] if step.flag else draft.values.pop(attr)
    draft.values[alias] = value if value not in ("", None) else "1"
    return f"{attr} {'also' if step.flag else 'only'} as {alias!r}", True


def _other_digits(draft: _Draft, step: Step) -> tuple[str, bool]:
    selects = _selects(draft.form)
    numbers = [name for name in draft.untouched if name not in TYPED_TEXT and name not in selects]
    attr = draft.take(step, numbers)
    if attr is None:
        return _odd_type(draft, step)
    draft.values[attr] = _pick(OTHER_DIGITS, step.value)
    return f"{attr} = {draft.values[attr]!r}", True


def _take_select(draft: _Draft, step: Step) -> tuple[str, list[str]] | None:
    """A select no mutation has touched yet, and its options; None when there is none."""
    selects = _selects(draft.form)
    attr = draft.take(step, sorted(selects))
    return None if attr is None else (attr, selects[attr])


def _respelled_option(draft: _Draft, step: Step) -> tuple[str, bool]:
    taken = _take_select(draft, step)
    if taken is None:
        return _alias(draft, step)
    attr, options = taken
    option = _pick(options, step.value)
    draft.values[attr] = _pick(_respelled_options(option), step.value // len(options))
    return f"{attr} = {draft.values[attr]!r}", True


def _unsafe_text(draft: _Draft, step: Step) -> tuple[str, bool]:
    attr = draft.take(step)
    if attr is None:
        return _oversized_name(draft, step)
    if attr == REASON and step.flag:
        draft.values[attr] = MARKUP
        return "markup in the reason (escaped when echoed)", False
    draft.values[attr] = _pick(UNSAFE_TEXT, step.value)
    return f"{attr} = {draft.values[attr][:20]!r}", True


def _offered_option(draft: _Draft, step: Step) -> tuple[str, bool]:
    """Not hostile: another option the select offers, so cases reach every branch of the action."""
    taken = _take_select(draft, step)
    if taken is None:
        return _plain_number(draft, step)
    attr, options = taken
    draft.values[attr] = _pick(options, step.value)
    return f"{attr} = {draft.values[attr]!r} (offered)", False


def _plain_number(draft: _Draft, step: Step) -> tuple[str, bool]:
    """Not hostile: a number spelled as the forms want it, in a field that is not a select or the reason."""
    selects = _selects(draft.form)
    attr = draft.take(step, [name for name in draft.untouched if name != REASON and name not in selects])
    if attr is None:
        return "nothing changed", False
    draft.values[attr] = _pick(PLAIN_NUMBERS, step.value)
    return f"{attr} = {draft.values[attr]!r} (plain)", False


MUTATIONS: tuple[Mutation, ...] = (
    _offered_option,
    _plain_number,
    _respelled_option,
    _other_digits,
    _alias,
    _odd_type,
    _unsafe_text,
    _oversized_name,
)


def _selects(form: Mapping[str, Any]) -> dict[str, list[str]]:
    return {
        section["attr"]: [option["value"] for option in section["input"].get("options") or []]
        for section in form.get("sections") or []
        if (section.get("input") or {}).get("type") == "select" and section["input"].get("options")
    }


def hostile_submit(plan: Sequence[Step], form: Mapping[str, Any]) -> HostileSubmit:
    """The form's own values with the ``plan``'s mutations (``MUTATIONS``), each on a field of its own."""
    values = form_values(form)
    draft = _Draft(values, form, sorted(values))
    described: list[str] = []
    must_refuse = False
    for step in plan:
        what, refused = MUTATIONS[step.kind](draft, step)
        described.append(what)
        must_refuse = must_refuse or refused
    return HostileSubmit(values, tuple(described), must_refuse)
