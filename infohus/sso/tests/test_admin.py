"""Configuring providers in the admin site: sofie (system administrator) only, the client secret
stored encrypted and never shown back, the configuration validated, the lists' queries pinned."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.sso.crypto import decrypt_secret, encrypt_secret
from infohus.sso.models import ExternalIdentity, Provider
from infohus.sso.tests.conftest import ORGANISATION
from infohus.sso.tests.provider import LoopbackProvider

ADD = "/admin/sso/provider/add/"
SECRET = "the-client-secret-from-the-provider"


def _form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Randers IdP", "slug": "randers-idp", "issuer": "https://login.randers.invalid",
        "client_id": "infohus", "client_secret": SECRET, "scopes": "openid email profile",
        "organisation_claim": "organisation", "role_claim": "role", "mfa_amr_values": "mfa",
        "mfa_acr_values": "", "account_policy": "link_only", "is_active": "on",
        "organisation_mappings-TOTAL_FORMS": 1, "organisation_mappings-INITIAL_FORMS": 0,
        "organisation_mappings-MIN_NUM_FORMS": 0, "organisation_mappings-MAX_NUM_FORMS": 1000,
        "organisation_mappings-0-value": "randers",
        "organisation_mappings-0-organisation": Organisation.objects.get(name=ORGANISATION["randers"]).pk,
        "role_mappings-TOTAL_FORMS": 1, "role_mappings-INITIAL_FORMS": 0,
        "role_mappings-MIN_NUM_FORMS": 0, "role_mappings-MAX_NUM_FORMS": 1000,
        "role_mappings-0-value": "sagsbehandler", "role_mappings-0-role": "case_worker",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _errors(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, "the form was saved"
    form = response.context["adminform"].form
    errors = dict(form.errors)
    for inline in response.context["inline_admin_formsets"]:
        for inline_form in inline.formset.forms:
            errors |= {f"inline {key}": value for key, value in inline_form.errors.items()}
    return errors


def test_an_administrator_adds_a_provider_with_its_mappings(
    people: dict[str, User], signed_in: Callable[[str], Client]
) -> None:
    response = signed_in("sofie").post(ADD, _form())

    assert response.status_code == 302, _errors(response)
    provider = Provider.objects.get(slug="randers-idp")
    assert provider.client_secret_encrypted and SECRET not in provider.client_secret_encrypted
    assert decrypt_secret(provider.client_secret_encrypted) == SECRET
    assert [(m.value, m.organisation.name) for m in provider.organisation_mappings.all()] == [
        ("randers", ORGANISATION["randers"])]
    assert list(provider.role_mappings.values_list("value", "role")) == [("sagsbehandler", "case_worker")]
    event = AuditEvent.objects.get(action="admin.added", object_type="sso.Provider")
    assert event.actor_username == "sofie"
    assert SECRET not in str(event.details)


def test_the_secret_is_never_shown_back_and_an_empty_one_keeps_it(
    people: dict[str, User], signed_in: Callable[[str], Client]
) -> None:
    sofie = signed_in("sofie")
    sofie.post(ADD, _form())
    provider = Provider.objects.get(slug="randers-idp")
    stored = provider.client_secret_encrypted
    change = f"/admin/sso/provider/{provider.pk}/change/"

    page = sofie.get(change)
    saved = sofie.post(change, _form(**{"client_secret": "", "name": "Randers Kommune IdP",
                                        "organisation_mappings-TOTAL_FORMS": 0, "role_mappings-TOTAL_FORMS": 0}))

    assert page.status_code == 200
    assert SECRET.encode() not in page.content and stored.encode() not in page.content
    assert saved.status_code == 302, _errors(saved)
    provider.refresh_from_db()
    assert provider.name == "Randers Kommune IdP"
    assert provider.client_secret_encrypted == stored


def test_a_new_provider_needs_a_secret(people: dict[str, User], signed_in: Callable[[str], Client]) -> None:
    errors = _errors(signed_in("sofie").post(ADD, _form(client_secret="")))

    assert "client_secret" in errors
    assert not Provider.objects.exists()


@pytest.mark.parametrize(("changes", "field"), [
    ({"issuer": "http://login.randers.invalid"}, "issuer"),
    ({"issuer": "http://127.0.0.1:9"}, "issuer"),  # loopback http is for tests and DEBUG only
    ({"issuer": "https://login.randers.invalid/?tenant=1"}, "issuer"),
    ({"issuer": "not an address"}, "issuer"),
    ({"scopes": "email profile"}, "scopes"),
    ({"require_mfa": "on", "mfa_amr_values": "", "mfa_acr_values": ""}, "mfa_amr_values"),
    ({"role_mappings-0-role": "emperor"}, "inline role"),
    ({"organisation_mappings-0-organisation": 999_999}, "inline organisation"),
])
def test_a_configuration_that_cannot_work_is_refused_with_a_reason(
    people: dict[str, User], signed_in: Callable[[str], Client], settings: Any, changes: dict[str, Any], field: str
) -> None:
    settings.SSO_ALLOW_HTTP_LOOPBACK = False

    errors = _errors(signed_in("sofie").post(ADD, _form(**changes)))

    assert field in errors, errors
    assert not Provider.objects.exists()


def test_loopback_http_is_accepted_where_allowed(
    people: dict[str, User], signed_in: Callable[[str], Client], settings: Any
) -> None:
    settings.SSO_ALLOW_HTTP_LOOPBACK = True

    response = signed_in("sofie").post(ADD, _form(issuer="http://127.0.0.1:8765"))

    assert response.status_code == 302, _errors(response)


def test_others_may_not_open_the_providers(people: dict[str, User], signed_in: Callable[[str], Client]) -> None:
    for username in ("ida", "dina", "anders"):
        assert signed_in(username).get("/admin/sso/provider/").status_code == 403


def test_the_discovery_check_says_what_the_provider_answers(
    people: dict[str, User], signed_in: Callable[[str], Client], loopback: LoopbackProvider
) -> None:
    working = Provider.objects.create(slug="loop", name="Loop", issuer=loopback.issuer, client_id="x")
    broken = Provider.objects.create(slug="gone", name="Gone", issuer="http://127.0.0.1:9", client_id="x")
    sofie = signed_in("sofie")

    response = sofie.post("/admin/sso/provider/", {
        "action": "check_discovery", "_selected_action": [working.pk, broken.pk],
    }, follow=True)

    shown = [str(message) for message in get_messages(response.wsgi_request)] or [
        m.message for m in response.context["messages"]]
    assert any(f"Loop answers as {loopback.issuer}; signing out there too: offered" in m for m in shown), shown
    assert any(m.startswith("Gone: unreachable") for m in shown), shown


@pytest.mark.parametrize("rows", [1, 12])
def test_the_provider_list_asks_the_same_queries_for_one_row_and_many(
    people: dict[str, User], signed_in: Callable[[str], Client], rows: int, django_assert_max_num_queries: Any
) -> None:
    for number in range(rows):
        Provider.objects.create(slug=f"idp-{number}", name=f"IdP {number}", issuer="https://idp.invalid",
                                client_id="x", client_secret_encrypted=encrypt_secret("s"))
    sofie = signed_in("sofie")
    # session, user, authenticator (second factor), memberships (capability), the count twice (filtered and
    # all), the page of rows, and saving the session (savepoint, update, release): nothing per row
    with django_assert_max_num_queries(10):
        response = sofie.get("/admin/sso/provider/")
    assert response.status_code == 200
    assert response.content.count(b"/accounts/sso/idp-") == rows


@pytest.mark.parametrize("rows", [1, 12])
def test_the_identity_list_asks_the_same_queries_for_one_row_and_many(
    people: dict[str, User], signed_in: Callable[[str], Client], rows: int, django_assert_max_num_queries: Any
) -> None:
    provider = Provider.objects.create(slug="idp", name="IdP", issuer="https://idp.invalid", client_id="x")
    for number in range(rows):
        user = User.objects.create(username=f"person-{number}")
        ExternalIdentity.objects.create(provider=provider, subject=f"subject-{number}", user=user)
    sofie = signed_in("sofie")
    # as the provider list, plus the providers of the filter; provider and user come with each row
    # (list_select_related)
    with django_assert_max_num_queries(11):
        response = sofie.get("/admin/sso/externalidentity/")
    assert response.status_code == 200
    assert response.content.count(b"subject-") >= rows
