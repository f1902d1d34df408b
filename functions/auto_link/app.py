"""POST /auto-link: why a Gladly profile does or does not auto-link, for admins and testers.

It takes the body of a Gladly auto-link request unchanged (signed like every Gladly request) and
answers the auto-link resolver's decision with its evidence, plus the lookup answer Gladly gets.
"""

from gladly_bigcommerce import snapstart  # noqa: F401  (registers the SnapStart hooks at init)
from gladly_bigcommerce.api import Dependencies, GladlyRequest, gladly_handler
from gladly_bigcommerce.auto_link import AutoLinkReport, explain_auto_link
from gladly_bigcommerce.gladly.models import LookupRequest
from gladly_bigcommerce.lookup import LookupDeps, with_store


def auto_link(request: GladlyRequest, dependencies: Dependencies) -> AutoLinkReport:
    lookup_request = request.parse_body(LookupRequest)

    def explain(store: LookupDeps) -> AutoLinkReport:
        return explain_auto_link(
            lookup_request, store.client, store.settings, store.deadline, store.phone_region()
        )

    return with_store(dependencies, explain)


lambda_handler = gladly_handler(auto_link)
