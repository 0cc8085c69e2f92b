"""Read an admin page's form from its HTML, the way a browser submits it.

The history tests post what the page really carries, hidden fields included (the edit token).
"""

from html.parser import HTMLParser

from django.urls import reverse

TEXT_INPUTS = {"text", "hidden", "number", "email", "url", "date", "time", "search", "tel", ""}


class _FormParser(HTMLParser):
    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.in_form = False
        self.data = []
        self.textarea = None
        self.select = None
        self.required = []  # Fields the page marks `required` (a browser refuses them empty).

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag in {"input", "select", "textarea"} and name and "required" in attrs:
            self.required.append(name)
        if tag == "input" and name and "disabled" in attrs:
            return  # Browsers do not send disabled inputs.
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in TEXT_INPUTS:
                self.data.append((name, attrs.get("value") or ""))
            elif kind in {"checkbox", "radio"} and "checked" in attrs:
                self.data.append((name, attrs.get("value") or "on"))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self.select is not None:
            self.select["options"].append([attrs.get("value"), "selected" in attrs, ""])

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        elif self.select is not None and self.select["options"]:
            self.select["options"][-1][2] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            # Browsers drop the newline that follows <textarea>.
            self.data.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            options = self.select["options"]
            chosen = [option for option in options if option[1]]
            if not chosen and options and not self.select["multiple"]:
                chosen = options[:1]
            for value, _, text in chosen:
                self.data.append((self.select["name"], value if value is not None else text))
            self.select = None


def _parse(response, form_id):
    parser = _FormParser(form_id)
    parser.feed(response.content.decode())
    return parser


def _as_data(pairs):
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def form_data(response, form_id):
    """The fields of the form `form_id` as a browser would send them: {name: value(s)}."""
    # A name with "__prefix__" belongs to the template row for "Add another", not a real row.
    return _as_data(
        (name, value) for name, value in _parse(response, form_id).data if "__prefix__" not in name
    )


def required_field_names(response, form_id):
    """The names of the fields that the page marks `required` in the form `form_id`."""
    return _parse(response, form_id).required


def add_inline_row(response, data, form_id, prefix, **values):
    """Add a row to the inline `prefix` in `data`, as the admin's "Add another" link does.

    The link copies the empty template row (names `{prefix}-__prefix__-...`), numbers it and
    counts it in `{prefix}-TOTAL_FORMS`. `values` fill the new row by field name (an
    autocomplete select has no options to copy, so its value must be given here). Returns the
    new row's prefix, e.g. "memberships-2".
    """
    template = f"{prefix}-__prefix__-"
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    row = f"{prefix}-{index}"
    pairs = []
    for name, value in _parse(response, form_id).data:
        if name.startswith(template):
            name = f"{row}-{name.removeprefix(template)}"
            if "__prefix__" not in name:  # A nested inline's own template stays a template.
                pairs.append((name, value))
    if not pairs:
        raise AssertionError(f"the page has no empty row to copy for the inline {prefix!r}")
    data.update(_as_data(pairs))
    data.update({f"{row}-{name}": value for name, value in values.items()})
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    return row


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def open_change_form(client, obj):
    """GET the record's change form and return what saving it unchanged would post."""
    response = client.get(admin_url(type(obj), "change", obj.pk))
    assert response.status_code == 200
    return form_data(response, f"{obj._meta.model_name}_form")
