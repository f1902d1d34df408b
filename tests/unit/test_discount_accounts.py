"""Which of one person's accounts a discount is for (``actions/discount/accounts.py``) and how the
choice reaches the promotion: pure, no I/O. The storefronts and accounts are those of
``test_storefronts.py`` (Rosa: a global account, and one on the Outlet, which refuses global logins)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from gladly_bigcommerce.actions.discount.accounts import ACCOUNT, PersonAccounts
from gladly_bigcommerce.actions.discount.form import discount_fields
from gladly_bigcommerce.actions.discount.terms import DiscountTerms, parse_terms
from gladly_bigcommerce.actions.discount.write import promotion_draft
from gladly_bigcommerce.actions.machinery.fields import read_submit
from gladly_bigcommerce.bigcommerce.storefronts import Storefronts, accounts_of_person
from gladly_bigcommerce.bigcommerce.values import encode_json
from gladly_bigcommerce.gladly.errors import BadRequest
from gladly_bigcommerce.settings.model import AdaptorSettings
from tests.unit.test_storefronts import SEVERAL, account

NOW = datetime(2026, 3, 1, 17, 4, 5, tzinfo=UTC)
VALUES = {"discount_type": "percentage", "amount": "10", "valid_days": "30", "uses": "1", "reason": "Late"}
SETTINGS = AdaptorSettings.from_env({"DEPLOYMENT_NAME": "test", "STORE_HASH": "abc123", "SECRET_NAME": "s"})
EVERYWHERE, OUTLET = account(920, None), account(921, [2])
ROSA = PersonAccounts((OUTLET, EVERYWHERE), SEVERAL)  # Gladly linked her Outlet account
MARTHA = PersonAccounts((account(1, None, email="martha@example.com"),), Storefronts.unknown())


def body_for(person: PersonAccounts, **changes: str) -> dict[str, object]:
    form = read_submit(discount_fields(SETTINGS, "USD", person), {**VALUES, **changes})
    terms = parse_terms(form, SETTINGS, "USD", now=NOW, person=person)
    parsed: dict[str, object] = json.loads(encode_json(promotion_draft(terms, "Gladly: test")))
    return parsed


def test_the_linked_account_comes_first_then_the_persons_others_by_id() -> None:
    impostor = account(922, [4], last_name="Rivers")
    assert accounts_of_person(OUTLET, [impostor, EVERYWHERE, OUTLET], SEVERAL) == [OUTLET, EVERYWHERE]
    assert accounts_of_person(impostor, [EVERYWHERE, OUTLET], SEVERAL) == [impostor]


def test_the_select_offers_each_account_by_its_storefront_prefilled_with_the_linked_one() -> None:
    field = ROSA.field()
    assert field.shown and field.attr == ACCOUNT and field.section.label == "Storefront"
    assert field.section.input is not None and field.section.input.options is not None
    assert [(o.value, o.text) for o in field.section.input.options] == [
        ("921", "Outlet"),
        ("920", "Main Shop, Catalyst"),
    ]
    assert field.section.default_value == "921"


def test_one_account_has_the_select_without_showing_it() -> None:
    assert not MARTHA.field().shown
    assert [item.attr for item in discount_fields(SETTINGS, "USD", MARTHA) if item.shown] == [
        item.attr for item in discount_fields(SETTINGS, "USD")
    ]


def test_the_promotion_targets_the_chosen_accounts_storefront_only() -> None:
    # the global account may log in wherever global logins are not refused: Main Shop, and Catalyst,
    # whose setting was not read (``Storefronts.login_channels``)
    assert body_for(ROSA, account="920")["channels"] == [{"id": 1}, {"id": 4}]
    assert body_for(ROSA, account="921")["channels"] == [{"id": 2}]
    assert body_for(ROSA, account="")["channels"] == [{"id": 2}]  # empty: the linked account


def test_one_account_makes_todays_promotion_for_every_channel() -> None:
    assert "channels" not in body_for(MARTHA)
    assert "channels" not in body_for(MARTHA, account="1")


@pytest.mark.parametrize("value", ["1", "922", " 920", "Main Shop"])
def test_only_an_offered_account_is_taken(value: str) -> None:
    with pytest.raises(BadRequest) as caught:
        body_for(ROSA, account=value)
    (error,) = caught.value.errors
    assert (error.attr, error.code) == (ACCOUNT, "invalid_choice")


def test_another_account_is_another_offer() -> None:
    def terms_for(value: str) -> DiscountTerms:
        form = read_submit(discount_fields(SETTINGS, "USD", ROSA), {**VALUES, ACCOUNT: value})
        return parse_terms(form, SETTINGS, "USD", now=NOW, person=ROSA)

    assert terms_for("920").same_offer(terms_for("920"))
    assert not terms_for("920").same_offer(terms_for("921"))
