"""Admin pages as a browser uses them: their addresses, the POST data a browser would send back
from a page, and sending it."""

from django import forms
from django.urls import reverse


def submitted_values(form):
    """The values a browser would send back for an unchanged Django form."""
    data = {}
    for name in form.fields:
        bound = form[name]
        value = bound.value()
        if value is None or value is False:
            continue
        widget = bound.field.widget
        if isinstance(widget, forms.MultiWidget):  # the admin's split date and time
            for index, part in enumerate(widget.decompress(value)):
                if part is not None:
                    data[f"{bound.html_name}_{index}"] = part.isoformat()
            continue
        if value is True:
            value = "on"
        elif isinstance(value, list | tuple):
            value = [str(getattr(item, "pk", item)) for item in value]
        else:
            value = str(getattr(value, "pk", value))
        data[bound.html_name] = value
    return data


def change_form_data(response):
    """The main form and every inline formset of an admin change page, as POST data."""
    data = submitted_values(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        for form in formset.forms:
            data.update(submitted_values(form))
    return data


def submit_admin_page(client, url, changes=None, **post_options):
    """GET an admin add or change page and POST its forms back as a browser would, with
    `changes` (POST names to values) made first, as a person edits before saving."""
    data = change_form_data(client.get(url))
    data.update(changes or {})
    return client.post(url, data, **post_options)


def admin_url(obj, view, *args):
    """The admin page `view` ("change", "history", "revision", ...) of a saved object."""
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk, *args])


def change_url(obj):
    return admin_url(obj, "change")


def save_through_admin(client, obj, **changes):
    """Open the change page, change some fields as a person would, and save."""
    response = submit_admin_page(client, admin_url(obj, "change"), changes)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def question_data(question, **changes):
    """What a browser sends back from a triage question's change page, with `changes` made."""
    data = {
        "text": question.text,
        "hint": question.hint,
        "said": question.said,
        "group": question.group,
        "order": question.order,
        "kind": question.kind,
        "disposition": question.disposition,
        "active": "on" if question.active else "",
    }
    if question.threshold_weeks is not None:
        data["threshold_weeks"] = question.threshold_weeks
    data.update(changes)
    return data
