"""Every string a reader or an editor sees, written in the Python code, goes through Django's
translation functions, so that the Russian and Kazakh catalogs can reach it.

The first test reads the source of the application packages and names each plain English literal
given where Django shows it: a field's verbose_name or help_text, a choice's label, a form's or a
filter's label, an error message, an admin column or action, a feed's title. The others read real
pages through a Russian catalog the test writes, for strings that only reach the page through
models, filters and the admin."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.test import override_settings
from django.utils import translation
from django.utils.functional import Promise

from cases.models import Case, Defendant, SentencePart
from newsroom.partial_dates import PartialDate
from people.models import Person
from tests.admin_forms import admin_url
from tests.factories import (
    CaseFactory,
    DefendantFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    SentencePartFactory,
)
from tests.page_helpers import page_text
from tests.translation_catalogs import RUSSIAN_PLURALS, in_context, write_catalog

ROOT = Path(__file__).resolve().parent.parent
APPS = ("newsroom", "people", "cases")

# Keyword arguments whose value Django shows to a person; also checked as class or function
# attributes (Meta.verbose_name, an inline's verbose_name_plural, func.short_description).
TEXT_KEYWORDS = {
    "verbose_name",
    "verbose_name_plural",
    "help_text",
    "label",
    "empty_label",
    "short_description",
    "description",
    "violation_error_message",
}
# Class attributes shown as they are: a list filter's or a page's title, the admin's header,
# a feed's subtitle.
TEXT_ATTRIBUTES = {"title", "subtitle", "site_header", "site_title", "index_title"}
# Calls whose argument at that position is a message shown to a person: ValidationError(message),
# form.add_error(field, message), messages.success(request, message), message_user(request, ...),
# Http404(message) (the API says it).
MESSAGE_ARGUMENTS = {
    "ValidationError": 0,
    "Http404": 0,
    "add_error": 1,
    "message_user": 1,
    "debug": 1,
    "info": 1,
    "success": 1,
    "warning": 1,
    "error": 1,
}
MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error"}  # only as messages.info(...)
CHOICES_BASES = {"TextChoices", "IntegerChoices", "Choices"}
TRANSLATION_FUNCTIONS = {
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "_",
}
# Model fields whose first positional argument is the model they point to, not a verbose name.
RELATION_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField", "ForeignObject"}

# Literals that stay as they are, on purpose. Keep this short.
ALLOWED_FILES = {
    # The demo story's records (a charge's description, a case's title): data, as an editor
    # types it into the database, not the site's own words.
    "newsroom/management/commands/load_demo.py",
}
ALLOWED = {
    # An imported charge given by its article only is described by its reference: a value
    # stored in the record (Charge.description), in the language of the records.
    ("newsroom/imports/applying.py", 'description = f"article {reference.article} of the {code}"'),
    # The licence of the data package, by its name (datapackage.json).
    ("newsroom/settings.py", '"title": "Creative Commons Attribution 4.0 International",'),
}


def application_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def has_words(text):
    return re.search(r"[^\W\d_]", text) is not None


def plain_text(node):
    """Whether `node` is text written out, not a translation: a literal with letters, an
    f-string, or such a literal formatted or concatenated."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and has_words(node.value)
    if isinstance(node, ast.JoinedStr):
        return any(plain_text(part) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return plain_text(node.left) or plain_text(node.right)
    if isinstance(node, ast.IfExp):
        return plain_text(node.body) or plain_text(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and plain_text(node.func.value)
    return False


def plain_messages(node):
    """The plain texts of a message argument: the message, or the values of a dict of them
    (ValidationError({"field": "..."})), or the items of a list."""
    if isinstance(node, ast.Dict):
        return [value for value in node.values if plain_text(value)]
    if isinstance(node, ast.List | ast.Tuple):
        return [item for item in node.elts if plain_text(item)]
    return [node] if plain_text(node) else []


def last_name(node):
    """The name a node ends in: `label` for `label` or `self.label`, else None."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def called_name(call):
    return last_name(call.func)


def is_message_call(call):
    name = called_name(call)
    if name not in MESSAGE_ARGUMENTS:
        return False
    if name in MESSAGE_LEVELS:  # messages.info(...), not logger.info(...)
        function = call.func
        return isinstance(function.value, ast.Name) and function.value.id == "messages"
    return True


def base_names(class_node):
    return [name for name in map(last_name, class_node.bases) if name]


def choice_labels(node):
    """The plain labels of a literal list of choices, [("value", "Label"), ...]."""
    if isinstance(node, ast.List | ast.Tuple):
        for choice in node.elts:
            if (
                isinstance(choice, ast.Tuple)
                and len(choice.elts) == 2
                and plain_text(choice.elts[1])
            ):
                yield choice.elts[1].lineno, "label of a choice"


def fieldset_titles(node):
    """The plain titles of a literal list of admin fieldsets, [("Title", {...}), ...]."""
    if isinstance(node, ast.List | ast.Tuple):
        for fieldset in node.elts:
            if isinstance(fieldset, ast.Tuple) and fieldset.elts and plain_text(fieldset.elts[0]):
                yield fieldset.elts[0].lineno, "fieldset title"


def untranslated_in_call(node):
    name = called_name(node) or ""
    verbose_name = node.args[0] if node.args else None  # models.CharField("verbose name", ...)
    if name.endswith("Field") and name not in RELATION_FIELDS and plain_text(verbose_name):
        yield verbose_name.lineno, f"verbose name of {name}"
    for keyword in node.keywords:
        if keyword.arg in TEXT_KEYWORDS and plain_text(keyword.value):
            yield keyword.value.lineno, f"{keyword.arg}="
        if keyword.arg == "choices":
            yield from choice_labels(keyword.value)
        if keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
            for value in plain_messages(keyword.value):
                yield value.lineno, "error message"
    if is_message_call(node):
        position = MESSAGE_ARGUMENTS[name]
        if len(node.args) > position:
            for message in plain_messages(node.args[position]):
                yield message.lineno, f"message of {name}()"


def untranslated_in_assignment(node, class_node):
    for name in filter(None, map(last_name, node.targets)):
        if class_node is not None and "AppConfig" in base_names(class_node) and name == "label":
            continue  # an app's label is its name in code, not a word
        if name in TEXT_KEYWORDS and plain_text(node.value):
            yield node.value.lineno, name
        if name in TEXT_ATTRIBUTES and class_node is not None and plain_text(node.value):
            yield node.value.lineno, name
        if name.endswith("CHOICES"):
            yield from choice_labels(node.value)
        if name.endswith("fieldsets"):
            yield from fieldset_titles(node.value)
        if name.endswith("error_messages"):
            for value in plain_messages(node.value) if isinstance(node.value, ast.Dict) else []:
                yield value.lineno, "error message"


def untranslated_choices(class_node):
    for statement in class_node.body:
        if not isinstance(statement, ast.Assign):
            continue
        value = statement.value
        if isinstance(value, ast.Tuple) and value.elts and plain_text(value.elts[-1]):
            yield value.elts[-1].lineno, f"label of {class_node.name} choice"
        elif not isinstance(value, ast.Tuple):
            # No label: Django makes one of the member's name, which no catalog has.
            yield statement.lineno, f"{class_node.name} choice without a label"


def untranslated(tree):
    """(line, what) for each plain literal shown to a person."""
    classes = {}  # statement -> the class whose body it is in
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                classes[statement] = node
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield from untranslated_in_call(node)
        elif isinstance(node, ast.Assign):
            yield from untranslated_in_assignment(node, classes.get(node))
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                # A page's title in a view's context: {"title": "..."}.
                if isinstance(key, ast.Constant) and key.value == "title" and plain_text(value):
                    yield value.lineno, "title"
        if isinstance(node, ast.ClassDef) and CHOICES_BASES & set(base_names(node)):
            yield from untranslated_choices(node)
        if isinstance(node, ast.JoinedStr):
            # makemessages reads an f-string as one string: a message inside is never extracted.
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and called_name(inner) in TRANSLATION_FUNCTIONS:
                    yield inner.lineno, "translation inside an f-string"


def test_every_shown_string_in_the_python_code_is_translatable():
    """A plain literal in one of these places reaches the page in English whatever the reader's
    language; wrap it in gettext_lazy (at import time) or gettext (in a request)."""
    problems = []
    for path in application_files():
        relative = path.relative_to(ROOT).as_posix()
        if relative in ALLOWED_FILES:
            continue
        source = path.read_text()
        lines = source.splitlines()
        for line, what in sorted(set(untranslated(ast.parse(source, relative)))):
            if (relative, lines[line - 1].strip()) not in ALLOWED:
                problems.append(f"{relative}:{line}: {what}: {lines[line - 1].strip()}")
    assert not problems, "Untranslated text:\n" + "\n".join(problems)


def project_models():
    """The models the project's own code declares (newsroom.imports' too, whose app label is
    "imports"), without Django's auto-created many-to-many tables."""
    for model in apps.get_models():
        if model.__module__.partition(".")[0] in APPS:
            yield model


def untranslated_names(model):
    """What of the model's own names is not a lazy translation: a name Django made of the Python
    name ("birth date"), which no catalog translates, or one written as plain text."""
    options = model._meta
    for option in ("verbose_name", "verbose_name_plural"):
        # Django's default plural is lazy too, but it is the English name with an "s" added.
        declared = option in options.original_attrs
        if not declared or not isinstance(getattr(options, option), Promise):
            yield f"{options.label}: Meta.{option}"
    for field in [*options.concrete_fields, *options.many_to_many]:
        if not field.auto_created and not isinstance(field.verbose_name, Promise):
            yield f"{options.label}.{field.name}: verbose_name {field.verbose_name!r}"


def test_every_model_and_field_name_is_translatable():
    """A model or field that declares no verbose name gets one Django makes of its Python name,
    which the admin's labels, column headers and filter titles, and the history's list of
    changes, then show in English whatever the editor's language."""
    models = list(project_models())
    problems = [problem for model in models for problem in untranslated_names(model)]
    assert len(models) > 20  # the walk found the project's models
    assert not problems, "Names without a translation:\n" + "\n".join(problems)


# Russian for strings that reach pages from the Python code only (models, filters, the admin).
RUSSIAN = {
    # The people list's filters (people/filters.py) and an active filter's wording.
    "Organization": "Организация",
    "Sentence": "Наказание",
    "Status": "Статус",
    "Country": "Страна",
    "Name": "Имя",
    "Any spelling, Latin or Cyrillic. People whose name is not public are not found.": (
        "Любое написание, латиницей или кириллицей. Людей, чьё имя не публикуется, не найти."
    ),
    "In prison now": "Сейчас в заключении",
    "May be in prison now": "Возможно, сейчас в заключении",
    "Prison": "Лишение свободы",
    # Reordered, as a translator may: the value first.
    "%(filter)s: %(value)s": "%(value)s (%(filter)s)",
    # A person's field in the admin, and its fieldset.
    "name in native script": "имя в родной письменности",
    "The name in the person's own script, e.g. Cyrillic.": (
        "Имя в письменности самого человека, например кириллицей."
    ),
    "About": "Сведения",
    # Names of fields that Django made of the Python names until they declared their own.
    "birth date": "дата рождения",
    "photo credit": "автор фотографии",
    "verdict date": "дата приговора",
    "hearing format": "формат заседания",
    in_context("stage of a court case", "status"): "стадия",
    # A case page's count of defendants: a plural with a second number.
    ("%(count)d defendant, %(named)d named", "%(count)d defendants, %(named)d named"): [
        "%(count)d обвиняемый, из них %(named)d названы по имени",
        "%(count)d обвиняемых, из них %(named)d названы по имени",
        "%(count)d обвиняемых, из них %(named)d названы по имени",
    ],
    "On trial": "Идёт суд",
}


@pytest.fixture
def russian(tmp_path):
    """Pages read in Russian through RUSSIAN, a catalog the test writes (with Django's own)."""
    write_catalog(tmp_path, "ru", RUSSIAN, RUSSIAN_PLURALS)
    with override_settings(LOCALE_PATHS=[tmp_path]), translation.override("ru"):
        yield


def test_the_people_list_s_filters_are_in_the_reader_s_language(client, db, russian):
    """The labels, help text and choices of the people list's filters come from
    people/filters.py and the models, not the template: with a Russian catalog the page says
    them in Russian, active filters in the catalog's own word order."""
    person = PersonFactory(name="Anel Ospanova")
    defendant = DefendantFactory(
        case=CaseFactory(verdict_date=PartialDate(2024, 3)),
        person=person,
        verdict=Defendant.Verdict.CONVICTED,
    )
    SentencePartFactory(
        defendant=defendant,
        kind=SentencePart.Kind.PRISON,
        term_min_months=120,
        term_max_months=120,
    )
    MembershipFactory(person=person, organization=OrganizationFactory(name="Koshe Party"))

    response = client.get("/people/?status=imprisoned")

    assert response.status_code == 200
    text = page_text(response)
    for russian in [
        "Организация",
        "Наказание",
        "Статус",
        "Страна",
        "Имя",
        RUSSIAN["Any spelling, Latin or Cyrillic. People whose name is not public are not found."],
        "Сейчас в заключении",
        "Возможно, сейчас в заключении",
        "Лишение свободы",
        "Сейчас в заключении (Статус)",
    ]:
        assert russian in text, russian
    for english in ["In prison now", "Any spelling, Latin or Cyrillic", "Status: "]:
        assert english not in text, english


def test_an_admin_form_s_labels_and_help_are_in_the_editor_s_language(editor_client, russian):
    """A model field's verbose name and help text, and a fieldset's title, reach the admin
    form from the Python code: with a Russian catalog an editor reads them in Russian."""
    person = PersonFactory(name="Anel Ospanova")

    response = editor_client.get(admin_url(Person, "change", person.pk))

    assert response.status_code == 200
    text = page_text(response)
    assert "Имя в родной письменности" in text  # the label, capitalised by the admin
    assert RUSSIAN["The name in the person's own script, e.g. Cyrillic."] in text
    assert "Сведения" in text
    assert "Name in native script" not in text
    assert "e.g. Cyrillic" not in text


def test_admin_labels_named_after_model_fields_are_in_the_editor_s_language(editor_client, russian):
    """A field's name reaches the admin's forms, column headers and filter titles: with a
    Russian catalog an editor reads them in Russian, the fields Django used to name after their
    Python names ("birth date") too."""
    person = PersonFactory(name="Anel Ospanova")
    case = CaseFactory(title="Almaty trial", verdict_date=PartialDate(2024, 3))

    person_form = editor_client.get(admin_url(Person, "change", person.pk))
    case_form = editor_client.get(admin_url(Case, "change", case.pk))
    case_list = editor_client.get(admin_url(Case, "changelist"))

    for response in (person_form, case_form, case_list):
        assert response.status_code == 200
    person_text = page_text(person_form)
    assert "Anel Ospanova" in person_text
    assert "Дата рождения" in person_text  # labels, capitalised by the admin
    assert "Автор фотографии" in person_text
    for english in ["Birth date", "Photo credit"]:
        assert english not in person_text, english
    case_text = page_text(case_form)
    assert "Almaty trial" in case_text
    assert "Дата приговора" in case_text
    assert "Формат заседания" in case_text
    assert "Стадия" in case_text  # "status" in the sense the context gives it
    for english in ["Verdict date", "Hearing format", "Status:"]:
        assert english not in case_text, english
    list_text = page_text(case_list)
    assert "Almaty trial" in list_text
    assert "Стадия" in list_text  # a column header
    assert "Дата приговора" in list_text
    assert "формат заседания" in list_text  # a filter's title ("By hearing format")
    for english in ["Verdict date", "By hearing format", "By status"]:
        assert english not in list_text, english


def test_a_case_page_counts_defendants_with_the_language_s_plural_forms(client, db, russian):
    """The count line of a case page is built in cases/models.py: with a Russian catalog it
    takes the Russian plural form for the number of defendants (5: "обвиняемых")."""
    case = CaseFactory(status="trial")
    for number in range(5):
        DefendantFactory(case=case, person=PersonFactory(name=f"Defendant Number{number}"))

    response = client.get(case.get_absolute_url())

    assert response.status_code == 200
    text = page_text(response)
    assert "5 обвиняемых, из них 5 названы по имени" in text
    assert "Идёт суд" in text
    assert "5 defendants" not in text
