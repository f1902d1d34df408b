"""The goodwill store-credit action: raise a registered customer's store credit by an amount, exactly once.

Offered in the profile's "+" menu of registered customers only: BigCommerce keeps store credit on a
customer account (customers.v3 ``store_credit_amounts``), and a guest has none; the form of a guest
answers 406 ``guest_customer`` saying so (the profile's ``accountType`` reads ``Guest``).

Form (signed ``GET actions/store_credit?customer=<id>``): the customer's balance now, an amount in the
store's default currency (BigCommerce does not convert store credit: the currencies guide), more than
zero and at most ``STORE_CREDIT_MAX``, and a required reason.

BigCommerce keeps the balance, not the gifts: ``PUT /v3/customers`` with ``store_credit_amounts`` sets
it (reference FACTS.md, the sandbox's ``store-credit-absolute``) and nothing adds to it. So a gift is a
read-modify-write (``machinery/rewrites.py``) under the customer's lock
(``exactly_once.submit_customer_action``: two agents giving 5.00 at once raise the balance by 10.00):
read the balance, journal it with the new one, write the new one once, read it back. The answer states
the balance BigCommerce then keeps. A submit repeated after a timeout reads the balance first: at the
new balance, the gift is reported and never given again; still at the old one once an unconfirmed write
can no longer arrive, it is written then; anything else (a shopper spent credit meanwhile) is refused
with nothing written, for the agent to check. The amounts are written back as one (their sum).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from gladly_bigcommerce.actions.machinery.answers import SubmitAnswer
from gladly_bigcommerce.actions.machinery.attempts import Attempt
from gladly_bigcommerce.actions.machinery.context import ActionContext
from gladly_bigcommerce.actions.machinery.errors import Refusal, WriteGuidance
from gladly_bigcommerce.actions.machinery.exactly_once import (
    begin_attempt,
    finish_attempt,
    submit_customer_action,
)
from gladly_bigcommerce.actions.machinery.fields import (
    REASON,
    Amount,
    Bound,
    FormField,
    echoed,
    read_submit,
    reason_field,
    text_field,
)
from gladly_bigcommerce.actions.machinery.forms import customer_action_form
from gladly_bigcommerce.actions.machinery.numbers import amount_example
from gladly_bigcommerce.actions.machinery.rewrites import earlier_write, read_back
from gladly_bigcommerce.actions.machinery.route import ActionRoute
from gladly_bigcommerce.actions.machinery.tokens import FormSubject, FormToken
from gladly_bigcommerce.actions.shoppers import CustomerActionQuery, Shopper, load_customer
from gladly_bigcommerce.bigcommerce.models import Customer
from gladly_bigcommerce.gladly.customer_ids import RegisteredRef
from gladly_bigcommerce.gladly.errors import NotAcceptable
from gladly_bigcommerce.gladly.models import ActionForm, ActionResult
from gladly_bigcommerce.money import format_money
from gladly_bigcommerce.settings.model import ActionName, AdaptorSettings

ACTION: ActionName = "store_credit"
AMOUNT = "amount"


def registered_id(shopper: Shopper) -> int:
    """The shopper's BigCommerce customer id; 406 for a guest, who has no account to hold credit."""
    if not isinstance(shopper.ref, RegisteredRef):
        raise NotAcceptable.of(
            "guest_customer",
            "This shopper checked out as a guest: BigCommerce keeps store credit on customer accounts only, "
            "so none can be given. A discount code can.",
        )
    return shopper.ref.customer_id


def store_credit_fields(settings: AdaptorSettings, currency: str) -> list[FormField]:
    """The store-credit form's fields in the store's ``currency``: rendered by the form, read by the
    submit."""
    most = format_money(settings.store_credit_max, currency)
    return [
        text_field(
            AMOUNT,
            f"Store credit to give, in {currency.upper()} (up to {most})",
            Amount(
                currency,
                Bound(settings.store_credit_max, "exceeds_maximum", f"At most {most} can be given at once."),
                missing=f"Enter the amount of store credit in {currency.upper()}.",
            ),
            placeholder=amount_example(currency),
            hint="Digits and a decimal point only, no currency sign. Added to the customer's balance.",
        ),
        reason_field("Reason", "Required. Recorded in this conversation and the adaptor's audit log."),
    ]


def store_credit_form(context: ActionContext, query: CustomerActionQuery) -> ActionForm:
    """The amount and a reason, the balance now in the title; 406 for a guest or an unknown customer."""
    shopper = Shopper.of(query)
    customer = load_customer(context, registered_id(shopper))
    currency = context.client.get_store(deadline=context.deadline).currency.upper()
    balance = format_money(_balance(customer), currency)
    return customer_action_form(
        context,
        ACTION,
        f"Give store credit (balance now {balance})",
        "Give store credit",
        store_credit_fields(context.settings, currency),
        customer_id=shopper.external_id,
    )


def _balance(customer: Customer) -> Decimal:
    """The customer's store credit as BigCommerce answered it; 406 when it did not say (writing a
    balance computed without it would erase it)."""
    if "store_credit_amounts" not in customer.model_fields_set:
        raise NotAcceptable.of(
            "store_credit_unknown",
            f"BigCommerce did not say what the store credit of customer {customer.id} is now, so none was "
            "given. Try again in a minute.",
        )
    return customer.store_credit


class CreditSnapshot(BaseModel):
    """What a store-credit attempt read and writes: the balance before and after, in ``currency``."""

    model_config = ConfigDict(frozen=True)

    customer_id: int
    currency: str
    amount: Decimal
    before: Decimal
    after: Decimal
    reason: str


def submit_store_credit(
    context: ActionContext, query: CustomerActionQuery, values: Mapping[str, Any]
) -> ActionResult:
    """Give the credit exactly once per form, under the customer's lock (see the module docstring)."""
    shopper = Shopper.of(query)
    customer_id = registered_id(shopper)

    def give_once(token: FormToken, attempt: Attempt | None) -> SubmitAnswer:
        currency = context.client.get_store(deadline=context.deadline).currency.upper()
        form = read_submit(store_credit_fields(context.settings, currency), values)
        balance = _balance(load_customer(context, customer_id))
        if attempt is not None:
            snapshot = CreditSnapshot.model_validate(attempt.snapshot)
            what = f"the store credit of customer {customer_id}"
            written = balance == snapshot.after
            if earlier_write(
                context, attempt, written=written, redoable=balance == snapshot.before, what=what
            ):
                return finish_attempt(context, attempt, _given(snapshot, balance, recovered=True))
            return _give(context, snapshot, token, replacing=attempt)
        amount = form.number(AMOUNT)
        assert amount is not None
        snapshot = CreditSnapshot(
            customer_id=customer_id,
            currency=currency,
            amount=amount,
            before=balance,
            after=balance + amount,
            reason=form.text(REASON),
        )
        return _give(context, snapshot, token, replacing=None)

    subject = FormSubject(ACTION, None, query.customer)
    return submit_customer_action(
        context,
        subject,
        query.token,
        values,
        give_once,
        customer_id=customer_id,
        audit_customer=shopper.audit_ref,
    )


def _give(
    context: ActionContext, snapshot: CreditSnapshot, token: FormToken, *, replacing: Attempt | None
) -> SubmitAnswer:
    """Journal the new balance, write it once, and answer the balance BigCommerce then keeps."""
    customer_id = snapshot.customer_id
    money = format_money(snapshot.amount, snapshot.currency)
    attempt = begin_attempt(context, ACTION, token, snapshot, order_id=None, replacing=replacing)
    context.write(
        lambda deadline: context.client.set_store_credit(customer_id, [snapshot.after], deadline=deadline),
        guidance=WriteGuidance(
            not_done=f"no store credit was given to customer {customer_id}",
            unconfirmed=f"the store credit of {money} for customer {customer_id}",
            checked="the balance is read",
            other_way="give it",
        ),
        forget=attempt,
        refused=Refusal("credit_refused", "the store credit", "No store credit was given.", attr=AMOUNT),
    )
    read = read_back(
        context,
        lambda deadline: context.client.get_customer(customer_id, deadline=deadline),
        what="store_credit_amounts",
    )
    kept = read.store_credit if read is not None and "store_credit_amounts" in read.model_fields_set else None
    return finish_attempt(context, attempt, _given(snapshot, kept))


def _given(snapshot: CreditSnapshot, kept: Decimal | None, *, recovered: bool = False) -> SubmitAnswer:
    """200: the credit given and the balance BigCommerce keeps (or why it cannot be shown)."""
    currency = snapshot.currency
    money = format_money(snapshot.amount, currency)
    after, before = format_money(snapshot.after, currency), format_money(snapshot.before, currency)
    if kept is None:
        balance = f"New balance: {after} (it was {before}); BigCommerce's balance could not be read back."
    elif kept == snapshot.after:
        balance = f"New balance: {after} (it was {before})."
    else:
        balance = (
            f"BigCommerce now shows a balance of {format_money(kept, currency)}, not the {after} written "
            f"(it was {before}): it changed in BigCommerce meanwhile. Check the customer's store credit "
            "there."
        )
    detail = [balance, f"Reason: {echoed(snapshot.reason)}"]
    if recovered:
        detail.append("(Confirmed after an earlier timeout: the credit was not given twice.)")
    audit = {
        "amount": format(snapshot.amount, "f"),
        "currency": currency,
        "balance_before": format(snapshot.before, "f"),
        "balance_after": format(snapshot.after, "f"),
        "verified": "true" if kept == snapshot.after else "false",
        "reason_length": str(len(snapshot.reason)),
    }
    message = f"Gave {money} store credit to customer {snapshot.customer_id}"
    return SubmitAnswer.success(message, "\n".join(detail), audit=audit)


ROUTE = ActionRoute(ACTION, CustomerActionQuery, store_credit_form, submit_store_credit)
"""The store-credit Lambda: the form on ``GET``, the submit on ``POST`` (``edge/actions.py``)."""
