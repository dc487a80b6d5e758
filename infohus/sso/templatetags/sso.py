"""Template tags for the sign-in page and the page header.

{% sso_sign_in_buttons next %} shows a "Sign in with …" button for each active provider (one
query). {% sso_sign_out_button %} is the header's sign-out button: for a session that came from a
provider offering RP-initiated logout it signs out there too, otherwise it is the plain one.
"""

from typing import Any

from django import template

from infohus.sso import selectors

register = template.Library()


@register.inclusion_tag("sso/sign_in_buttons.html", takes_context=True)
def sso_sign_in_buttons(context: template.Context, next_url: str = "") -> dict[str, Any]:
    return {
        "providers": list(selectors.active_providers()),
        "next": next_url,
        "csrf_token": context.get("csrf_token", ""),
    }


@register.inclusion_tag("sso/sign_out_button.html", takes_context=True)
def sso_sign_out_button(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    came_from = selectors.provider_session(request) if request is not None else None
    return {
        "through_provider": came_from is not None and came_from.offers_sign_out,
        "csrf_token": context.get("csrf_token", ""),
    }
