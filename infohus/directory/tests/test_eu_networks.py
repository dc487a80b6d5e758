"""The EU networks page (public, seeded by a migration) and its editing by directory editors;
the About page."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from infohus.audit.models import AuditEvent
from infohus.directory.models import EUNetwork
from infohus.directory.tests.moderation_helpers import in_english, visitor_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

LIST = "/network/eu-networks/"


@pytest.fixture
def editor(signed_in: Callable[[str], Client]) -> Client:
    return in_english(signed_in("dorte"))


def test_the_seeded_networks_are_listed_for_anyone(visitor: Client) -> None:
    assert reverse("directory:eu_networks") == LIST
    html = visitor.get(LIST).content.decode()
    assert "Radicalisation Awareness Network" in html
    assert "EU Knowledge Hub on Prevention of Radicalisation" in html
    assert 'href="https://efus.eu"' in html
    assert "Add an EU network" not in html


def test_editor_sees_how_to_change_the_list(editor: Client) -> None:
    network = EUNetwork.objects.get(acronym="RAN")
    html = editor.get(LIST).content.decode()
    assert reverse("directory:eu_network_create") in html
    assert reverse("directory:eu_network_edit", args=[network.pk]) in html


def test_editor_adds_changes_and_removes_a_network_and_each_is_audited(editor: Client) -> None:
    response = editor.post(reverse("directory:eu_network_create"), {
        "name": "Test Network for Prevention", "acronym": "TNP", "summary": "A network used by this test.",
        "website": "tnp.example.org", "position": "5",
    })
    assert response.status_code == 302
    network = EUNetwork.objects.get(name="Test Network for Prevention")
    assert network.website == "https://tnp.example.org"
    assert EUNetwork.objects.order_by("position", "name").first() == network

    editor.post(reverse("directory:eu_network_edit", args=[network.pk]), {
        "name": "Test Network for Prevention", "acronym": "TNP", "summary": "A changed summary.",
        "website": "https://tnp.example.org", "position": "5",
    })
    network.refresh_from_db()
    assert network.summary == "A changed summary."

    confirm = editor.get(reverse("directory:eu_network_delete", args=[network.pk]))
    assert confirm.status_code == 200 and EUNetwork.objects.filter(pk=network.pk).exists()
    editor.post(reverse("directory:eu_network_delete", args=[network.pk]))
    assert not EUNetwork.objects.filter(pk=network.pk).exists()

    events = AuditEvent.objects.filter(object_type="directory.eu_network", object_id=str(network.pk)).order_by("seq")
    assert [(e.action, e.actor_username) for e in events] == [
        ("directory.eu_network_created", "dorte"),
        ("directory.eu_network_changed", "dorte"),
        ("directory.eu_network_deleted", "dorte"),
    ]
    assert events[1].details == {"fields": ["summary"]}


def test_a_network_needs_a_name_and_a_summary(editor: Client) -> None:
    response = editor.post(reverse("directory:eu_network_create"), {"name": "", "summary": "", "position": "0"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "summary"}
    assert "Please correct the following" in response.content.decode()


@pytest.mark.parametrize("who", ["carl", "anders", "sofie"])
def test_non_editors_cannot_change_networks(signed_in: Callable[[str], Client], who: str) -> None:
    network = EUNetwork.objects.get(acronym="RAN")
    client = signed_in(who)
    assert client.get(reverse("directory:eu_network_create")).status_code == 403
    assert client.post(reverse("directory:eu_network_edit", args=[network.pk]),
                       {"name": "Changed", "summary": "Changed", "position": "0"}).status_code == 403
    assert client.post(reverse("directory:eu_network_delete", args=[network.pk])).status_code == 403
    network.refresh_from_db()
    assert network.name == "Radicalisation Awareness Network"
    assert not AuditEvent.objects.filter(object_type="directory.eu_network").exists()


def test_eu_networks_page_queries_do_not_grow_with_the_list(
    visitor: Client, editor: Client, django_assert_max_num_queries  # type: ignore[no-untyped-def]
) -> None:
    for n in range(20):
        EUNetwork.objects.create(name=f"Network {n}", summary="A network.")
    # one query for the list; nothing else for an anonymous visitor
    with django_assert_max_num_queries(1):
        assert len(visitor.get(LIST).context["networks"]) >= 20
    # for an editor also the session, the user, the second-factor device, the memberships and
    # the session's save (savepoint, update, release)
    with django_assert_max_num_queries(8):
        editor.get(LIST)


def test_about_page_is_public_and_points_to_get_involved(visitor: Client) -> None:
    response = visitor.get(reverse("directory:about"))
    assert response.status_code == 200
    assert reverse("directory:get_involved") in response.content.decode()
