"""The discount submit: a coupon promotion and one code, exactly once per form, and the answer that shows it.

``POST /v3/promotions`` makes the promotion (journaled as soon as it exists), ``POST
/v3/promotions/{id}/codes`` adds one generated code; a duplicate code means nothing was made, so another
is tried. A repeat of a submit that ended without an answer lists the journaled promotion's codes first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from gladly_bigcommerce.actions.discount.accounts import read_person
from gladly_bigcommerce.actions.discount.form import discount_fields
from gladly_bigcommerce.actions.discount.terms import (
    ACTION,
    ANYONE_WITH_THE_CODE,
    CODE_ATTEMPTS,
    DISCOUNT_TYPE,
    FREE_SHIPPING,
    PERCENTAGE,
    DiscountTerms,
    new_code,
    parse_terms,
)
from gladly_bigcommerce.actions.machinery.answers import SubmitAnswer
from gladly_bigcommerce.actions.machinery.attempts import Attempt
from gladly_bigcommerce.actions.machinery.audit import token_fingerprint
from gladly_bigcommerce.actions.machinery.context import ActionContext
from gladly_bigcommerce.actions.machinery.errors import Refusal, WriteGuidance
from gladly_bigcommerce.actions.machinery.exactly_once import (
    begin_attempt,
    finish_attempt,
    recover_attempt,
)
from gladly_bigcommerce.actions.machinery.fields import (
    REASON,
    echoed,
    read_submit,
)
from gladly_bigcommerce.actions.machinery.tokens import FormSubject, FormToken
from gladly_bigcommerce.actions.shoppers import CustomerActionQuery, Shopper
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import Conflict, NotFound
from gladly_bigcommerce.bigcommerce.models import promotions
from gladly_bigcommerce.gladly.customer_ids import RegisteredRef
from gladly_bigcommerce.gladly.errors import ServiceUnavailable
from gladly_bigcommerce.gladly.models import ActionResult

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
    # The person is read again: the account chosen must be one of theirs now, not when the form opened.
    person = read_person(context, shopper.ref.customer_id) if isinstance(shopper.ref, RegisteredRef) else None
    currency = context.client.get_store(deadline=context.deadline).currency
    form = read_submit(discount_fields(context.settings, currency, person), values)
    terms = parse_terms(form, context.settings, currency, now=context.now, person=person)
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
) -> promotions.PromotionCode | None:
    """The code an earlier attempt of this form added to its promotion, if BigCommerce made it."""
    if snapshot.promotion_id is None:
        return None
    try:
        codes = context.client.list_promotion_codes(snapshot.promotion_id, deadline=deadline)
    except NotFound:
        return None
    return codes[0] if codes else None


def promotion_draft(terms: DiscountTerms, name: str) -> promotions.PromotionCreate:
    """The coupon promotion for ``terms``: one rule, uses capped, dates set, fixed amounts in the currency."""
    if terms.kind == FREE_SHIPPING:
        action = promotions.PromotionAction(
            shipping=promotions.ShippingAction(zone_ids="*", free_shipping=True)
        )
    else:
        assert terms.value is not None  # parse_terms sets a value for every other kind
        discount = (
            promotions.PercentageDiscount(percentage_amount=terms.value)
            if terms.kind == PERCENTAGE
            else promotions.FixedDiscount(fixed_amount=terms.value)
        )
        action = promotions.PromotionAction(cart_value=promotions.CartValueAction(discount=discount))
    return promotions.PromotionCreate(
        name=name,
        display_name=terms.summary(),
        rules=[promotions.PromotionRule(action=action)],
        redemption_type="COUPON",
        coupon_type="SINGLE",
        max_uses=terms.uses,
        start_date=terms.starts_at,
        end_date=terms.ends_at,
        # BigCommerce's multi-currency ("*") promotions support percentage discounts only: a percentage
        # fits every currency; a fixed amount (money) and free shipping are made in the store's default
        # currency, which is also what BigCommerce assumes without currency_code (reference FACTS.md).
        currency_code="*" if terms.kind == PERCENTAGE else terms.currency,
        # Only the chosen account's storefronts (promotions.v3 `channels`; omitted: every channel).
        channels=[promotions.PromotionChannel(id=channel) for channel in terms.channels] or None,
    )


def _create_promotion(
    context: ActionContext, attempt: Attempt, snapshot: DiscountSnapshot, shopper: Shopper, token: FormToken
) -> promotions.Promotion:
    """``POST /v3/promotions``, once; its name ties it to the audit line (and to this attempt)."""
    reference = f"{token_fingerprint(str(token))}-{attempt.attempt_id[:6]}"
    account = snapshot.terms.account_id
    whom = f"customer {account}" if account is not None else shopper.described
    name = f"Gladly: {snapshot.terms.summary()} for {whom} (ref {reference})"
    draft = promotion_draft(snapshot.terms, name)
    return context.write(
        lambda deadline: context.client.create_promotion(draft, deadline=deadline),
        guidance=WriteGuidance(
            not_done="no discount was created, and nothing was changed",
            # The next submit makes a new promotion: one made now, if any, has no code and gives nothing.
            unconfirmed="creating the discount, and no code was made: a promotion without a code cannot "
            "be used, so nothing is given twice",
            checked=None,
        ),
        forget=attempt,
        refused=Refusal("discount_refused", "the discount", "Nothing was created.", attr=DISCOUNT_TYPE),
    )


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
                guidance=WriteGuidance(
                    not_done="no code was made",
                    not_repeated="the discount is made once",
                    unconfirmed="the new discount code",
                    checked="the promotion's codes are checked",
                ),
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
    snapshot: DiscountSnapshot, code: promotions.PromotionCode, reason: str, *, recovered: bool = False
) -> SubmitAnswer:
    """200: the code to paste, what it gives, for how long and how often, and why."""
    terms = snapshot.terms
    where = "" if terms.kind == PERCENTAGE else f" (orders in {terms.currency})"
    detail = [
        f"Code for the shopper: {code.code}",
        f"{terms.summary()}{where}. {terms.uses_text()}.",
        f"Valid until {terms.ends_at:%Y-%m-%d %H:%M} UTC ({terms.valid_days} days).",
        *([f"Works on {terms.storefront} only (customer {terms.account_id})."] if terms.account_id else []),
        ANYONE_WITH_THE_CODE,
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
    if terms.account_id is not None:
        audit |= {"account_id": str(terms.account_id), "channels": ",".join(map(str, terms.channels))}
    return SubmitAnswer.success(
        f"Discount code {code.code}: {terms.summary()}", "\n".join(detail), audit=audit
    )
