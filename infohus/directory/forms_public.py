"""The search form of the public directory: a GET form that works without JavaScript."""

from collections.abc import Mapping

from django import forms
from django.utils.translation import gettext_lazy as _

from infohus.directory.models import Project
from infohus.directory.selectors import FacetChoice, Facets, SearchFilters


def _choices(choices: list[FacetChoice], everything: str) -> list[tuple[str, str]]:
    return [("", everything), *((c.value, f"{c.label} ({c.count})") for c in choices)]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search words"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "class": "form-input"}))
    country = forms.ChoiceField(label=_("Country"), required=False)
    target_group = forms.ChoiceField(label=_("Target group"), required=False)
    prevention_level = forms.ChoiceField(label=_("Prevention level"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    extremism = forms.ChoiceField(label=_("Kind of extremism"), required=False)

    FILTERS = ("country", "target_group", "prevention_level", "theme", "extremism")

    def __init__(self, *args: object, facets: Facets | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        everything = {
            "country": _("All countries"), "target_group": _("All target groups"),
            "prevention_level": _("All levels"), "theme": _("All themes"), "extremism": _("All kinds"),
        }
        for name in self.FILTERS:
            field = self.fields[name]
            field.widget.attrs["class"] = "form-select"
            if facets is not None:
                field.choices = _choices(getattr(facets, name), str(everything[name]))  # type: ignore[attr-defined]
            elif name == "prevention_level":
                field.choices = [("", everything[name]), *Project.PreventionLevel.choices]  # type: ignore[attr-defined]



def read_search(data: Mapping[str, str]) -> tuple[str, SearchFilters]:
    """The words and filters asked for, read leniently: the facets' choices depend on the
    search, so the search is read before the form exists. A value no project has simply finds
    nothing."""
    query = str(data.get("q", ""))[:200]
    values = {name: str(data.get(name, "")).strip()[:60] for name in SearchForm.FILTERS}
    return query, SearchFilters(**values)
