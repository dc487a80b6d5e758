"""The provider's discovery document is read once for a sign-in's start and callback (and kept a
few minutes); its keys are read at every callback; the administrator's check reads afresh."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from infohus.sso import client, services
from infohus.sso.models import Provider


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    urls: list[str] = []
    real = client._get_json

    def counting(url: str) -> dict[str, Any]:
        urls.append(url.rsplit("/", 1)[-1])
        return real(url)

    monkeypatch.setattr(client, "_get_json", counting)
    return urls


def test_two_sign_ins_read_discovery_once_and_the_keys_each_time(
    provider: Provider, sign_in_through: Callable[..., Any], fetched: list[str]
) -> None:
    assert sign_in_through(Client(), provider, "carl-sub")["Location"] == "/desk/"
    assert sign_in_through(Client(), provider, "carl-sub")["Location"] == "/desk/"
    assert fetched.count("openid-configuration") == 1
    assert fetched.count("jwks") == 2


def test_the_administrators_check_reads_the_document_afresh(provider: Provider, fetched: list[str]) -> None:
    client.discover(provider.issuer)
    services.check_provider(provider)
    services.check_provider(provider)
    assert fetched.count("openid-configuration") == 3
