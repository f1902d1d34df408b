"""normalize_store_hash: every spelling an admin may paste names the same store, anything else is refused."""

import pytest

from gladly_bigcommerce.bigcommerce.store_hash import InvalidStoreHash, normalize_store_hash


@pytest.mark.parametrize(
    "pasted",
    [
        "abc123",
        "  abc123\n",
        "ABC123",
        "store-abc123",
        "https://store-abc123.mybigcommerce.com/",
        "https://store-abc123.mybigcommerce.com/manage",
        "https://store-abc123.mybigcommerce.com/manage/orders?id=7",
        "store-abc123.mybigcommerce.com",
        "https://api.bigcommerce.com/stores/abc123/v3/customers",
        "https://api.bigcommerce.com/stores/abc123",
        "\thttps://api.bigcommerce.com/stores/abc123/v2/orders/1 ",
    ],
)
def test_every_spelling_of_a_store_gives_its_bare_hash(pasted: str) -> None:
    # Given a store hash in any form an admin copies it
    # When it is normalised
    # Then only the bare lowercase hash remains
    assert normalize_store_hash(pasted) == "abc123"


def test_the_local_sandbox_hash_is_valid() -> None:
    assert normalize_store_hash("sandbox") == "sandbox"


def test_a_typical_ten_character_hash_is_kept_as_is() -> None:
    assert normalize_store_hash("x1y2z3w4v5") == "x1y2z3w4v5"


@pytest.mark.parametrize(
    "pasted",
    [
        "",
        "   ",
        "store-",
        "abc 123",
        "abc_123",
        "abc-123",
        "https://example.com/stores/abc123",
        "https://store-abc123.example.com/",
        "https://api.bigcommerce.com/v3/customers",
        "https://api.bigcommerce.com/stores/",
        "ftp://store-abc123.mybigcommerce.com/",
        "https://store-.mybigcommerce.com/",
        # an access token pasted into the wrong field: too long to be a hash
        "k2x9q7w1e5r8t3y6u0i4o2p7a9s1d3f",
    ],
)
def test_anything_else_is_refused_with_a_helpful_message(pasted: str) -> None:
    # Given a value that is not a store hash nor a URL holding one
    # When it is normalised
    with pytest.raises(InvalidStoreHash) as raised:
        normalize_store_hash(pasted)
    # Then the error is a ValueError that says what a store hash looks like
    message = str(raised.value)
    assert isinstance(raised.value, ValueError)
    assert "store hash" in message
    assert "mybigcommerce.com" in message


def test_the_refused_value_is_never_echoed() -> None:
    # Given a secret pasted into the store hash setting
    secret = "k2x9q7w1e5r8t3y6u0i4o2p7a9s1d3f"
    # When it is normalised, Then the error message does not contain it
    with pytest.raises(InvalidStoreHash) as raised:
        normalize_store_hash(secret)
    assert secret not in str(raised.value)
    assert secret not in repr(raised.value)
