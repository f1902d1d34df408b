"""The auto-link rule and its conflicts (pure): linked only when one shopper matches, on an enabled field,
and nothing points anywhere else (see the package docstring)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from gladly_bigcommerce.gladly.models import (
    GladlyProfile,
)
from gladly_bigcommerce.lookup.auto_link.evidence import (
    PROFILE_FIELDS,
    AutoLinkDecision,
    Candidate,
    DecisionKind,
    Evidence,
    ProfileField,
    Reason,
    ShopperKind,
    email_key,
    evidence_order,
    masked_ref,
    ref_order,
)
from gladly_bigcommerce.observability import mask_phone
from gladly_bigcommerce.phones import to_e164

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
    items = sorted(dict.fromkeys(evidence), key=evidence_order)
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
    account_emails = {email_key(item.profile_value) for item in items if item.customer_field == "email"}
    folded = {
        item.customer_ref
        for item in items
        if item.customer_field == "guest_order_email" and email_key(item.profile_value) in account_emails
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
    return sorted(candidates, key=lambda candidate: ref_order(candidate.customer_ref, candidate.shopper_kind))


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
    return sorted(kinds, key=lambda ref: ref_order(ref, kinds[ref]))


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
            email_key(item.profile_value)
            for item in items
            if item.customer_ref == guest_ref and item.customer_field == "guest_order_email"
        }
        accounts = [
            item
            for item in items
            if item.customer_field == "email" and email_key(item.profile_value) in guest_emails
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
