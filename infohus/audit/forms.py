from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("User name of the actor"), required=False, max_length=150)
    person_id = forms.CharField(label=_("Person concerned (id)"), required=False, max_length=64)
    text = forms.CharField(label=_("Purpose, object type or id contains"), required=False, max_length=100)

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", _("All actions")), *[(a, a) for a in actions]]
