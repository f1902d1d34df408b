"""The change-shipping-address action's Lambda: Gladly's signed form (GET) and submit (POST) on
/actions/shipping_address."""

from gladly_bigcommerce.actions import shipping_address
from gladly_bigcommerce.edge import snapstart  # noqa: F401  (registers the SnapStart hooks at init)
from gladly_bigcommerce.edge.actions import action_handler

lambda_handler = action_handler(shipping_address.ROUTE)
