"""The store-credit action's Lambda: Gladly's signed form (GET) and submit (POST) on /actions/store_credit."""

from gladly_bigcommerce.actions import store_credit
from gladly_bigcommerce.edge import snapstart  # noqa: F401  (registers the SnapStart hooks at init)
from gladly_bigcommerce.edge.actions import action_handler

lambda_handler = action_handler(store_credit.ROUTE)
