"""The discount form: the kind, size, validity and uses of the code, within the deployment's bounds, and
a reason; the same fields read the submit (``machinery/fields.read_submit``)."""

from __future__ import annotations

from decimal import Decimal

from gladly_bigcommerce.actions.discount.accounts import PersonAccounts, read_person
from gladly_bigcommerce.actions.discount.terms import (
    ACTION,
    AMOUNT,
    ANYONE_WITH_THE_CODE,
    DISCOUNT_TYPE,
    FIXED_AMOUNT,
    FREE_SHIPPING,
    MAX_CODE_USES,
    PERCENTAGE,
    USES,
    VALID_DAYS,
    percent_text,
)
from gladly_bigcommerce.actions.machinery.context import ActionContext
from gladly_bigcommerce.actions.machinery.fields import (
    Amount,
    Bound,
    ByChoice,
    FormField,
    Percentage,
    Unused,
    WholeNumber,
    percentage_examples,
    reason_field,
    select_field,
    text_field,
)
from gladly_bigcommerce.actions.machinery.forms import customer_action_form
from gladly_bigcommerce.actions.machinery.numbers import currency_digits, number_example
from gladly_bigcommerce.actions.shoppers import CustomerActionQuery, Shopper
from gladly_bigcommerce.gladly.customer_ids import RegisteredRef
from gladly_bigcommerce.gladly.models import ActionForm
from gladly_bigcommerce.money import format_money
from gladly_bigcommerce.settings.model import AdaptorSettings

# --- the form -------------------------------------------------------------------------------------------


def discount_form(context: ActionContext, query: CustomerActionQuery) -> ActionForm:
    """The kind, size, validity and uses of the code, within the deployment's bounds, and a reason."""
    shopper = Shopper.of(query)
    person = read_person(context, shopper.ref.customer_id) if isinstance(shopper.ref, RegisteredRef) else None
    currency = context.client.get_store(deadline=context.deadline).currency.upper()
    fields = discount_fields(context.settings, currency, person)
    return customer_action_form(
        context, ACTION, "Create a discount code", "Create code", fields, customer_id=shopper.external_id
    )


def discount_fields(
    settings: AdaptorSettings, currency: str, person: PersonAccounts | None = None
) -> list[FormField]:
    """The discount form's fields in the store's ``currency``, bounded by the deployment's settings,
    first the "Storefront" select when the ``person`` has accounts on several storefronts
    (``accounts.py``): rendered by the form, read by the submit."""
    return ([person.field()] if person is not None else []) + _offer_fields(settings, currency)


def _offer_fields(settings: AdaptorSettings, currency: str) -> list[FormField]:
    currency = currency.upper()
    max_amount = format_money(settings.discount_max_amount, currency)
    max_percent = percent_text(settings.discount_max_percent)
    max_days = settings.discount_max_expiry_days
    percentage_bound = Bound(
        settings.discount_max_percent, "exceeds_maximum", f"At most {max_percent} off can be given."
    )
    size = ByChoice(
        DISCOUNT_TYPE,
        {
            PERCENTAGE: Percentage(
                percentage_bound,
                missing=f"Enter the percentage off, like {percentage_examples(percentage_bound)}.",
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
            # taken both as a percentage (2 decimals) and as an amount: within both limits
            placeholder=number_example(
                min(currency_digits(currency), 2),
                min(settings.discount_max_percent, settings.discount_max_amount),
            ),
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
            hint=f"1 makes a single-use code. {ANYONE_WITH_THE_CODE}",
        ),
        reason_field("Reason", "Required. Recorded in this conversation and the adaptor's audit log."),
    ]


def _count(unit: str, most: int) -> WholeNumber:
    return WholeNumber(
        unit, least=1, bound=Bound(Decimal(most), "out_of_range", f"Choose from 1 to {most} {unit}.")
    )
