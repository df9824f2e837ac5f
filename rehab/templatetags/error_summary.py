"""The error summary at the top of every page with a form that came back with errors.

base.html calls ``{% error_summary %}``: every bound form in the page's context (whatever
its name: ``form``, ``citizen_form``, a filter set's form, a formset's forms) that has
errors is listed, each field error as a link to its field and the form's own errors as
text, so a mistake far down a long form is found from the top of the page.
"""

from django import forms, template
from django.forms.formsets import BaseFormSet

register = template.Library()


def _forms_in(value):
    if isinstance(value, forms.BaseForm):
        yield value
    elif isinstance(value, BaseFormSet):
        yield from value.forms
    elif isinstance(getattr(value, "form", None), forms.BaseForm):  # a django-filter FilterSet
        yield value.form


def _field_target(bound_field) -> str:
    """The id a link to the field jumps to: the input itself, or the first of its radios."""
    if not bound_field.auto_id:
        return ""
    return bound_field.id_for_label or f"{bound_field.auto_id}_0"


def _entries(form) -> list[dict]:
    entries = []
    for error in form.non_field_errors():
        entries.append({"text": error, "href": ""})
    for name, field in form.fields.items():
        errors = form.errors.get(name)
        if not errors:
            continue
        bound_field = form[name]
        for error in errors:
            text = f"{field.label}: {error}" if field.label else error
            href = "" if bound_field.is_hidden else _field_target(bound_field)
            entries.append({"text": text, "href": f"#{href}" if href else ""})
    return entries


@register.inclusion_tag("components/error_summary.html", takes_context=True)
def error_summary(context):
    seen, entries = set(), []
    for value in context.flatten().values():
        for form in _forms_in(value):
            if id(form) in seen or not form.is_bound or not form.errors:
                continue
            seen.add(id(form))
            entries.extend(_entries(form))
    return {"entries": entries}
