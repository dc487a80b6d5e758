"""The main menu links the desk's work to the people whose capabilities reach it, and to no one else."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

LINKS = {
    "interventions": "interventions:my_interventions",
    "corps": "interventions:corps_list",
    "lending": "interventions:lending_list",
    "instruments": "assessments:instrument_list",
}

EXPECTED = {
    "carl": {"interventions", "corps", "lending"},
    "rita": {"interventions", "corps", "lending"},
    "mads": {"interventions"},
    "morten": {"interventions", "corps", "lending", "instruments"},
    "tina": {"instruments"},
    "sofie": {"instruments"},
    "anders": set(),
    "rasmus": set(),
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_the_menu_shows_what_the_role_may_open(signed_in: Callable[[str], Client], username: str) -> None:
    client = signed_in(username)
    page = client.get(reverse("core:start")).content.decode()
    menu = page.split('class="mainmenu', 1)[1].split("</ul>", 1)[0]
    shown = {name for name, route in LINKS.items() if f'href="{reverse(route)}"' in menu}
    assert shown == EXPECTED[username]
    for name in shown:
        assert client.get(reverse(LINKS[name])).status_code == 200
