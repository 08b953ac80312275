"""The document pages' forms: a blank field is rendered once per process (the same HTML on
every page), a filled or refused one as Django renders it."""

from __future__ import annotations

from django import forms

from portico.portal.pages.forms import AcceptForm, CommentForm


def test_a_blank_field_renders_as_djangos_widget_would() -> None:
    field = CommentForm()["body"]
    plain = forms.Textarea(attrs=field.field.widget.attrs)
    expected = plain.render("body", None, {**field.build_widget_attrs({}), "id": "id_body"})
    assert str(field) == str(CommentForm()["body"]) == expected
    assert 'maxlength="' in expected and "required" in expected


def test_a_filled_or_refused_field_shows_its_own_value_and_error() -> None:
    filled = AcceptForm({"signed_name": "Ada <Lovelace>"})
    assert 'value="Ada &lt;Lovelace&gt;"' in str(filled["signed_name"])
    refused = CommentForm({"body": ""})
    assert not refused.is_valid()
    assert 'aria-invalid="true"' in str(refused["body"])
    assert 'aria-invalid="true"' not in str(CommentForm()["body"])
