"""Posting real admin forms in tests, the way a browser would.

(H7 note: this file was overwritten by mistake while H5's version existed; `admin_url` and
`form_data(page, **changes)` are rebuilt from how tests/test_workflow.py calls them.)
"""

from django.forms import FileField, MultiWidget
from django.urls import reverse


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(response, **changes):
    """What saving the admin page unchanged would post, with `changes` applied (None drops a
    field, as an unticked checkbox or an emptied select would)."""
    data = admin_form_data(response)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def post_change(client, obj, **changes):
    """Save obj's admin change page as a browser would, with `changes` (see form_data()), and
    expect the redirect of a successful save."""
    url = admin_url(type(obj), "change", obj.pk)
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, form_data(page, **changes))
    assert response.status_code == 302, response.text[:2000]
    return response


def admin_form_data(response):
    """The data a browser would post back from an admin add or change page, unchanged."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    for form in forms:
        for bound_field in form:
            value = bound_field.value()
            if value is None or isinstance(bound_field.field, FileField):
                continue  # a browser sends no file when none is chosen
            widget = bound_field.field.widget
            if isinstance(widget, MultiWidget):
                for index, part in enumerate(widget.decompress(value)):
                    if part is not None:
                        data[f"{bound_field.html_name}_{index}"] = part
            elif isinstance(value, bool):
                if value:
                    data[bound_field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound_field.html_name] = [str(item) for item in value]
            else:
                data[bound_field.html_name] = value
    return data
