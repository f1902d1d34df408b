"""Values BigCommerce keeps whole, which an action changes by reading, changing and writing them back: a
customer's store credit (``PUT /v3/customers`` takes the new balance), an order's staff notes (``PUT
/v2/orders/{id}`` replaces the text), one of an order's shipping addresses.

BigCommerce offers no operation that adds to such a value and takes no idempotency key, so an action
that rewrites one, under its order's or customer's lock (``exactly_once.submit_locked``: no two of ours
interleave):

1. reads the value, computes the new one, journals both (``exactly_once.begin_attempt``), and writes
   once (``context.write``);
2. verifies what BigCommerce keeps afterwards (``read_back``: a read with what is left of the submit's
   deadline), so the answer states what is there, not what was meant;
3. when an earlier submit of the same form ended without an answer, looks at the value before anything
   else (``earlier_write``): written, the earlier write is reported and never made again; not written
   and safe to write again, it is written once an unconfirmed write can no longer arrive
   (``UNCONFIRMED_WRITE_SETTLE_SECONDS``); changed otherwise (by someone else meanwhile), nothing is
   written and the agent is told to check.

What no lock of ours covers, a change made in BigCommerce between the read and the write (a shopper
spending store credit at that moment), a read-modify-write cannot see: the verifying read shows what
BigCommerce keeps, and the answer says so when it is not what was written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from gladly_bigcommerce.actions.machinery.attempts import Attempt
from gladly_bigcommerce.actions.machinery.errors import WriteOutcomeUnknown
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import BigCommerceError, CallBudgetExceeded
from gladly_bigcommerce.gladly.errors import NotAcceptable
from gladly_bigcommerce.observability import logger

if TYPE_CHECKING:
    from gladly_bigcommerce.actions.machinery.context import ActionContext

T = TypeVar("T")

UNCONFIRMED_WRITE_SETTLE_SECONDS = 30.0
"""After a write BigCommerce did not confirm, how long it may still arrive before it is called not made
(the Lambda that sent it is stopped at 14 s; BigCommerce's own handling of a request is shorter)."""


def earlier_write(
    context: ActionContext, attempt: Attempt, *, written: bool, redoable: bool, what: str
) -> bool:
    """Whether the unfinished ``attempt``'s write is in BigCommerce: True when the value shows it
    (``written``), False when it surely is not there and may be written again (``redoable``: the value is
    as that attempt read it, or writing again cannot undo anybody's change).

    While an unconfirmed write may still arrive: ``WriteOutcomeUnknown`` (the form stays open, the lock
    is kept). When the value is neither: 406 ``changed_elsewhere``, nothing written. ``what`` names the
    value, e.g. ``the store credit of customer 4``.
    """
    if written:
        return True
    age = attempt.age_seconds(context.stores.journal.now())
    if age < UNCONFIRMED_WRITE_SETTLE_SECONDS:
        raise WriteOutcomeUnknown.of(
            "outcome_unknown",
            f"The earlier change of {what} is not confirmed yet, and BigCommerce does not show it. Nothing "
            f"more was done: submit this form again in {int(UNCONFIRMED_WRITE_SETTLE_SECONDS)} seconds.",
        )
    if not redoable:
        raise NotAcceptable.of(
            "changed_elsewhere",
            f"BigCommerce did not confirm the earlier change of {what}, and the value has changed since "
            "in another way, so nothing more was done: check it in BigCommerce before changing it again.",
        )
    return False


def read_back(context: ActionContext, read: Callable[[Deadline], T], *, what: str) -> T | None:
    """What BigCommerce keeps after a write, read with what is left of the submit's deadline; None when
    it cannot be read (the write stands: BigCommerce answered it). ``what`` names it for the log."""
    try:
        return read(context.write_deadline)
    except (BigCommerceError, CallBudgetExceeded):
        logger.warning("Could not read back a value just written", extra={"value": what}, exc_info=True)
        return None
