"""The discount an agent asks for: its kind, size, validity and uses, read within the deployment's
bounds, and the readable, unguessable codes it is given by."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from gladly_bigcommerce.actions.discount.accounts import ACCOUNT, PersonAccounts
from gladly_bigcommerce.actions.machinery.fields import SubmittedForm
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

ANYONE_WITH_THE_CODE = (
    "Anyone who has the code can use it (BigCommerce cannot tie a code to one customer): give it to this "
    "shopper only."
)


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
    account_id: int | None = None
    """The account chosen on the form's "Storefront" select (``accounts.py``); None when it had none."""
    storefront: str = ""
    """That account's storefront(s) by name, for the answer."""
    channels: tuple[int, ...] = ()
    """The channels the promotion targets; none: every channel (BigCommerce's default)."""

    def same_offer(self, other: DiscountTerms) -> bool:
        """The same discount, whenever it was asked for (a resubmit moves the dates, not the offer)."""
        keys = ("kind", "value", "currency", "uses", "valid_days", "account_id", "channels")
        return all(getattr(self, key) == getattr(other, key) for key in keys)

    def summary(self) -> str:
        """``10% off the order``, ``$5.00 off the order``, ``Free shipping``."""
        if self.kind == PERCENTAGE and self.value is not None:
            return f"{percent_text(self.value)} off the order"
        if self.kind == FIXED_AMOUNT and self.value is not None:
            return f"{format_money(self.value, self.currency)} off the order"
        return "Free shipping"

    def uses_text(self) -> str:
        return "Single use" if self.uses == 1 else f"Can be used {self.uses} times in all"


def percent_text(value: Decimal) -> str:
    return f"{format(value.normalize(), 'f')}%"


def parse_terms(
    form: SubmittedForm,
    settings: AdaptorSettings,
    currency: str,
    *,
    now: datetime,
    person: PersonAccounts | None = None,
) -> DiscountTerms:
    """The agent's discount, read by ``discount_fields`` (so within the deployment's bounds), for the
    account chosen among the ``person``'s when the form offered a choice."""
    where: dict[str, Any] = {}
    if person is not None and person.several:
        account = person.account(int(form.choice(ACCOUNT) or person.linked.id))
        where = {
            "account_id": account.id,
            "storefront": person.storefronts.shopper_storefronts([account]),
            "channels": person.channels(account),
        }
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
        **where,
    )
