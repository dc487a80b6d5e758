"""Client secrets at rest: encrypted, under a key of their own, unreadable after a key change."""

from typing import Any

from infohus.cases import identifiers
from infohus.sso.crypto import decrypt_secret, encrypt_secret


def test_a_secret_comes_back_only_through_decryption() -> None:
    stored = encrypt_secret("s3cret-from-the-provider")

    assert "s3cret" not in stored
    assert decrypt_secret(stored) == "s3cret-from-the-provider"
    assert encrypt_secret("") == "" and decrypt_secret("") == ""


def test_the_identifiers_key_does_not_open_a_client_secret() -> None:
    assert identifiers.decrypt(encrypt_secret("s3cret")) == ""


def test_after_a_key_change_the_secret_reads_as_missing(settings: Any) -> None:
    stored = encrypt_secret("s3cret")
    settings.FIELD_ENCRYPTION_KEY = "another-key-" + "y" * 40

    assert decrypt_secret(stored) == ""
