"""The refund action: a form showing what is left to refund, and an exactly-once refund submit.

Form (signed GET): BigCommerce quotes everything left on the order; the agent refunds all of it,
chosen items, shipping, or a custom amount, gives a reason, and picks how the money goes back when
the quote offers a choice (store credit only for registered customers). Earlier refunds that were
declined are named on the form: they returned nothing, so what is left includes them.

Submit (signed POST), under the machinery of ``machinery/exactly_once.py`` (one-time token,
idempotency, the order's lock, the attempt journal, audit):
1. the order's lock is taken, so two refunds of one order never overlap in BigCommerce;
2. an unfinished earlier attempt of this form is looked for among the order's refunds first;
3. what is left is read again, the submit is read against the form's fields built for the order as it
   is now (``form.refund_fields``, ``fields.read_submit``: 400 on the offending field, quantities and
   amounts at most what is left: ``amounts.py``, the refund amount rules), BigCommerce quotes the
   choice (``plan.py``), and the payments come from the chosen refund method. BigCommerce
   caps a quote for more than is left instead of refusing it (a negative ``adjustment``, orders.v3
   ``AdjustmentAmount``): a quote with an adjustment, or whose total is not what the agent asked, is
   refused with 400 on the field at fault, and nothing is sent;
4. the attempt is journaled, then the refund is sent once, never retried (``write.py``);
5. the answer says the refund was requested (amount in the order's currency, method): BigCommerce
   processes the payment afterwards ("the payment request itself occurs asynchronously", orders.v3
   ``createOrderRefund``) and records a decline on the order, where the next form shows it. A decline
   already in BigCommerce's answer is a failure (406), with what did and did not happen.
"""

from __future__ import annotations

from gladly_bigcommerce.actions.machinery.route import ActionRoute
from gladly_bigcommerce.actions.orders import OrderActionQuery
from gladly_bigcommerce.actions.refund.form import ACTION, refund_form
from gladly_bigcommerce.actions.refund.write import submit_refund

ROUTE = ActionRoute(ACTION, OrderActionQuery, refund_form, submit_refund)
"""The refund Lambda: the form on ``GET``, the submit on ``POST`` (``edge/actions.py``)."""
