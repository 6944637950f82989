"""Every form field is drawn with the U.S. Web Design System's classes, in one place.

`FORM_RENDERER` names `UswdsRenderer`; since Django 5.2 a renderer can give forms their bound-field class,
so each widget gets `usa-input`, `usa-select` or `usa-textarea` (and `usa-input--error` when its field has an
error) without any form saying so. Checkboxes and radios keep the browser's own control: USWDS draws its
own only when the label follows the input, which our field template cannot promise."""

import re

from django.forms import widgets
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

_NATIVE = (widgets.CheckboxInput, widgets.RadioSelect, widgets.CheckboxSelectMultiple, widgets.FileInput,
           widgets.HiddenInput)


def uswds_class(widget: widgets.Widget) -> str:
    """The USWDS class for a widget, or "" for the ones drawn natively."""
    if isinstance(widget, _NATIVE):
        return ""
    if isinstance(widget, widgets.Select):
        return "usa-select"
    if isinstance(widget, widgets.Textarea):
        return "usa-textarea"
    if isinstance(widget, widgets.Input):
        return "usa-input"
    return ""


class UswdsBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        css = uswds_class(widget or self.field.widget)
        if css:
            if self.form.is_bound and self.errors:
                css += " usa-input--error"
            attrs["class"] = " ".join(filter(None, [css, attrs.get("class", "")]))
        return attrs


class UswdsRenderer(TemplatesSetting):
    """The project's template engine (so templates/includes/widgets/ is found; `django.forms` is installed for
    Django's own widget templates) with USWDS's bound fields."""

    bound_field_class = UswdsBoundField


class DatePickerInput(widgets.DateInput):
    """USWDS's date picker: a date typed as MM/DD/YYYY or picked from its calendar.

    The picker always writes the US order, whatever the page's language, so the widget turns "12/10/2026" into
    "2026-12-10" before the field parses it: a Spanish page's field (which reads day first) gets the same date.
    Without JavaScript the input is a plain text box that takes either form."""

    template_name = "includes/widgets/date_picker.html"
    input_type = "text"
    US_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        match = self.US_DATE.match(value or "")
        if match:
            month, day, year = match.groups()
            return f"{year}-{int(month):02d}-{int(day):02d}"
        return value
