"""The discount-code action: a customer-level form (Gladly's "+" menu) that makes one coupon code.

Form (signed ``GET actions/discount?customer=<externalCustomerId>``): the kind of discount
(percentage off, a fixed amount off the order in the store's currency, free shipping), its size
within the deployment's bounds (``DISCOUNT_MAX_PERCENT``, ``DISCOUNT_MAX_AMOUNT``), how many days
it stays valid (``DISCOUNT_DEFAULT_EXPIRY_DAYS``, at most ``DISCOUNT_MAX_EXPIRY_DAYS``), how many
times it can be used, and a reason.

Submit (signed POST), under the machinery of ``machinery/exactly_once.py`` (one-time token, idempotency, the
attempt journal, audit):
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

from gladly_bigcommerce.actions.discount.form import ACTION, discount_form
from gladly_bigcommerce.actions.discount.write import submit_discount
from gladly_bigcommerce.actions.machinery.route import ActionRoute
from gladly_bigcommerce.actions.shoppers import CustomerActionQuery

ROUTE = ActionRoute(ACTION, CustomerActionQuery, discount_form, submit_discount)
"""The discount Lambda: the form on ``GET``, the submit on ``POST`` (``edge/actions.py``)."""
