"""The deployment's settings as they reach a function: ``ENVIRONMENT_VARIABLES`` is the one list of them.

The settings of Gladly's "Add New BigCommerce App" page are SAM template parameters that reach every
function as environment variables; each has its field of ``AdaptorSettings`` (``model.py``), its
default, its fix, and the template parameter that sets it.
"""

from __future__ import annotations

from dataclasses import dataclass

from gladly_bigcommerce.bigcommerce.http import DEFAULT_API_BASE


@dataclass(frozen=True)
class EnvironmentVariable:
    """One deployment setting as it reaches a function.

    ``default`` is None for a required setting. ``parameter`` is the SAM template parameter that sets
    it (None when the template fills it from a resource).
    """

    field: str
    description: str
    default: str | None
    fix: str
    parameter: str | None


ENVIRONMENT_VARIABLES: dict[str, EnvironmentVariable] = {
    "DEPLOYMENT_NAME": EnvironmentVariable(
        "name",
        "A label for this deployment, shown in logs and metrics (the Name on Gladly's app page).",
        None,
        "Set DEPLOYMENT_NAME to a short label such as 'acme-store': 1 to 64 letters, digits, spaces, dots, "
        "underscores and hyphens, starting with a letter or digit.",
        "DeploymentName",
    ),
    "STORE_HASH": EnvironmentVariable(
        "store_hash",
        "The BigCommerce store hash (the id in api.bigcommerce.com/stores/{hash}).",
        None,
        "Set STORE_HASH to the store hash, e.g. 'abc123xyz0' from https://store-abc123xyz0.mybigcommerce.com.",
        "StoreHash",
    ),
    "SECRET_NAME": EnvironmentVariable(
        "secret_name",
        "ARN of the Secrets Manager secret holding the credentials JSON (a name works only locally).",
        None,
        "Set SECRET_NAME to the ARN of the credentials secret, as `aws secretsmanager describe-secret "
        "--secret-id NAME --query ARN` prints it (docs/deploying.md, step 4).",
        "CredentialsSecretArn",
    ),
    "SEARCH_QUERY_ATTRIBUTES": EnvironmentVariable(
        "search_query_attributes",
        "Comma-separated attribute:Label pairs Gladly searches by (attributes email, phone, orderNumber).",
        "email:Email,phone:Phone",
        "Set SEARCH_QUERY_ATTRIBUTES to one or more of email, phone and orderNumber, e.g. "
        "'email:Email,phone:Phone,orderNumber:Order number'.",
        "SearchQueryAttributes",
    ),
    "SEARCH_RESULTS_ATTRIBUTES": EnvironmentVariable(
        "search_results_attributes",
        "Comma-separated attribute:Label pairs shown as columns of the search results.",
        "name:Name,email:Email",
        "Set SEARCH_RESULTS_ATTRIBUTES to attribute:Label pairs, e.g. 'name:Name,email:Email,phone:Phone'.",
        "SearchResultsAttributes",
    ),
    "AUTO_LINK_FIELDS": EnvironmentVariable(
        "auto_link_fields",
        "Comma-separated fields that may auto-link a profile (email, phone); empty disables auto-linking.",
        "email,phone",
        "Set AUTO_LINK_FIELDS to 'email', 'phone', 'email,phone' or '' (no auto-linking).",
        "AutoLinkFields",
    ),
    "ACTIONS_ENABLED": EnvironmentVariable(
        "actions_enabled",
        "Comma-separated actions offered to agents (refund, cancel, discount, staff_note, "
        "store_credit, shipping_address); 'true': all; empty: none.",
        "",
        "Set ACTIONS_ENABLED to a comma-separated subset of refund,cancel,discount,staff_note,"
        "store_credit,shipping_address, 'true' or ''.",
        "ActionsEnabled",
    ),
    "RECENT_ORDERS": EnvironmentVariable(
        "recent_orders",
        "How many of the newest orders a detailed lookup returns (1 to 50).",
        "10",
        "Set RECENT_ORDERS to a whole number from 1 to 50.",
        "RecentOrders",
    ),
    "STOREFRONT_URL": EnvironmentVariable(
        "storefront_url",
        "Base https URL of the storefront, for links shoppers follow; empty reads it from the store.",
        "",
        "Set STOREFRONT_URL to the storefront's https base URL (e.g. 'https://shop.example.com') or ''.",
        "StorefrontUrl",
    ),
    "ADMIN_URL": EnvironmentVariable(
        "admin_url",
        "Base https URL of the control panel, for order links agents follow; empty: derived from the store.",
        "",
        "Set ADMIN_URL to the control panel's https base URL, e.g. "
        "'https://store-abc123xyz0.mybigcommerce.com/manage', or leave it empty.",
        "AdminUrl",
    ),
    "PUBLIC_BASE_URL": EnvironmentVariable(
        "public_base_url",
        "Base URL Gladly reaches this API at (custom domain or proxy), on which action form URLs are built; "
        "empty: the host and stage or base path of each request.",
        "",
        "Set PUBLIC_BASE_URL to the absolute http(s) URL the Lookup URL starts with, without '/lookup', "
        "query or fragment (e.g. 'https://support-api.example.com/gladly'), or leave it empty.",
        "PublicBaseUrl",
    ),
    "DEFAULT_PHONE_REGION": EnvironmentVariable(
        "default_phone_region",
        "Last-fallback ISO 3166 alpha-2 region for phones written without a country code whose record "
        "names no country and whose store's country cannot be read.",
        "US",
        "Set DEFAULT_PHONE_REGION to a two-letter region code such as 'US', 'GB' or 'DE'.",
        "DefaultPhoneRegion",
    ),
    "BIGCOMMERCE_API_BASE": EnvironmentVariable(
        "api_base",
        "Base URL of the BigCommerce API; change it only for a test double on this machine.",
        DEFAULT_API_BASE,
        f"Set BIGCOMMERCE_API_BASE to {DEFAULT_API_BASE} (or an http://127.0.0.1:<port> sandbox locally).",
        "BigCommerceApiBase",
    ),
    "SECRET_MAX_AGE_SECONDS": EnvironmentVariable(
        "secret_max_age_seconds",
        "How long a function reuses the credentials it read before reading the secret again.",
        "300",
        "Set SECRET_MAX_AGE_SECONDS to a whole number of seconds from 0 to 86400.",
        "SecretMaxAgeSeconds",
    ),
    "DISCOUNT_MAX_PERCENT": EnvironmentVariable(
        "discount_max_percent",
        "The largest percentage discount an agent may grant.",
        "20",
        "Set DISCOUNT_MAX_PERCENT to a number greater than 0 and at most 100.",
        "DiscountMaxPercent",
    ),
    "DISCOUNT_MAX_AMOUNT": EnvironmentVariable(
        "discount_max_amount",
        "The largest fixed-amount discount an agent may grant, in the store's currency.",
        "50",
        "Set DISCOUNT_MAX_AMOUNT to a positive decimal amount such as '50' or '49.99'.",
        "DiscountMaxAmount",
    ),
    "DISCOUNT_DEFAULT_EXPIRY_DAYS": EnvironmentVariable(
        "discount_default_expiry_days",
        "Days a discount code stays valid unless the agent chooses otherwise.",
        "30",
        "Set DISCOUNT_DEFAULT_EXPIRY_DAYS to a whole number of days, at most DISCOUNT_MAX_EXPIRY_DAYS.",
        "DiscountDefaultExpiryDays",
    ),
    "DISCOUNT_MAX_EXPIRY_DAYS": EnvironmentVariable(
        "discount_max_expiry_days",
        "The longest validity, in days, an agent may give a discount code.",
        "365",
        "Set DISCOUNT_MAX_EXPIRY_DAYS to a whole number of days from 1 to 3650.",
        "DiscountMaxExpiryDays",
    ),
    "STORE_CREDIT_MAX": EnvironmentVariable(
        "store_credit_max",
        "The largest goodwill store credit an agent may give in one action, in the store's currency.",
        "50",
        "Set STORE_CREDIT_MAX to a positive decimal amount such as '50' or '49.99'.",
        "StoreCreditMax",
    ),
    "LOOKUP_DEADLINE_SECONDS": EnvironmentVariable(
        "lookup_deadline_seconds",
        "Seconds a lookup may spend on BigCommerce calls (Gladly wants an answer within 5).",
        "4.5",
        "Set LOOKUP_DEADLINE_SECONDS to a number of seconds greater than 0 and at most 8 "
        "(the functions time out at 10 s).",
        "LookupDeadlineSeconds",
    ),
    "BASIC_AUTH_USER": EnvironmentVariable(
        "basic_auth_user",
        "The basic auth user Gladly sends, when basic auth is configured in Gladly (password in the secret).",
        "",
        "Set BASIC_AUTH_USER to the user configured in Gladly, or '' when Gladly sends no basic auth.",
        "BasicAuthUser",
    ),
    "IDEMPOTENCY_TABLE_NAME": EnvironmentVariable(
        "idempotency_table_name",
        "DynamoDB table of action idempotency records (filled in by the template).",
        "",
        "Deploy with template.yaml, which sets IDEMPOTENCY_TABLE_NAME from its IdempotencyTable.",
        None,
    ),
    "ORDER_LOCKS_TABLE_NAME": EnvironmentVariable(
        "order_locks_table_name",
        "DynamoDB table of order locks (filled in by the template).",
        "",
        "Deploy with template.yaml, which sets ORDER_LOCKS_TABLE_NAME from its OrderLocksTable.",
        None,
    ),
    "LOOKUP_CACHE_TABLE_NAME": EnvironmentVariable(
        "lookup_cache_table_name",
        "DynamoDB table of BigCommerce answers the lookup containers share (filled in by the "
        "template); empty: each container keeps only its own.",
        "",
        "Deploy with template.yaml, which sets LOOKUP_CACHE_TABLE_NAME from its LookupCacheTable.",
        None,
    ),
}

VARIABLE_OF_FIELD = {variable.field: name for name, variable in ENVIRONMENT_VARIABLES.items()}
VARIABLE_OF_PARAMETER = {
    variable.parameter: name for name, variable in ENVIRONMENT_VARIABLES.items() if variable.parameter
}
