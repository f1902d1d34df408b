"""Auto-link against the store: search, decide, and answer Gladly (or explain the decision to an admin)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.models import Customer
from gladly_bigcommerce.bigcommerce.storefronts import Storefronts
from gladly_bigcommerce.gladly import limits
from gladly_bigcommerce.gladly.customer_ids import normalize_email
from gladly_bigcommerce.gladly.errors import BadRequest
from gladly_bigcommerce.gladly.models import (
    CustomerResult,
    Email,
    GladlyProfile,
    LookupRequest,
    LookupResponse,
    Phone,
)
from gladly_bigcommerce.lookup.auto_link.decision import decide
from gladly_bigcommerce.lookup.auto_link.evidence import (
    AutoLinkDecision,
    FoundShopper,
    match_evidence,
)
from gladly_bigcommerce.lookup.mapping.customers import customer_result, guest_result, with_search_columns
from gladly_bigcommerce.lookup.search import GuestShopper, PhoneRegion, find_by_contacts
from gladly_bigcommerce.lookup.shopper_phones import customer_countries
from gladly_bigcommerce.observability import count, logger
from gladly_bigcommerce.phones import to_e164
from gladly_bigcommerce.settings.model import AdaptorSettings

# --- Evidence gathering (I/O) ------------------------------------------------------------------------


@dataclass(frozen=True)
class AutoLinkResolution:
    """A decision and the records of its candidates, by externalCustomerId, to answer Gladly with."""

    profile: GladlyProfile
    decision: AutoLinkDecision
    region: str  # where phones whose record names no country are read
    customers: Mapping[str, Customer] = field(default_factory=dict)
    guests: Mapping[str, GuestShopper] = field(default_factory=dict)


def resolve_auto_link(
    client: BigCommerceClient,
    profile: GladlyProfile,
    settings: AdaptorSettings,
    deadline: Deadline,
    region: PhoneRegion,
    storefronts: Callable[[], Storefronts] | None = None,
) -> AutoLinkResolution:
    """Search BigCommerce by the emails and phones of ``profile`` at once, then ``decide``.

    Customers by email, customers by phone (every likely spelling, confirmed in E.164 read in each
    customer's own country) and guest orders by email run concurrently under ``deadline``; a long
    profile is searched by its first emails and phones (``gladly/limits.py``). Any search that fails
    raises: deciding on part of the evidence could miss the shopper that makes a match a conflict,
    so there is no partial answer. ``region`` (the store's country) reads phones whose record names
    no country. Accounts that are one person's channel-specific copies (read from `storefronts`, only
    when accounts share an email: ``search.group_people``) are one candidate, named by its oldest
    account: they never make a conflict of their own.
    """
    found = find_by_contacts(
        client,
        emails=profile.emails,
        numbers=profile.phones,
        region=region,
        deadline=deadline,
        max_emails=limits.MAX_EMAILS,
        max_phones=limits.MAX_PHONES,
        storefronts=storefronts,
    )
    return resolution_from_matches(profile, found.customers, found.guests, settings, region.get())


def resolution_from_matches(
    profile: GladlyProfile,
    customers: Iterable[Customer],
    guests: Iterable[GuestShopper],
    settings: AdaptorSettings,
    region: str | None = None,
) -> AutoLinkResolution:
    """The decision on what the searches found (pure: the I/O is done). ``region`` reads phones
    whose record names no country (the store's country; DEFAULT_PHONE_REGION when not given)."""
    region = region or settings.default_phone_region
    by_ref = {str(customer.id): customer for customer in customers}
    guests_by_ref = {guest.external_customer_id: guest for guest in guests}
    shoppers = [
        FoundShopper(
            customer_ref=ref,
            kind="registered",
            email=customer.email,
            phone=customer.phone,
            phone_countries=customer_countries(customer),
        )
        for ref, customer in by_ref.items()
    ] + [
        FoundShopper(customer_ref=ref, kind="guest", email=guest.email)
        for ref, guest in guests_by_ref.items()
    ]
    evidence = match_evidence(profile, shoppers, region)
    decision = decide(profile, evidence, settings.auto_link_fields, default_region=region)
    return AutoLinkResolution(
        profile=profile,
        decision=decision,
        region=region,
        customers={ref: by_ref[ref] for ref in decision.candidate_refs if ref in by_ref},
        guests={ref: guests_by_ref[ref] for ref in decision.candidate_refs if ref in guests_by_ref},
    )


# --- The answer to Gladly's auto-link lookup ---------------------------------------------------------


def auto_link_response(resolution: AutoLinkResolution, settings: AdaptorSettings) -> LookupResponse:
    """What the lookup answers Gladly: one result if linked, every candidate if ambiguous, else ``[]``.

    Gladly links when it gets exactly one result that passes its own match check, so:
    - linked: the profile's matching emails and phones are spelled exactly as the profile has them,
      phones in E.164 typed MOBILE (Gladly links by phone on MOBILE numbers only);
    - ambiguous with a single candidate (it matched on disabled fields only): every value equal to
      one of the profile's is left out of that result, so Gladly's check cannot pass.
    Every result carries name, address and (registered customers) company: Gladly applies Overwrite
    Existing Values itself.
    """
    decision = resolution.decision
    region = resolution.region
    results = [_candidate_result(resolution, ref, region) for ref in decision.candidate_refs]
    if decision.kind == "linked":
        results = [_respelled_for_gladly(results[0], decision, region)]
    elif len(results) == 1:
        results = [_without_profile_values(results[0], resolution.profile, region)]
    return LookupResponse(results=[_as_basic_result(result, settings) for result in results])


def _candidate_result(resolution: AutoLinkResolution, ref: str, region: str) -> CustomerResult:
    customer = resolution.customers.get(ref)
    if customer is None:
        return guest_result(resolution.guests[ref], region)
    result = customer_result(customer, region)
    # A result Gladly links fills a blank profile: company too, as DETAILED sends it.
    if not customer.company:
        return result
    return result.model_copy(update={"custom_attributes": {"company": customer.company}})


def _respelled_for_gladly(result: CustomerResult, decision: AutoLinkDecision, region: str) -> CustomerResult:
    """The matching values on enabled fields, spelled as the profile has them, replace the stored ones.

    Gladly sends profile phones in E.164, so "as the profile has it" and E.164 are the same spelling.
    """
    enabled = [item for item in decision.evidence if item.profile_field in decision.enabled_fields]
    matched_emails = [item.profile_value for item in enabled if item.profile_field == "email"]
    matched_phones = [
        Phone(original=to_e164(item.profile_value, region) or item.profile_value, type="MOBILE")
        for item in enabled
        if item.profile_field == "phone"
    ]
    email_keys = {normalize_email(email) for email in matched_emails}
    phone_keys = {phone.original for phone in matched_phones}
    emails = [Email(original=email) for email in dict.fromkeys(matched_emails)] + [
        email for email in result.emails or [] if normalize_email(email.original) not in email_keys
    ]
    phones = list({phone.original: phone for phone in matched_phones}.values()) + [
        phone for phone in result.phones or [] if phone.original not in phone_keys
    ]
    return result.model_copy(update={"emails": emails or None, "phones": phones or None})


def _without_profile_values(result: CustomerResult, profile: GladlyProfile, region: str) -> CustomerResult:
    profile_emails = {normalize_email(email) for email in profile.emails}
    profile_phones = {to_e164(phone, region) for phone in profile.phones} - {None}
    emails = [email for email in result.emails or [] if normalize_email(email.original) not in profile_emails]
    phones = [phone for phone in result.phones or [] if to_e164(phone.original, region) not in profile_phones]
    return result.model_copy(update={"emails": emails or None, "phones": phones or None})


def _as_basic_result(result: CustomerResult, settings: AdaptorSettings) -> CustomerResult:
    return with_search_columns(result, settings.search_results_attributes)


# --- The two entry points: Gladly's lookup, and the admins' auto-link endpoint ------------------------


def answer_auto_link(
    profile: GladlyProfile,
    client: BigCommerceClient,
    settings: AdaptorSettings,
    deadline: Deadline,
    region: PhoneRegion,
    storefronts: Callable[[], Storefronts] | None = None,
) -> LookupResponse:
    """The lookup's answer to Gladly's auto-link request (protocol sections 1 and 5)."""
    resolution = resolve_auto_link(client, profile, settings, deadline, region, storefronts)
    record_decision(resolution.decision, source="lookup", profile_id=profile.id)
    return auto_link_response(resolution, settings)


class AutoLinkReport(AutoLinkDecision):
    """The auto-link endpoint's answer: the decision with its evidence, and the exact lookup answer
    Gladly gets for the same request (``lookupResponse``), for admins who need to know why."""

    gladly_profile_id: str | None
    lookup_response: LookupResponse


def explain_auto_link(
    request: LookupRequest,
    client: BigCommerceClient,
    settings: AdaptorSettings,
    deadline: Deadline,
    region: PhoneRegion,
    storefronts: Callable[[], Storefronts] | None = None,
) -> AutoLinkReport:
    """Resolve a Gladly auto-link request body, as the lookup would, and report the decision.

    A body the lookup would not treat as auto-link is a 400 that says so: Gladly never links by
    itself on a manual search or a DETAILED lookup, so there is nothing to explain but that.
    """
    if request.kind != "auto_link":
        raise BadRequest.of("not_an_auto_link_request", _NOT_AUTO_LINK[request.kind], attr="query")
    profile = request.profile
    resolution = resolve_auto_link(client, profile, settings, deadline, region, storefronts)
    record_decision(resolution.decision, source="explain", profile_id=profile.id)
    return AutoLinkReport(
        **dict(resolution.decision),
        gladly_profile_id=profile.id,
        lookup_response=auto_link_response(resolution, settings),
    )


_NOT_AUTO_LINK = {
    "manual_search": "This body reads as a manual search, which never links by itself. Gladly's auto-link "
    "requests are BASIC and carry the profile's id with emails and phones as arrays; send one unchanged.",
    "detailed": "This body is a DETAILED lookup (a linked profile being opened), not an auto-link request. "
    "Send the BASIC auto-link request Gladly made for the profile, unchanged.",
}


# --- Logs and metrics --------------------------------------------------------------------------------

DecisionSource = Literal["lookup", "explain"]


def record_decision(decision: AutoLinkDecision, *, source: DecisionSource, profile_id: str | None) -> None:
    """One log line and one count per decision kind and reason; no email or phone in clear.

    Decisions asked for through the auto-link endpoint are counted apart (``AutoLinkExplain...``), so
    an admin's tests do not show up as Gladly's auto-link traffic.
    """
    prefix = "AutoLink" if source == "lookup" else "AutoLinkExplain"
    count(f"{prefix}{_camel(decision.kind)}")
    for reason in decision.reasons:
        count(f"{prefix}Reason{_camel(reason.code)}")
    logger.info(
        "Auto-link decision",
        extra={"source": source, "gladly_profile_id": profile_id, "auto_link": decision.for_log()},
    )


def _camel(code: str) -> str:
    return "".join(part.capitalize() for part in code.split("_"))
