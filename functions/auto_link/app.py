"""POST /auto-link: why a Gladly profile does or does not auto-link, for admins and testers.

It takes the body of a Gladly auto-link request unchanged (signed like every Gladly request) and
answers the auto-link resolver's decision with its evidence, plus the lookup answer Gladly gets.
"""

from gladly_bigcommerce.edge import snapstart  # noqa: F401  (registers the SnapStart hooks at init)
from gladly_bigcommerce.edge.handler import gladly_handler
from gladly_bigcommerce.edge.lookups import auto_link

lambda_handler = gladly_handler(auto_link)
