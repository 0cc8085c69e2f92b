"""The admin's "Import records" page: upload -> mapping (guessed from the header) -> preview
(created, updated, skipped with reasons, possible duplicates and row errors, each with a
checkbox) -> confirm -> result.

The uploaded file waits between the steps in NEWSROOM_IMPORT_UPLOAD_DIR (outside MEDIA_ROOT,
so never at a public URL) under a random token that only the session that uploaded it knows.
Reporters import drafts only: "publish" is checked on the server at every step.
"""

import contextlib
import os
import re
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case
from newsroom.imports.applying import ImportRefused, apply_plan
from newsroom.imports.mapping import FIELDS, MULTIPLE, Mapping, guess_mapping
from newsroom.imports.planning import CREATE, DUPLICATE, ERROR, SKIP, UPDATE, plan_import
from newsroom.imports.readers import FileError, check_size, file_format, read_table
from newsroom.workflow import can_publish
from people.models import Person

SESSION_KEY = "newsroom_imports"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")
# Uploaded files left behind (an import never confirmed) are removed after a day.
UPLOAD_LIFETIME_SECONDS = 24 * 60 * 60


def may_import(user):
    return all(
        user.has_perm(permission)
        for permission in ("people.add_person", "cases.add_case", "cases.add_defendant")
    )


def may_publish(user):
    return can_publish(user, Person) and can_publish(user, Case)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8), XLSX or JSON (an array of flat objects)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            file_format(upload.name)
            check_size(upload.size)
        except FileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class MappingForm(forms.Form):
    """One choice of column per field, the header's guess first; the import's options."""

    country = forms.CharField(
        label=gettext_lazy("Country of the cases (ISO code) when no column gives it"),
        max_length=2,
        required=False,
    )
    create_missing_organizations = forms.BooleanField(
        label=gettext_lazy("Create missing organizations and courts (not public)"), required=False
    )

    def __init__(self, *args, columns=(), **kwargs):
        super().__init__(*args, **kwargs)
        bases = []
        for column in columns:
            base = column.split("/")[0] if re.fullmatch(r".+/\d+", column) else column
            if base not in bases:
                bases.append(base)
        choices = [("", _("(not in the file)"))] + [(column, column) for column in bases]
        for name, label in FIELDS.items():
            if name in MULTIPLE:
                self.fields[f"column_{name}"] = forms.MultipleChoiceField(
                    label=label, choices=choices[1:], required=False
                )
            else:
                self.fields[f"column_{name}"] = forms.ChoiceField(
                    label=label, choices=choices, required=False
                )
        self.order_fields([f"column_{name}" for name in FIELDS])

    def clean_country(self):
        from newsroom.imports.rows import country_code

        text = self.cleaned_data["country"]
        code = country_code(text)
        if code is None:
            raise forms.ValidationError(_("Enter a country code such as KZ."))
        return code

    @staticmethod
    def initial_from(mapping):
        initial = {f"column_{name}": column for name, column in mapping.columns.items()}
        initial["country"] = mapping.country
        initial["create_missing_organizations"] = mapping.create_missing_organizations
        return initial

    def mapping(self):
        data = self.cleaned_data
        columns = {name: data[f"column_{name}"] for name in FIELDS if data.get(f"column_{name}")}
        return Mapping(
            columns=columns,
            country=data["country"],
            create_missing_organizations=data["create_missing_organizations"],
        )


def _upload_dir():
    path = Path(settings.NEWSROOM_IMPORT_UPLOAD_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _remove_old_uploads(directory):
    limit = time.time() - UPLOAD_LIFETIME_SECONDS
    for path in directory.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass


def store_upload(request, upload):
    directory = _upload_dir()
    _remove_old_uploads(directory)
    token = secrets.token_urlsafe(24)
    with open(directory / token, "wb") as file:
        for chunk in upload.chunks():
            file.write(chunk)
    uploads = request.session.get(SESSION_KEY, {})
    uploads[token] = os.path.basename(upload.name)
    request.session[SESSION_KEY] = uploads
    return token


def stored_upload(request, token):
    """(file name, bytes) of an upload of this session; None when the token is not one."""
    uploads = request.session.get(SESSION_KEY, {})
    if not TOKEN_RE.match(token or "") or token not in uploads:
        return None
    try:
        with open(_upload_dir() / token, "rb") as file:
            return uploads[token], file.read()
    except OSError:
        return None


def forget_upload(request, token):
    uploads = request.session.get(SESSION_KEY, {})
    uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads
    with contextlib.suppress(OSError):
        (_upload_dir() / token).unlink()


def _numbers(request, prefix):
    numbers = set()
    for key in request.POST:
        if key.startswith(prefix) and key[len(prefix) :].isdigit():
            numbers.add(int(key[len(prefix) :]))
    return numbers


def import_view(request, admin_site):
    if not may_import(request.user):
        raise PermissionDenied
    context = {
        **admin_site.each_context(request),
        "title": _("Import records"),
        "may_publish": may_publish(request.user),
    }

    def render(step, status=200, **extra):
        return TemplateResponse(
            request,
            "admin/imports/import.html",
            {**context, "step": step, **extra},
            status=status,
        )

    if request.method != "POST":
        return render("upload", form=UploadForm())
    publish = request.POST.get("publish") == "on"
    if publish and not context["may_publish"]:
        raise PermissionDenied(_("Only editors may import records as public."))
    step = request.POST.get("step")
    if step == "upload":
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render("upload", status=400, form=form)
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            table = read_table(upload.name, data)
        except FileError as error:
            form.add_error("file", str(error))
            return render("upload", status=400, form=form)
        token = store_upload(request, upload)
        mapping_form = MappingForm(
            columns=table.columns, initial=MappingForm.initial_from(guess_mapping(table.columns))
        )
        return render("mapping", form=mapping_form, token=token, table=table)
    token = request.POST.get("token", "")
    stored = stored_upload(request, token)
    if stored is None:
        message = _("The uploaded file is no longer here: upload it again.")
        return render("upload", status=400, form=UploadForm(), error=message)
    file_name, data = stored
    try:
        table = read_table(file_name, data)
    except FileError as error:  # checked at upload; kept for a file changed on the disk
        forget_upload(request, token)
        return render("upload", status=400, form=UploadForm(), error=str(error))
    mapping_form = MappingForm(request.POST, columns=table.columns)
    if not mapping_form.is_valid():
        return render("mapping", status=400, form=mapping_form, token=token, table=table)
    mapping = mapping_form.mapping()
    plan = plan_import(table, mapping)
    if step == "confirm":
        try:
            result = apply_plan(
                plan,
                user=request.user,
                publish=publish,
                create_missing_organizations=mapping.create_missing_organizations,
                skip_rows=_numbers(request, "skip_"),
                create_rows=_numbers(request, "create_"),
            )
        except ImportRefused as refused:
            return render(
                "preview",
                status=400,
                form=mapping_form,
                token=token,
                table=table,
                plan=plan,
                problems=refused.problems,
                publish=publish,
                actions=(CREATE, UPDATE, SKIP, DUPLICATE, ERROR),
            )
        forget_upload(request, token)
        return render("result", result=result, file_name=file_name, publish=publish)
    return render(
        "preview",
        form=mapping_form,
        token=token,
        table=table,
        plan=plan,
        missing=mapping.missing_columns(table.columns),
        publish=publish,
        actions=(CREATE, UPDATE, SKIP, DUPLICATE, ERROR),
    )
