"""The conversation on a document, on its change page: the whole thread (internal notes
included), a reply box and files, for estimates, invoices, sales orders and timesheet approvals."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from portico.activity import selectors, services
from portico.backoffice.staff import as_staff
from portico.core.errors import DomainError


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    show_in_portal = forms.BooleanField(
        label=_("Show in portal"),
        required=False,
        initial=True,
        help_text=_("Untick for an internal note only your team sees."),
    )
    file = forms.FileField(label=_("File"), required=False)


class CommentThreadMixin:
    """Adds the thread below the change form and the URL its reply box posts to."""

    change_form_outer_after_template = "admin/activity/thread.html"
    opts: Any
    admin_site: Any

    def _thread_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_comment"

    def get_urls(self) -> list[Any]:
        reply = self.admin_site.admin_view(self.comment_view)
        return [
            path("<path:object_id>/comments/", reply, name=self._thread_url_name()),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        staff = as_staff(request)
        document = self.get_object(request, object_id)  # type: ignore[attr-defined]
        context = {
            **(extra_context or {}),
            "thread": selectors.comments_for_staff(
                organisation=staff.organisation, target=document
            ),
            "thread_form": ReplyForm(),
            "thread_url": reverse(f"admin:{self._thread_url_name()}", args=[document.pk]),
            "thread_may_write": staff.membership.can_write,
        }
        return super().change_view(request, object_id, form_url, context)  # type: ignore[misc]

    def comment_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Post a reply or an internal note (with an optional file) on this document."""
        staff = as_staff(request)
        document = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if request.method != "POST":  # looked up first: another organisation's id is a 404
            return HttpResponseNotAllowed(["POST"])
        back = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[document.pk]
        )
        form = ReplyForm(request.POST, request.FILES)
        if not form.is_valid():
            self.message_user(  # type: ignore[attr-defined]
                request, _("Write something to reply."), messages.ERROR
            )
            return redirect(f"{back}#thread")
        try:
            services.comment_add_from_staff(
                user=staff.user,
                organisation=staff.organisation,
                target=document,
                body=form.cleaned_data["body"],
                show_in_portal=form.cleaned_data["show_in_portal"],
                file=form.cleaned_data.get("file"),
            )
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)  # type: ignore[attr-defined]
        else:
            done = (
                _("Reply posted; the customer sees it in the portal.")
                if form.cleaned_data["show_in_portal"]
                else _("Internal note added; the customer does not see it.")
            )
            self.message_user(request, done, messages.SUCCESS)  # type: ignore[attr-defined]
        return redirect(f"{back}#thread")
