"""The form of the failed-tasks page: the note with which an administrator dismisses a failure."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DismissForm(forms.Form):
    note = forms.CharField(label=_("Why it need not be tried again"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("For example: the e-mail address no longer exists; the import was done by "
                                       "hand. Other administrators read it; do not write about people of concern."))
