"""Auto-link resolution: may Gladly link this profile to one BigCommerce shopper by itself?

Gladly links an unlinked profile when its auto-link lookup gets back exactly one result that matches
the profile on an enabled Auto-Linking Field. Linking the wrong shopper shows an agent someone else's
orders and lets them refund or cancel them, so the rule here (the seed's: "a unique profile, at least
one auto-linking field match, no conflicts") is strict:

    linked     exactly one shopper matches any of the profile's emails or phones, on any field, and it
               matches on at least one enabled Auto-Linking Field;
    ambiguous  several shoppers match (two accounts share an email, the email points at one shopper
               and the phone at another, ...), or the only shopper matches on disabled fields only;
    no_match   no shopper matches.

A match on a disabled field still counts as a conflict: a phone that points at another shopper is a
reason for doubt even when the admin does not link by phone.

A shopper is a registered customer, or a guest (orders with no account, found by billing email). Guest
orders under the email of a registered customer belong to that customer: one shopper, not a conflict.

The work is split in two: ``resolve_auto_link`` searches BigCommerce (every email and phone at once,
under the lookup's deadline) and ``match_evidence`` turns what it found into evidence items (which
profile value matched which customer field); ``decide`` is a pure function of the profile, the evidence
and the enabled fields, so it can be tested exhaustively. ``auto_link_response`` then shapes the answer
so that Gladly's own match check passes for a linked shopper and for nobody else.

Entry points: ``answer_auto_link`` (the Lookup URL, for Gladly) and ``explain_auto_link`` (POST
/auto-link, for admins: the decision with its evidence).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import ConfigDict

from gladly_bigcommerce.bigcommerce.client import BigCommerceClient, Customer, Deadline
from gladly_bigcommerce.customer_search import (
    GUEST_ID_PREFIX,
    GuestShopper,
    PhoneRegion,
    find_by_contacts,
    normalize_email,
)
from gladly_bigcommerce.gladly import limits
from gladly_bigcommerce.gladly.errors import BadRequest
from gladly_bigcommerce.gladly.models import (
    CustomerResult,
    Email,
    GladlyModel,
    GladlyProfile,
    LookupRequest,
    LookupResponse,
    Phone,
)
from gladly_bigcommerce.mapping import customer_result, guest_result, with_search_columns
from gladly_bigcommerce.observability import count, logger, mask_email, mask_phone
from gladly_bigcommerce.phones import to_e164
from gladly_bigcommerce.settings.model import AdaptorSettings
from gladly_bigcommerce.shopper_phones import StoredPhone, customer_countries

ProfileField = Literal["email", "phone"]
CustomerField = Literal["email", "phone", "guest_order_email"]
ShopperKind = Literal["registered", "guest"]
DecisionKind = Literal["linked", "ambiguous", "no_match"]
ReasonCode = Literal[
    "unique_match",
    "nothing_matched",
    "no_contact_values",
    "not_a_phone_number",
    "value_shared_by_shoppers",
    "values_point_at_different_shoppers",
    "only_disabled_fields",
    "guest_orders_of_registered_customer",
]
PROFILE_FIELDS: tuple[ProfileField, ...] = ("email", "phone")


# --- The decision model ------------------------------------------------------------------------------


class _DecisionModel(GladlyModel):
    model_config = ConfigDict(frozen=True)


class Evidence(_DecisionModel):
    """One fact: the profile's ``profile_value`` (spelled as the profile has it) equals a shopper's field,
    whose stored spelling is ``customer_value``.

    Emails are compared trimmed and lowercased, phones in E.164: what Gladly's own match check does.
    """

    profile_field: ProfileField
    profile_value: str
    customer_ref: str
    customer_field: CustomerField
    customer_value: str

    @property
    def shopper_kind(self) -> ShopperKind:
        return "guest" if self.customer_field == "guest_order_email" else "registered"

    @property
    def masked_value(self) -> str:
        return mask_value(self.profile_field, self.profile_value)

    def for_log(self) -> dict[str, str]:
        """The item with both values (and a guest's email in its ref) masked: fit for a log line."""
        return {
            **self.to_body(),
            "profileValue": self.masked_value,
            "customerRef": masked_ref(self.customer_ref),
            "customerValue": mask_value(self.profile_field, self.customer_value),
        }


class Candidate(_DecisionModel):
    """A shopper that matches the profile, and on which profile fields."""

    customer_ref: str
    shopper_kind: ShopperKind
    matched_fields: list[ProfileField]
    matches_enabled_field: bool


class Reason(_DecisionModel):
    """Why the decision is what it is, in an admin's words; emails and phones in ``detail`` are masked
    (``customer_refs`` names the shoppers exactly)."""

    code: ReasonCode
    detail: str
    customer_refs: list[str] = []


class AutoLinkDecision(_DecisionModel):
    """The outcome of auto-link resolution, with the evidence it rests on.

    ``customer_ref`` is the linked shopper's externalCustomerId (``linked`` only); ``candidates`` are all
    shoppers that matched (one for ``linked``, none for ``no_match``).
    """

    kind: DecisionKind
    customer_ref: str | None = None
    candidates: list[Candidate]
    reasons: list[Reason]
    evidence: list[Evidence]
    enabled_fields: list[ProfileField]

    @property
    def candidate_refs(self) -> list[str]:
        return [candidate.customer_ref for candidate in self.candidates]

    def for_log(self) -> dict[str, object]:
        """The decision without any email or phone in clear (reason details are masked already)."""
        return {
            "kind": self.kind,
            "customerRef": masked_ref(self.customer_ref) if self.customer_ref else None,
            "candidates": [masked_ref(ref) for ref in self.candidate_refs],
            "reasons": [reason.code for reason in self.reasons],
            "evidence": [item.for_log() for item in self.evidence],
            "enabledFields": self.enabled_fields,
        }


def mask_value(field: ProfileField, value: str) -> str:
    return mask_email(value) if field == "email" else mask_phone(value)


def masked_ref(ref: str) -> str:
    """A customer id as logs may show it: a guest's id holds its email (``guest:a***@e***.com``)."""
    if ref.startswith(GUEST_ID_PREFIX):
        return GUEST_ID_PREFIX + mask_email(ref.removeprefix(GUEST_ID_PREFIX))
    return ref


# --- Evidence from search results (pure) -------------------------------------------------------------


@dataclass(frozen=True)
class FoundShopper:
    """A shopper as the searches found it, reduced to what matching needs.

    ``customer_ref`` is the externalCustomerId the lookup returns for it; a guest has no phone we can
    search by (BigCommerce cannot search orders by phone), so only its email is compared.
    """

    customer_ref: str
    kind: ShopperKind
    email: str
    phone: str | None = None
    phone_countries: tuple[str, ...] = ()  # where the shopper's record places its phone


def match_evidence(
    profile: GladlyProfile, shoppers: Iterable[FoundShopper], default_region: str
) -> list[Evidence]:
    """Every (profile value, shopper field) pair that matches, in a stable order, without duplicates.

    Computed from the records themselves, not from which search found them: a customer found by email
    whose phone is also the profile's phone yields both items. A stored phone is read in the country
    its record names (`shopper_phones.StoredPhone`; `default_region` only where it names none).
    """
    profile_phones = [(phone, to_e164(phone, default_region)) for phone in profile.phones]
    found: dict[tuple[str, ...], Evidence] = {}
    for shopper in shoppers:
        email = _email_key(shopper.email)
        for profile_email in profile.emails:
            if email and _email_key(profile_email) == email:
                item = Evidence(
                    profile_field="email",
                    profile_value=profile_email,
                    customer_ref=shopper.customer_ref,
                    customer_field="email" if shopper.kind == "registered" else "guest_order_email",
                    customer_value=shopper.email,
                )
                found[_evidence_key(item)] = item
        stored = StoredPhone(shopper.phone or "", shopper.phone_countries)
        for profile_phone, e164 in profile_phones:
            if shopper.kind == "registered" and e164 is not None and stored.is_number(e164, default_region):
                item = Evidence(
                    profile_field="phone",
                    profile_value=profile_phone,
                    customer_ref=shopper.customer_ref,
                    customer_field="phone",
                    customer_value=shopper.phone or "",
                )
                found[_evidence_key(item)] = item
    return sorted(found.values(), key=_evidence_order)


def _email_key(email: str) -> str:
    return email.strip().lower()


def _evidence_key(item: Evidence) -> tuple[str, ...]:
    return (
        item.profile_field,
        item.profile_value,
        item.customer_ref,
        item.customer_field,
        item.customer_value,
    )


def _evidence_order(item: Evidence) -> tuple[int, str, tuple[int, int, str], str]:
    return (
        PROFILE_FIELDS.index(item.profile_field),
        item.profile_value,
        _ref_order(item.customer_ref, item.shopper_kind),
        item.customer_field,
    )


def _ref_order(ref: str, kind: ShopperKind) -> tuple[int, int, str]:
    """Registered customers first, by numeric id; then guests by id."""
    numeric = int(ref) if ref.isdigit() else 0
    return (0 if kind == "registered" else 1, numeric, ref)


# --- The decision (pure) -----------------------------------------------------------------------------


def decide(
    profile: GladlyProfile,
    evidence: Sequence[Evidence],
    enabled_fields: Iterable[ProfileField],
    *,
    default_region: str = "US",
) -> AutoLinkDecision:
    """Linked, ambiguous or no_match for ``profile``, from ``evidence`` alone (no I/O).

    ``default_region`` only reads profile phones written without a country code (Gladly sends E.164),
    to tell the admin which phones could not be searched at all.
    """
    enabled = sorted(set(enabled_fields), key=PROFILE_FIELDS.index)
    items = sorted(dict.fromkeys(evidence), key=_evidence_order)
    reasons = _unsearchable_phone_reasons(profile, default_region)
    folded_refs, counted = _fold_guests_into_accounts(items)
    reasons += _folded_guest_reasons(items, folded_refs)
    candidates = _candidates(counted, enabled)

    def decision(kind: DecisionKind, why: list[Reason], customer_ref: str | None = None) -> AutoLinkDecision:
        return AutoLinkDecision(
            kind=kind,
            customer_ref=customer_ref,
            candidates=candidates,
            reasons=why + reasons,
            evidence=items,
            enabled_fields=enabled,
        )

    if not profile.emails and not profile.phones:
        return decision(
            "no_match", [Reason(code="no_contact_values", detail="The profile has no email or phone.")]
        )
    if not candidates:
        return decision("no_match", [_nothing_matched(profile)])
    if len(candidates) == 1:
        only = candidates[0]
        if only.matches_enabled_field:
            return decision("linked", [_unique_match(only, enabled)], customer_ref=only.customer_ref)
        return decision("ambiguous", [_only_disabled_fields(only, enabled)])
    return decision("ambiguous", _conflicts(counted))


def _fold_guests_into_accounts(items: Sequence[Evidence]) -> tuple[set[str], list[Evidence]]:
    """Guests whose email is also a matching registered customer's email are that customer.

    Returns the folded guest refs and the evidence that counts towards candidates.
    """
    account_emails = {_email_key(item.profile_value) for item in items if item.customer_field == "email"}
    folded = {
        item.customer_ref
        for item in items
        if item.customer_field == "guest_order_email" and _email_key(item.profile_value) in account_emails
    }
    return folded, [item for item in items if item.customer_ref not in folded]


def _candidates(items: Sequence[Evidence], enabled: Sequence[ProfileField]) -> list[Candidate]:
    by_ref: dict[str, list[Evidence]] = defaultdict(list)
    for item in items:
        by_ref[item.customer_ref].append(item)
    candidates = [
        Candidate(
            customer_ref=ref,
            shopper_kind=matches[0].shopper_kind,
            matched_fields=sorted({item.profile_field for item in matches}, key=PROFILE_FIELDS.index),
            matches_enabled_field=any(item.profile_field in enabled for item in matches),
        )
        for ref, matches in by_ref.items()
    ]
    return sorted(
        candidates, key=lambda candidate: _ref_order(candidate.customer_ref, candidate.shopper_kind)
    )


def _conflicts(items: Sequence[Evidence]) -> list[Reason]:
    """Why several shoppers match: a value shared by several of them, and/or values that disagree.

    Values disagree when two of them point at disjoint sets of shoppers (email -> A, phone -> B).
    """
    shoppers_by_value: dict[tuple[ProfileField, str], list[Evidence]] = defaultdict(list)
    for item in items:
        shoppers_by_value[(item.profile_field, item.profile_value)].append(item)
    reasons: list[Reason] = []
    for (profile_field, _value), matches in shoppers_by_value.items():
        refs = _refs(matches)
        if len(refs) > 1:
            reasons.append(
                Reason(
                    code="value_shared_by_shoppers",
                    detail=f"The {profile_field} {matches[0].masked_value} belongs to {len(refs)} shoppers: "
                    f"{_labels(matches)}.",
                    customer_refs=refs,
                )
            )
    shopper_sets = [set(_refs(matches)) for matches in shoppers_by_value.values()]
    if any(first.isdisjoint(second) for first in shopper_sets for second in shopper_sets):
        pointers = "; ".join(
            f"{profile_field} {matches[0].masked_value} -> {_labels(matches)}"
            for (profile_field, _value), matches in shoppers_by_value.items()
        )
        reasons.append(
            Reason(
                code="values_point_at_different_shoppers",
                detail=f"The profile's values point at different shoppers: {pointers}.",
                customer_refs=_refs(items),
            )
        )
    return reasons


def _refs(items: Iterable[Evidence]) -> list[str]:
    kinds = {item.customer_ref: item.shopper_kind for item in items}
    return sorted(kinds, key=lambda ref: _ref_order(ref, kinds[ref]))


def _labels(items: Iterable[Evidence]) -> str:
    kinds = {item.customer_ref: item.shopper_kind for item in items}
    return ", ".join(shopper_label(ref, kinds[ref]) for ref in _refs(items))


def shopper_label(ref: str, kind: ShopperKind) -> str:
    """``customer 12`` or ``guest shopper guest:a***@e***.com``: how a reason names a shopper."""
    return f"customer {ref}" if kind == "registered" else f"guest shopper {masked_ref(ref)}"


def _unique_match(only: Candidate, enabled: Sequence[ProfileField]) -> Reason:
    enabled_matches = [field for field in only.matched_fields if field in enabled]
    return Reason(
        code="unique_match",
        detail=f"{shopper_label(only.customer_ref, only.shopper_kind).capitalize()} is the only shopper "
        f"matching the profile, on {' and '.join(enabled_matches)} (enabled Auto-Linking Field).",
        customer_refs=[only.customer_ref],
    )


def _only_disabled_fields(only: Candidate, enabled: Sequence[ProfileField]) -> Reason:
    setting = ",".join(enabled) if enabled else "empty: auto-linking is off"
    return Reason(
        code="only_disabled_fields",
        detail=f"{shopper_label(only.customer_ref, only.shopper_kind).capitalize()} matches only on "
        f"{' and '.join(only.matched_fields)}, which is not an enabled Auto-Linking Field "
        f"(AUTO_LINK_FIELDS is {setting}).",
        customer_refs=[only.customer_ref],
    )


def _nothing_matched(profile: GladlyProfile) -> Reason:
    return Reason(
        code="nothing_matched",
        detail=f"No registered customer or guest order matches the profile's {len(profile.emails)} "
        f"email(s) and {len(profile.phones)} phone(s).",
    )


def _unsearchable_phone_reasons(profile: GladlyProfile, default_region: str) -> list[Reason]:
    return [
        Reason(
            code="not_a_phone_number",
            detail=f"The profile phone {mask_phone(phone)} is not a phone number; it cannot match.",
        )
        for phone in profile.phones
        if to_e164(phone, default_region) is None
    ]


def _folded_guest_reasons(items: Sequence[Evidence], folded_refs: set[str]) -> list[Reason]:
    reasons: list[Reason] = []
    for guest_ref in sorted(folded_refs):
        guest_emails = {
            _email_key(item.profile_value)
            for item in items
            if item.customer_ref == guest_ref and item.customer_field == "guest_order_email"
        }
        accounts = [
            item
            for item in items
            if item.customer_field == "email" and _email_key(item.profile_value) in guest_emails
        ]
        reasons.append(
            Reason(
                code="guest_orders_of_registered_customer",
                detail=f"Guest orders of {shopper_label(guest_ref, 'guest')} share the email of "
                f"{_labels(accounts)}: counted as the same shopper, not a conflict.",
                customer_refs=[guest_ref, *_refs(accounts)],
            )
        )
    return reasons


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
) -> AutoLinkResolution:
    """Search BigCommerce by the emails and phones of ``profile`` at once, then ``decide``.

    Customers by email, customers by phone (every likely spelling, confirmed in E.164 read in each
    customer's own country) and guest orders by email run concurrently under ``deadline``; a long
    profile is searched by its first emails and phones (``gladly/limits.py``). Any search that fails
    raises: deciding on part of the evidence could miss the shopper that makes a match a conflict,
    so there is no partial answer. ``region`` (the store's country) reads phones whose record names
    no country.
    """
    found = find_by_contacts(
        client,
        emails=profile.emails,
        numbers=profile.phones,
        region=region,
        deadline=deadline,
        max_emails=limits.MAX_EMAILS,
        max_phones=limits.MAX_PHONES,
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
) -> LookupResponse:
    """The lookup's answer to Gladly's auto-link request (protocol sections 1 and 5)."""
    resolution = resolve_auto_link(client, profile, settings, deadline, region)
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
) -> AutoLinkReport:
    """Resolve a Gladly auto-link request body, as the lookup would, and report the decision.

    A body the lookup would not treat as auto-link is a 400 that says so: Gladly never links by
    itself on a manual search or a DETAILED lookup, so there is nothing to explain but that.
    """
    if request.kind != "auto_link":
        raise BadRequest.of("not_an_auto_link_request", _NOT_AUTO_LINK[request.kind], attr="query")
    profile = request.profile
    resolution = resolve_auto_link(client, profile, settings, deadline, region)
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
