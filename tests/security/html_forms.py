"""The `<form method="post">` of an HTML page, read the way a browser reads them.

`forms_of(html)` answers each post form with its action and its controls in document order;
`Form.submission()` is what a browser sends when the form is submitted as rendered (hidden
values, the text typed so far, checked boxes, selected options; no file, no button).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

TEXT_TYPES = {"text", "email", "search", "tel", "url"}
NOT_SENT = {"submit", "button", "image", "reset", "file"}


@dataclass
class Control:
    tag: str  # input, select or textarea
    name: str
    type: str = ""  # an input's type; "select" or "textarea" for the others
    value: str = ""
    checked: bool = False
    required: bool = False
    disabled: bool = False
    shown: bool = True  # not hidden from the person (`hidden`, a `hidden` class, read-only)
    maxlength: int | None = None
    classes: tuple[str, ...] = ()
    multiple: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)

    @property
    def single_line(self) -> bool:
        return self.tag == "input" and self.type in TEXT_TYPES and self.shown

    @property
    def multi_line(self) -> bool:
        return self.tag == "textarea"


@dataclass
class Form:
    action: str
    id: str = ""
    controls: list[Control] = field(default_factory=list)

    def submission(self) -> dict[str, list[str]]:
        data: dict[str, list[str]] = {}
        for control in self.controls:
            if control.disabled or not control.name:
                continue
            values: list[str] = []
            if control.tag == "select":
                values = [value for value, selected in control.options if selected]
                if not values and control.options and not control.multiple:
                    values = [control.options[0][0]]
            elif control.type in ("checkbox", "radio"):
                values = [control.value or "on"] if control.checked else []
            elif control.type not in NOT_SENT:
                values = [control.value]
            if values:
                data.setdefault(control.name, []).extend(values)
        return data


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._by_id: dict[str, Form] = {}
        self._orphans: list[tuple[str, Control]] = []  # controls naming a form by id
        self._form: Form | None = None
        self._select: Control | None = None
        self._option: tuple[str | None, bool] | None = None
        self._option_text = ""
        self._textarea: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(action=a.get("action", ""), id=a.get("id", ""))
                self.forms.append(self._form)
                if self._form.id:
                    self._by_id[self._form.id] = self._form
            else:
                self._form = None
            return
        if tag == "option" and self._select is not None:
            self._end_option()
            self._option = (a.get("value"), "selected" in a)
            self._option_text = ""
            return
        if tag not in ("input", "select", "textarea"):
            return
        maxlength = a.get("maxlength", "")
        control = Control(
            tag=tag,
            name=a.get("name", ""),
            type=tag if tag != "input" else a.get("type", "text").lower(),
            value=a.get("value", ""),
            checked="checked" in a,
            required="required" in a,
            disabled="disabled" in a,
            shown=not ({"hidden", "readonly"} & a.keys() or "hidden" in a.get("class", "").split()),
            maxlength=int(maxlength) if maxlength.isdigit() else None,
            classes=tuple(a.get("class", "").split()),
            multiple="multiple" in a,
        )
        if "form" in a:
            self._orphans.append((a["form"], control))
        elif self._form is not None:
            self._form.controls.append(control)
        if tag == "select":
            self._select = control
        elif tag == "textarea":
            self._textarea = control

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        elif self._option is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._end_option()
            self._select = None
        elif tag == "option":
            self._end_option()
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one line break that follows <textarea>.
            self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None

    def _end_option(self) -> None:
        if self._select is not None and self._option is not None:
            value, selected = self._option
            text = " ".join(self._option_text.split())
            self._select.options.append((text if value is None else value, selected))
        self._option = None

    def close(self) -> None:
        super().close()
        for form_id, control in self._orphans:
            if form_id in self._by_id:
                self._by_id[form_id].controls.append(control)


def forms_of(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms
