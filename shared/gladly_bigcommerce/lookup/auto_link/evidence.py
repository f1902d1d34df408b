"""What an auto-link decision is made of: evidence (which profile value matched which shopper's field),
candidates and reasons, and the evidence read from what the searches found (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import ConfigDict

from gladly_bigcommerce.gladly.customer_ids import GUEST_ID_PREFIX
from gladly_bigcommerce.gladly.models import (
    GladlyModel,
    GladlyProfile,
)
from gladly_bigcommerce.lookup.shopper_phones import StoredPhone
from gladly_bigcommerce.observability import mask_email, mask_phone
from gladly_bigcommerce.phones import to_e164

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
        email = email_key(shopper.email)
        for profile_email in profile.emails:
            if email and email_key(profile_email) == email:
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
    return sorted(found.values(), key=evidence_order)


def email_key(email: str) -> str:
    return email.strip().lower()


def _evidence_key(item: Evidence) -> tuple[str, ...]:
    return (
        item.profile_field,
        item.profile_value,
        item.customer_ref,
        item.customer_field,
        item.customer_value,
    )


def evidence_order(item: Evidence) -> tuple[int, str, tuple[int, int, str], str]:
    return (
        PROFILE_FIELDS.index(item.profile_field),
        item.profile_value,
        ref_order(item.customer_ref, item.shopper_kind),
        item.customer_field,
    )


def ref_order(ref: str, kind: ShopperKind) -> tuple[int, int, str]:
    """Registered customers first, by numeric id; then guests by id."""
    numeric = int(ref) if ref.isdigit() else 0
    return (0 if kind == "registered" else 1, numeric, ref)
