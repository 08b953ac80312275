"""A staff member's own settings: the language they read the back office and their
notifications in. Mounted on the admin site (`admin:account_language`)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from unfold.widgets import UnfoldAdminSelectWidget

from portico.accounts import selectors, services
from portico.backoffice.staff import as_staff
from portico.core.errors import DomainError


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        widget=UnfoldAdminSelectWidget,
        help_text=gettext_lazy(
            "The back office and the notifications you are emailed are in this language."
        ),
    )

    def __init__(self, *args: object, organisation_language: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        names = dict(settings.LANGUAGES)
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (
                "",
                _("The organisation's (%(language)s)")
                % {"language": names.get(organisation_language, organisation_language)},
            ),
            *settings.LANGUAGES,
        ]


@require_http_methods(["GET", "POST"])
def language(request: HttpRequest) -> HttpResponse:
    from portico.backoffice.sites import site

    staff = as_staff(request)
    home = selectors.staff_language(user=staff.user, organisation=staff.organisation)
    organisation_language = staff.organisation.language
    form = LanguageForm(
        request.POST or None,
        initial={"language": staff.user.language},
        organisation_language=organisation_language,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_language_set(user=staff.user, language=form.cleaned_data["language"])
        except DomainError as error:
            form.add_error("language", error.message)
        else:
            chosen = selectors.staff_language(user=staff.user, organisation=staff.organisation)
            translation.activate(chosen)  # the confirmation already in the new language
            messages.success(request, _("Your language is saved."))
            return HttpResponseRedirect(reverse("admin:account_language"))
    page = {
        **site.each_context(request),
        "title": _("Your language"),
        "form": form,
        "current": home,
    }
    return TemplateResponse(request, "backoffice/account/language.html", page)
