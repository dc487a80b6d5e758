import pytest


@pytest.fixture(autouse=True)
def _english(settings: object) -> None:
    # Pages are asserted on their English text; without an Accept-Language header a test
    # client would get the site's default language, Danish.
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
