"""The discount-code action: a customer-level form (Gladly's "+" menu) that makes one coupon code.

Form (signed ``GET actions/discount?customer=<externalCustomerId>``): the kind of discount
(percentage off, a fixed amount off the order in the store's currency, free shipping), its size
within the deployment's bounds (``DISCOUNT_MAX_PERCENT``, ``DISCOUNT_MAX_AMOUNT``), how many days
it stays valid (``DISCOUNT_DEFAULT_EXPIRY_DAYS``, at most ``DISCOUNT_MAX_EXPIRY_DAYS``), how many
times it can be used, and a reason.

Submit (signed POST), under the framework of ``submit.py`` (one-time token, idempotency, audit):
1. the values are read against the form's fields (``discount_fields``: the kind, a size spelled for
   that kind within the bounds, days and uses in range; 400 on the offending field) before anything is
   written;
2. ``POST /v3/promotions`` makes a coupon promotion, its uses capped at the number chosen;
3. ``POST /v3/promotions/{id}/codes`` adds one generated, readable code; a duplicate (422, or 409:
   the client raises ``Conflict`` for both) means nothing was made (the code is taken elsewhere), so
   once the promotion is seen to have no code yet, a new code is tried, a bounded number of times;
4. 200 shows the code, for the agent to paste to the shopper.

Who can use the code: BigCommerce promotions target customer groups and segments, never one
customer id, so a code cannot be tied to one shopper's account. Anyone who has the code can use it:
the form and the answer say so, the code is unguessable, and the promotion's use cap bounds what
it can cost whoever uses it.

Exactly once across timeouts too, with the attempt journal: the promotion is journaled as soon as it
exists. A repeat of a submit that ended without an answer lists that promotion's codes first (any
code on it is the one this form made) and otherwise adds a code to it rather than making another
promotion (unless the agent changed the values since: those get a promotion of their own).
Promotions are not deleted: one left without a code (a create that timed out, a code that could not
be added and a form never submitted again) cannot be redeemed by anybody, and its name carries the
submit's reference from the audit line.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from gladly_bigcommerce.actions.amounts import amount_example
from gladly_bigcommerce.actions.answers import SubmitAnswer
from gladly_bigcommerce.actions.attempts import Attempt
from gladly_bigcommerce.actions.audit import token_fingerprint
from gladly_bigcommerce.actions.context import ActionContext
from gladly_bigcommerce.actions.fields import (
    REASON,
    Amount,
    Bound,
    ByChoice,
    FormField,
    Percentage,
    SubmittedForm,
    Unused,
    WholeNumber,
    echoed,
    read_submit,
    reason_field,
    select_field,
    text_field,
)
from gladly_bigcommerce.actions.forms import customer_action_form
from gladly_bigcommerce.actions.orders import CUSTOMER_PARAMETER, is_canonical_customer
from gladly_bigcommerce.actions.refund import begin_attempt, discard_attempt, finish_attempt, recover_attempt
from gladly_bigcommerce.actions.route import ActionRoute
from gladly_bigcommerce.actions.tokens import TOKEN_PARAMETER, FormSubject, FormToken
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import Conflict, NotFound, ValidationFailed
from gladly_bigcommerce.bigcommerce.models import (
    CartValueAction,
    FixedDiscount,
    PercentageDiscount,
    Promotion,
    PromotionAction,
    PromotionCode,
    PromotionCreate,
    PromotionRule,
    ShippingAction,
)
from gladly_bigcommerce.gladly.customer_ids import (
    GuestRef,
    RegisteredRef,
    guest_customer_id,
    parse_customer_ref,
)
from gladly_bigcommerce.gladly.errors import BadRequest, NotAcceptable, ServiceUnavailable
from gladly_bigcommerce.gladly.models import ActionForm, ActionResult
from gladly_bigcommerce.money import format_money
from gladly_bigcommerce.settings.model import ActionName, AdaptorSettings

ACTION: ActionName = "discount"

DISCOUNT_TYPE = "discount_type"
AMOUNT = "amount"
VALID_DAYS = "valid_days"
USES = "uses"

DiscountKind = Literal["percentage", "fixed_amount", "free_shipping"]
PERCENTAGE: DiscountKind = "percentage"
FIXED_AMOUNT: DiscountKind = "fixed_amount"
FREE_SHIPPING: DiscountKind = "free_shipping"
DISCOUNT_KINDS: tuple[DiscountKind, ...] = (PERCENTAGE, FIXED_AMOUNT, FREE_SHIPPING)

MAX_CODE_USES = 10
"""The most uses an agent may give one code: the code is not tied to the shopper, so keep it small."""
CODE_ATTEMPTS = 5
"""New codes tried after duplicates (422 or 409) before giving up; with ~40 random bits, one is plenty."""

CODE_PREFIX = "GLADLY"
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Capitals and digits without the look-alikes 0/O and 1/I/L: read aloud or retyped, it survives."""
CODE_GROUPS = 2
CODE_GROUP_LENGTH = 4

_ANYONE_WITH_THE_CODE = (
    "Anyone who has the code can use it (BigCommerce cannot tie a code to one customer): give it to this "
    "shopper only."
)


class CustomerActionQuery(BaseModel):
    """The query string of a customer-level action's form and submit URLs (covered by the signature)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    customer: str = Field(alias=CUSTOMER_PARAMETER, min_length=1)
    token: str | None = Field(default=None, alias=TOKEN_PARAMETER)


@dataclass(frozen=True)
class Shopper:
    """Whom the discount is for: the profile's ``externalCustomerId`` and what it points at."""

    external_id: str
    ref: RegisteredRef | GuestRef

    @classmethod
    def of(cls, query: CustomerActionQuery) -> Shopper:
        ref = parse_customer_ref(query.customer)
        if ref is None or not is_canonical_customer(query.customer):
            raise BadRequest.of(
                "invalid_customer", "The URL names no customer this adaptor knows.", attr=CUSTOMER_PARAMETER
            )
        if isinstance(ref, RegisteredRef):
            return cls(str(ref.customer_id), ref)
        return cls(guest_customer_id(ref.email), ref)

    @property
    def audit_ref(self) -> str:
        """The customer id, or for a guest a fingerprint of the guest id: no email in the audit line."""
        if isinstance(self.ref, RegisteredRef):
            return str(self.ref.customer_id)
        return f"guest-{token_fingerprint(self.external_id)}"

    @property
    def described(self) -> str:
        """For the promotion's internal name in BigCommerce: an id, never an email."""
        if isinstance(self.ref, RegisteredRef):
            return f"customer {self.ref.customer_id}"
        return "a guest shopper"


# --- codes ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeGenerator:
    """Readable, unguessable codes like ``GLADLY-7KQ4-M9XP`` (31^8, about 40 random bits).

    Within BigCommerce's charset (letters, digits, ``-``) and length (50). ``choose`` picks one
    character; it is ``secrets.choice`` unless a test seeds it (``random.Random(7).choice``).
    """

    choose: Callable[[str], str] = secrets.choice

    def __call__(self) -> str:
        groups = (
            "".join(self.choose(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH)) for _ in range(CODE_GROUPS)
        )
        return "-".join((CODE_PREFIX, *groups))


new_code = CodeGenerator()


# --- what the agent asks for ----------------------------------------------------------------------------


class DiscountTerms(BaseModel):
    """A discount as the agent chose it, checked against the deployment's bounds."""

    model_config = ConfigDict(frozen=True)

    kind: DiscountKind
    value: Decimal | None
    """The percentage, or the amount in ``currency``; None for free shipping."""
    currency: str
    """The store's currency: a fixed amount is in it."""
    uses: int
    valid_days: int
    starts_at: AwareDatetime
    ends_at: AwareDatetime

    def same_offer(self, other: DiscountTerms) -> bool:
        """The same discount, whenever it was asked for (a resubmit moves the dates, not the offer)."""
        keys = ("kind", "value", "currency", "uses", "valid_days")
        return all(getattr(self, key) == getattr(other, key) for key in keys)

    def summary(self) -> str:
        """``10% off the order``, ``$5.00 off the order``, ``Free shipping``."""
        if self.kind == PERCENTAGE and self.value is not None:
            return f"{_percent(self.value)} off the order"
        if self.kind == FIXED_AMOUNT and self.value is not None:
            return f"{format_money(self.value, self.currency)} off the order"
        return "Free shipping"

    def uses_text(self) -> str:
        return "Single use" if self.uses == 1 else f"Can be used {self.uses} times in all"


def _percent(value: Decimal) -> str:
    return f"{format(value.normalize(), 'f')}%"


def parse_terms(
    form: SubmittedForm, settings: AdaptorSettings, currency: str, *, now: datetime
) -> DiscountTerms:
    """The agent's discount, read by ``discount_fields`` (so within the deployment's bounds)."""
    chosen = form.choice(DISCOUNT_TYPE)
    kind = next(kind for kind in DISCOUNT_KINDS if kind == chosen)
    valid_days = form.count(VALID_DAYS) or settings.discount_default_expiry_days
    starts_at = now.replace(microsecond=0)
    return DiscountTerms(
        kind=kind,
        value=form.number(AMOUNT),
        currency=currency.upper(),
        uses=form.count(USES) or 1,
        valid_days=valid_days,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=valid_days),
    )


# --- the form -------------------------------------------------------------------------------------------


def discount_form(context: ActionContext, query: CustomerActionQuery) -> ActionForm:
    """The kind, size, validity and uses of the code, within the deployment's bounds, and a reason."""
    shopper = Shopper.of(query)
    if isinstance(shopper.ref, RegisteredRef):
        customer = context.client.get_customer(shopper.ref.customer_id, deadline=context.deadline)
        if customer is None:
            raise NotAcceptable.of(
                "customer_not_found",
                f"Customer {shopper.ref.customer_id} no longer exists in BigCommerce.",
                attr=CUSTOMER_PARAMETER,
            )
    currency = context.client.get_store(deadline=context.deadline).currency.upper()
    fields = discount_fields(context.settings, currency)
    return customer_action_form(
        context, ACTION, "Create a discount code", "Create code", fields, customer_id=shopper.external_id
    )


def discount_fields(settings: AdaptorSettings, currency: str) -> list[FormField]:
    """The discount form's fields in the store's ``currency``, bounded by the deployment's settings:
    rendered by the form, read by the submit."""
    currency = currency.upper()
    max_amount = format_money(settings.discount_max_amount, currency)
    max_percent = _percent(settings.discount_max_percent)
    max_days = settings.discount_max_expiry_days
    size = ByChoice(
        DISCOUNT_TYPE,
        {
            PERCENTAGE: Percentage(
                Bound(
                    settings.discount_max_percent,
                    "exceeds_maximum",
                    f"At most {max_percent} off can be given.",
                ),
                missing="Enter the percentage off, like 10.",
            ),
            FIXED_AMOUNT: Amount(
                currency,
                Bound(
                    settings.discount_max_amount, "exceeds_maximum", f"At most {max_amount} off can be given."
                ),
                missing=f"Enter the amount off in {currency}.",
            ),
        },
        otherwise=Unused(
            "Free shipping takes no amount: clear this field, or choose a percentage or fixed amount."
        ),
    )
    return [
        select_field(
            DISCOUNT_TYPE,
            "Discount",
            [
                (PERCENTAGE, f"Percentage off the order (up to {max_percent})"),
                (FIXED_AMOUNT, f"Fixed amount off the order in {currency} (up to {max_amount})"),
                (FREE_SHIPPING, f"Free shipping on orders in {currency}"),
            ],
            placeholder="Choose a discount",
            missing="Choose the kind of discount.",
        ),
        text_field(
            AMOUNT,
            f"Percentage (up to {max_percent}) or amount in {currency} (up to {max_amount})",
            size,
            placeholder=amount_example(currency),
            optional=True,
            hint="Digits and a decimal point only, no % or currency sign. Leave empty for free shipping.",
        ),
        text_field(
            VALID_DAYS,
            f"Valid for how many days (1 to {max_days})",
            _count("days", max_days),
            default=str(settings.discount_default_expiry_days),
            hint="The code expires this many days after it is created.",
        ),
        text_field(
            USES,
            f"How many times it can be used (1 to {MAX_CODE_USES})",
            _count("uses", MAX_CODE_USES),
            default="1",
            hint=f"1 makes a single-use code. {_ANYONE_WITH_THE_CODE}",
        ),
        reason_field("Reason", "Required. Recorded in this conversation and the adaptor's audit log."),
    ]


def _count(unit: str, most: int) -> WholeNumber:
    return WholeNumber(
        unit, least=1, bound=Bound(Decimal(most), "out_of_range", f"Choose from 1 to {most} {unit}.")
    )


# --- the submit -----------------------------------------------------------------------------------------


class DiscountSnapshot(BaseModel):
    """What a discount attempt is making, journaled before the first write and once the promotion exists."""

    model_config = ConfigDict(frozen=True)

    terms: DiscountTerms
    promotion_id: int | None = None


def submit_discount(
    context: ActionContext,
    query: CustomerActionQuery,
    values: Mapping[str, Any],
    *,
    generate_code: Callable[[], str] | None = None,
) -> ActionResult:
    """Make the discount code exactly once per form (see the module docstring).

    ``generate_code`` defaults to the module's ``new_code``, read at call time so tests can seed it.
    """
    codes = generate_code or new_code
    shopper = Shopper.of(query)
    return context.submit(
        FormSubject(ACTION, None, query.customer),
        query.token,
        values,
        lambda token: _discount_once(context, shopper, values, token, codes),
        audit_customer=shopper.audit_ref,
    )


def _discount_once(
    context: ActionContext,
    shopper: Shopper,
    values: Mapping[str, Any],
    token: FormToken,
    codes: Callable[[], str],
) -> SubmitAnswer:
    currency = context.client.get_store(deadline=context.deadline).currency
    form = read_submit(discount_fields(context.settings, currency), values)
    terms = parse_terms(form, context.settings, currency, now=context.now)
    reason = form.text(REASON)
    earlier = recover_attempt(context, ACTION, token)
    if isinstance(earlier, SubmitAnswer):
        return earlier
    if earlier is not None:
        snapshot = DiscountSnapshot.model_validate(earlier.snapshot)
        made = _code_made_earlier(context, snapshot, context.deadline)
        if made is not None:
            return finish_attempt(context, earlier, code_answer(snapshot, made, reason, recovered=True))
        if snapshot.promotion_id is not None and snapshot.terms.same_offer(terms):
            return _add_code(context, earlier, snapshot, reason, codes)
    snapshot = DiscountSnapshot(terms=terms)
    attempt = begin_attempt(context, ACTION, token, snapshot, order_id=None, replacing=earlier)
    promotion = _create_promotion(context, attempt, snapshot, shopper, token)
    snapshot = snapshot.model_copy(update={"promotion_id": promotion.id})
    attempt = context.stores.journal.update_snapshot(attempt, snapshot.model_dump(mode="json"))
    return _add_code(context, attempt, snapshot, reason, codes)


def _code_made_earlier(
    context: ActionContext, snapshot: DiscountSnapshot, deadline: Deadline
) -> PromotionCode | None:
    """The code an earlier attempt of this form added to its promotion, if BigCommerce made it."""
    if snapshot.promotion_id is None:
        return None
    try:
        codes = context.client.list_promotion_codes(snapshot.promotion_id, deadline=deadline)
    except NotFound:
        return None
    return codes[0] if codes else None


def promotion_draft(terms: DiscountTerms, name: str) -> PromotionCreate:
    """The coupon promotion for ``terms``: one rule, uses capped, dates set, fixed amounts in the currency."""
    if terms.kind == FREE_SHIPPING:
        action = PromotionAction(shipping=ShippingAction(zone_ids="*", free_shipping=True))
    else:
        assert terms.value is not None  # parse_terms sets a value for every other kind
        discount = (
            PercentageDiscount(percentage_amount=terms.value)
            if terms.kind == PERCENTAGE
            else FixedDiscount(fixed_amount=terms.value)
        )
        action = PromotionAction(cart_value=CartValueAction(discount=discount))
    return PromotionCreate(
        name=name,
        display_name=terms.summary(),
        rules=[PromotionRule(action=action)],
        redemption_type="COUPON",
        coupon_type="SINGLE",
        max_uses=terms.uses,
        start_date=terms.starts_at,
        end_date=terms.ends_at,
        # BigCommerce's multi-currency ("*") promotions support percentage discounts only: a percentage
        # fits every currency; a fixed amount (money) and free shipping are made in the store's default
        # currency, which is also what BigCommerce assumes without currency_code (reference FACTS.md).
        currency_code="*" if terms.kind == PERCENTAGE else terms.currency,
    )


def _create_promotion(
    context: ActionContext, attempt: Attempt, snapshot: DiscountSnapshot, shopper: Shopper, token: FormToken
) -> Promotion:
    """``POST /v3/promotions``, once; its name ties it to the audit line (and to this attempt)."""
    reference = f"{token_fingerprint(str(token))}-{attempt.attempt_id[:6]}"
    name = f"Gladly: {snapshot.terms.summary()} for {shopper.described} (ref {reference})"
    try:
        return context.write(
            lambda deadline: context.client.create_promotion(
                promotion_draft(snapshot.terms, name), deadline=deadline
            ),
            not_sent="so no discount was created, and nothing was changed. Submit this form again in a "
            "minute.",
            unknown="BigCommerce did not confirm creating the discount, and no code was made. Submit this "
            "form again: a promotion without a code cannot be used, so nothing is given twice.",
            forget=lambda: discard_attempt(context, attempt),
        )
    except ValidationFailed as error:
        raise BadRequest.of(
            "discount_refused",
            f"BigCommerce refused the discount: {error.upstream_message or 'no reason given'}. Nothing was "
            "created.",
            attr=DISCOUNT_TYPE,
        ) from error


def _add_code(
    context: ActionContext,
    attempt: Attempt,
    snapshot: DiscountSnapshot,
    reason: str,
    codes: Callable[[], str],
) -> SubmitAnswer:
    """Add one new code to the journaled promotion, trying another code after each duplicate (422/409)."""
    assert snapshot.promotion_id is not None
    promotion_id: int = snapshot.promotion_id
    for _ in range(CODE_ATTEMPTS):
        try:
            code = context.write(
                lambda deadline: context.client.create_promotion_code(
                    promotion_id, codes(), max_uses=snapshot.terms.uses, deadline=deadline
                ),
                # The promotion stays journaled: the next submit adds its code, never a second promotion.
                not_sent="so no code was made. Submit this form again in a minute: the discount is made "
                "once.",
                unknown="BigCommerce did not confirm the new discount code. Submit this form again: the "
                "promotion's codes are checked first, so no second code is made.",
            )
        except Conflict:
            # Nothing was made. Either the code is taken (another one is safe to try) or this
            # promotion has its one code already, from a write whose answer was lost: then it is ours.
            made = _code_made_earlier(context, snapshot, context.write_deadline)
            if made is not None:
                return finish_attempt(context, attempt, code_answer(snapshot, made, reason, recovered=True))
            continue
        except NotFound as error:
            # Deleted in the control panel since: the next submit of this form starts afresh.
            context.stores.journal.update_snapshot(
                attempt, snapshot.model_copy(update={"promotion_id": None}).model_dump(mode="json")
            )
            raise ServiceUnavailable.of(
                "promotion_gone",
                f"BigCommerce promotion {snapshot.promotion_id} was deleted before its code was added, so no "
                "code was made. Submit this form again to create a new one.",
            ) from error
        return finish_attempt(context, attempt, code_answer(snapshot, code, reason))
    raise ServiceUnavailable.of(
        "no_free_code",
        f"{CODE_ATTEMPTS} generated codes in a row already existed in BigCommerce, so no code was made. "
        "Submit this form again.",
    )


def code_answer(
    snapshot: DiscountSnapshot, code: PromotionCode, reason: str, *, recovered: bool = False
) -> SubmitAnswer:
    """200: the code to paste, what it gives, for how long and how often, and why."""
    terms = snapshot.terms
    where = "" if terms.kind == PERCENTAGE else f" (orders in {terms.currency})"
    detail = [
        f"Code for the shopper: {code.code}",
        f"{terms.summary()}{where}. {terms.uses_text()}.",
        f"Valid until {terms.ends_at:%Y-%m-%d %H:%M} UTC ({terms.valid_days} days).",
        _ANYONE_WITH_THE_CODE,
        f"Reason: {echoed(reason)}",
        f"BigCommerce promotion {snapshot.promotion_id}.",
    ]
    if recovered:
        detail.append("(Confirmed after an earlier timeout: only one code was made.)")
    audit = {
        "kind": terms.kind,
        "value": format(terms.value, "f") if terms.value is not None else "",
        "currency": terms.currency,
        "uses": str(terms.uses),
        "valid_days": str(terms.valid_days),
        "ends_at": terms.ends_at.isoformat(),
        "promotion_id": str(snapshot.promotion_id),
        "code_id": str(code.id),
        "reason_length": str(len(reason)),
    }
    return SubmitAnswer.success(
        f"Discount code {code.code}: {terms.summary()}", "\n".join(detail), audit=audit
    )


ROUTE = ActionRoute(ACTION, CustomerActionQuery, discount_form, submit_discount)
"""The discount Lambda: the form on ``GET``, the submit on ``POST`` (``edge/actions.py``)."""
