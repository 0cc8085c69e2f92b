"""The admin forms that let an editor enter a whole trial on the case page (issue 7).

Each defendant row of the case form carries the sentence and the charges as text ("10 years in
a penal colony"; "Art. 228 (smuggling)"), read by cases.parsing into SentencePart and
DefendantCharge rows when the case is saved, and shown back as text when the form is opened
again. A sentence or a list of charges that the text cannot say completely (a part of kind
"other", say) is shown read-only and is never touched by the case form: it stays editable on
the defendant's own page. The case form itself takes charges and a sentence for several
defendants at once, and a number of defendants whose names were not reported.

Everything is saved inside the admin's save, so it is one transaction and one revision.
"""

from dataclasses import dataclass
from itertools import zip_longest

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import Charge, Defendant, DefendantCharge, SentencePart
from cases.parsing import (
    ParseError,
    Penalty,
    parse_charges,
    parse_sentence,
    parse_term,
    write_charges,
    write_sentence,
    write_term,
)
from newsroom.admin_tools import PreloadedAutocompleteForm
from newsroom.workflow import can_publish
from people.models import Person
from people.names import normalise_name

SENTENCE_HELP = _(
    "As reports say it: “10 years in a penal colony”, “1 to 2 years of restricted freedom and "
    "100 hours of compulsory labour a year”, “3 years in a general-regime penal colony "
    "(may not leave Minsk)”. Add “in absentia” if so."
)
CHARGES_HELP = _(
    "Separated by “;”: “Art. 228 (smuggling); Art. 342 (financing group actions that grossly "
    "violate public order)”. Articles are of the Criminal Code of the case's country unless you "
    "say otherwise (“Art. 20.2 of the Code of Administrative Offences”)."
)
WIDE_TEXT = {"class": "vTextField"}


@dataclass(frozen=True)
class EditRights:
    """What the user may do to the rows the case form creates, changes and deletes for them."""

    add_person: bool = False
    publish_person: bool = False
    add_charge: bool = False
    add_defendant: bool = False
    delete_sentence_part: bool = False
    delete_defendant_charge: bool = False

    @classmethod
    def of(cls, user):
        return cls(
            add_person=user.has_perm("people.add_person"),
            publish_person=can_publish(user, Person),
            add_charge=user.has_perm("cases.add_charge"),
            add_defendant=user.has_perm("cases.add_defendant"),
            delete_sentence_part=user.has_perm("cases.delete_sentencepart"),
            delete_defendant_charge=user.has_perm("cases.delete_defendantcharge"),
        )


# Reading and checking ---------------------------------------------------------------------


def read_sentence(text, country):
    """The parsed Sentence, or ValidationError with the parser's message. Each part is checked
    against SentencePart's own rules (field limits, currency of a fine)."""
    try:
        sentence = parse_sentence(text, country=str(country or ""))
    except ParseError as error:
        raise ValidationError(error.message, code="sentence") from None
    for penalty in sentence.parts:
        try:
            SentencePart(**penalty.field_values()).full_clean(exclude=["defendant"])
        except ValidationError as error:
            messages = [m for field in error.message_dict.values() for m in field]
            raise ValidationError(messages, code="sentence") from None
    return sentence


def find_charge(reference, country):
    """The stored charge a reference names, or None when there is none yet. Articles are
    matched by jurisdiction, code and article (the description only tells apart several
    charges under one article); a charge without an article by its description."""
    if reference.article:
        candidates = list(
            Charge.objects.filter(
                country=country,
                legal_code__iexact=reference.legal_code,
                article__iexact=reference.article,
            ).order_by("pk")
        )
        if len(candidates) > 1:
            same = [c for c in candidates if c.description.lower() == reference.description.lower()]
            if len(same) != 1:
                descriptions = "; ".join(f"({c.description})" for c in candidates)
                raise ValidationError(
                    gettext(
                        "Several charges are recorded under article %(article)s: say which by "
                        "its description, one of %(descriptions)s."
                    )
                    % {"article": reference.article, "descriptions": descriptions},
                    code="charges",
                )
            return same[0]
        return candidates[0] if candidates else None
    return (
        Charge.objects.filter(
            country=country, article="", description__iexact=reference.description
        )
        .order_by("pk")
        .first()
    )


def read_charges(text, default_country, rights):
    """[(ChargeReference, jurisdiction)] for the text, each checked: a new charge needs its
    description and the right to add charges. Raises ValidationError."""
    try:
        references = parse_charges(text)
    except ParseError as error:
        raise ValidationError(error.message, code="charges") from None
    checked = []
    for reference in references:
        country = reference.country or str(default_country or "")
        if find_charge(reference, country) is None:
            if not reference.description:
                raise ValidationError(
                    gettext(
                        "Article %(article)s is not in the records yet: give the offence in "
                        "words, e.g. “Art. %(article)s (smuggling)”."
                    )
                    % {"article": reference.article},
                    code="charges",
                )
            if not rights.add_charge:
                raise ValidationError(
                    gettext("You may not add charges: choose ones already in the records."),
                    code="charges",
                )
        checked.append((reference, country))
    return checked


def already_recorded(name):
    """Whether someone of exactly this name (in any spelling) is in the records."""
    key = normalise_name(name)
    return Person.objects.filter(
        Q(search_name=key)
        | Q(search_name__startswith=f"{key} ")  # "name native name"
        | Q(alternate_names__search_name=key)
    ).exists()


# Saving -----------------------------------------------------------------------------------


def charge_for(reference, country):
    """The stored charge a checked reference names, created when there is none yet."""
    charge = find_charge(reference, country)
    if charge is None:
        charge = Charge(
            country=country,
            legal_code=reference.legal_code,
            article=reference.article,
            description=reference.description,
        )
        charge.full_clean()
        charge.save()
    return charge


def set_sentence(defendant, penalties):
    """Make the defendant's sentence parts these penalties, in order: rows are updated in
    place, added or removed, and a row that already says its penalty is left alone."""
    rows = list(SentencePart.objects.filter(defendant=defendant).order_by("pk"))
    for row, penalty in zip_longest(rows, penalties):
        if penalty is None:
            row.delete()
        elif row is None:
            SentencePart.objects.create(defendant=defendant, **penalty.field_values())
        elif Penalty.from_row(row) != penalty:
            for name, value in penalty.field_values().items():
                setattr(row, name, value)
            row.save()


def set_charges(defendant, checked, *, keep_others):
    """Link the defendant to the checked charges. Links to charges no longer listed are removed
    unless `keep_others`; kept links keep their outcome."""
    links = {link.charge_id: link for link in DefendantCharge.objects.filter(defendant=defendant)}
    wanted = []
    for reference, country in checked:
        charge = charge_for(reference, country)
        wanted.append(charge.pk)
        if charge.pk not in links:
            links[charge.pk] = DefendantCharge.objects.create(defendant=defendant, charge=charge)
    if not keep_others:
        for charge_id, link in links.items():
            if charge_id not in wanted:
                link.delete()


def apply_verdict(defendant_values, sentence):
    """The verdict and in-absentia flag a sentence implies: a sentence means a conviction."""
    if sentence.parts and defendant_values["verdict"] in {
        Defendant.Verdict.PENDING,
        Defendant.Verdict.UNKNOWN,
    }:
        defendant_values["verdict"] = Defendant.Verdict.CONVICTED
    if sentence.in_absentia:
        defendant_values["in_absentia"] = True


SENTENCE_WITHOUT_CONVICTION = _(
    "A sentence goes with the verdict “convicted”: change the verdict or leave the sentence empty."
)


# The defendant rows of the case form ------------------------------------------------------


class DefendantRowForm(PreloadedAutocompleteForm):
    """One defendant on the case form: an existing person or a new name, the verdict, and the
    sentence and charges as text."""

    new_person_name = forms.CharField(
        label=_("Or a new person's name"),
        required=False,
        max_length=200,
        help_text=_("Adds the person to the records. For someone already there, choose them."),
    )
    sentence = forms.CharField(
        label=_("Sentence"),
        required=False,
        max_length=500,
        help_text=SENTENCE_HELP,
        widget=forms.TextInput(attrs=WIDE_TEXT),
    )
    charges_text = forms.CharField(
        label=_("Charges"),
        required=False,
        max_length=2000,
        help_text=CHARGES_HELP,
        widget=forms.TextInput(attrs=WIDE_TEXT),
    )

    def __init__(self, *args, case=None, rights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.rights = rights or EditRights()
        self.sentence_read = None  # a parsed Sentence when the text was changed
        self.charges_read = None  # checked charge references when the text was changed
        self.fields["person"].required = False
        country = self.case_country()
        defendant = self.instance
        if defendant.pk is None:
            return
        parts = list(defendant.sentence_parts.all())
        text = write_sentence([Penalty.from_row(part) for part in parts], country)
        if text is None:
            self.initial["sentence"] = defendant.sentence_summary()
            self.fields["sentence"].disabled = True
            self.fields["sentence"].help_text = _(
                "This sentence has details the text cannot hold: edit it on the defendant's "
                "page (the “Change” link)."
            )
        else:
            self.initial["sentence"] = text
        charges = [link.charge for link in defendant.defendantcharge_set.all()]
        text = write_charges(charges, country)
        if text is None:
            self.initial["charges_text"] = "; ".join(str(charge) for charge in charges)
            self.fields["charges_text"].disabled = True
            self.fields["charges_text"].help_text = _(
                "These charges have details the text cannot hold: edit them on the defendant's "
                "page (the “Change” link)."
            )
        else:
            self.initial["charges_text"] = text

    def case_country(self):
        return str(getattr(self.case, "country", "") or "")

    def clean(self):
        cleaned_data = super().clean()
        self.check_person_or_name(cleaned_data)
        if "sentence" in self.changed_data and not self.fields["sentence"].disabled:
            self.read_sentence_text(cleaned_data)
        if "charges_text" in self.changed_data and not self.fields["charges_text"].disabled:
            self.read_charges_text(cleaned_data)
        return cleaned_data

    def check_person_or_name(self, cleaned_data):
        person = cleaned_data.get("person")
        name = " ".join(cleaned_data.get("new_person_name", "").split())
        cleaned_data["new_person_name"] = name
        if person and name:
            self.add_error(
                "new_person_name", gettext("Choose a person or type a new name, not both.")
            )
        elif not person and not name and "person" not in self.errors:
            self.add_error(
                "person", gettext("Choose a person, or type the name of a new person below.")
            )
        elif name:
            if not self.rights.add_person:
                self.add_error("new_person_name", gettext("You may not add people."))
            elif already_recorded(name):
                self.add_error(
                    "new_person_name",
                    gettext(
                        "Someone named “%(name)s” is already in the records: choose them in the "
                        "list above. If this is a different person, add them with the “+” "
                        "button there."
                    )
                    % {"name": name},
                )

    def read_sentence_text(self, cleaned_data):
        try:
            sentence = read_sentence(cleaned_data.get("sentence", ""), self.case_country())
        except ValidationError as error:
            self.add_error("sentence", error)
            return
        stored = len(self.instance.sentence_parts.all()) if self.instance.pk else 0
        if len(sentence.parts) < stored and not self.rights.delete_sentence_part:
            self.add_error(
                "sentence",
                gettext("You may not remove parts of a sentence: ask an editor."),
            )
            return
        if sentence.parts and cleaned_data.get("verdict") in {
            Defendant.Verdict.ACQUITTED,
            Defendant.Verdict.DISMISSED,
        }:
            self.add_error("verdict", SENTENCE_WITHOUT_CONVICTION)
            return
        apply_verdict(cleaned_data, sentence)
        self.sentence_read = sentence

    def read_charges_text(self, cleaned_data):
        try:
            checked = read_charges(
                cleaned_data.get("charges_text", ""), self.case_country(), self.rights
            )
        except ValidationError as error:
            self.add_error("charges_text", error)
            return
        if self.instance.pk and not self.rights.delete_defendant_charge:
            kept = {find_charge(reference, country) for reference, country in checked}
            linked = {link.charge for link in self.instance.defendantcharge_set.all()}
            if linked - kept:
                self.add_error(
                    "charges_text", gettext("You may not remove charges: ask an editor.")
                )
                return
        self.charges_read = checked

    def save(self, commit=True):
        name = self.cleaned_data.get("new_person_name")
        if name and self.instance.person_id is None:
            case = self.case
            self.instance.person = Person.objects.create(
                name=name,
                name_status=Person.NameStatus.NAMED,
                # A person entered with a published case is published with it, by an editor;
                # everyone else's stay drafts until an editor publishes them.
                is_public=bool(case is not None and case.is_published)
                and self.rights.publish_person,
            )
        return super().save(commit)

    def _save_m2m(self):
        super()._save_m2m()
        if self.sentence_read is not None:
            set_sentence(self.instance, self.sentence_read.parts)
        if self.charges_read is not None:
            set_charges(self.instance, self.charges_read, keep_others=False)


class DefendantRowFormSet(BaseInlineFormSet):
    """Hands each row the case (for its country and public state) and the user's rights."""

    rights = EditRights()

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "case": self.instance, "rights": self.rights}

    def clean(self):
        super().clean()
        typed = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            name = form.cleaned_data.get("new_person_name")
            if not name:
                continue
            if normalise_name(name) in typed:
                form.add_error(
                    "new_person_name",
                    gettext("“%(name)s” is typed twice: one person is a defendant once.")
                    % {"name": name},
                )
            typed[normalise_name(name)] = form


# The case form ----------------------------------------------------------------------------


class CaseForm(PreloadedAutocompleteForm):
    """The case, plus what applies to several defendants at once: charges and a sentence, and
    defendants whose names were not reported. These fields act once, when the case is saved,
    and are empty again when the form is opened."""

    rights = EditRights()  # Set per request by CaseAdmin.get_form.

    charges_for_all = forms.CharField(
        label=_("Charges for every defendant"),
        required=False,
        max_length=2000,
        help_text=CHARGES_HELP,
        widget=forms.TextInput(attrs=WIDE_TEXT),
    )
    sentence_for_all = forms.CharField(
        label=_("Sentence for every defendant without one"),
        required=False,
        max_length=500,
        help_text=_(
            "Given to each defendant below who has no sentence yet (not to those acquitted)."
        ),
        widget=forms.TextInput(attrs=WIDE_TEXT),
    )
    unnamed_count = forms.IntegerField(
        label=_("Defendants whose names were not reported"),
        required=False,
        min_value=0,
        validators=[MaxValueValidator(500)],
        help_text=_("How many to add. Each becomes a person marked “name not reported”."),
    )
    unnamed_sentence = forms.CharField(
        label=_("Their sentence"),
        required=False,
        max_length=500,
        help_text=SENTENCE_HELP,
        widget=forms.TextInput(attrs=WIDE_TEXT),
    )
    unnamed_charges = forms.CharField(
        label=_("Their charges"),
        required=False,
        max_length=2000,
        help_text=_("Besides the charges for every defendant."),
        widget=forms.TextInput(attrs=WIDE_TEXT),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            # Case.save() fills it in from the title, with or without JavaScript.
            self.fields["slug"].required = False
        self.charges_for_all_read = []
        self.sentence_for_all_read = None
        self.unnamed_sentence_read = None
        self.unnamed_charges_read = []

    def clean(self):
        cleaned_data = super().clean()
        country = cleaned_data.get("country") or getattr(self.instance, "country", "")
        for name in ["charges_for_all", "unnamed_charges"]:
            if cleaned_data.get(name):
                try:
                    checked = read_charges(cleaned_data[name], country, self.rights)
                except ValidationError as error:
                    self.add_error(name, error)
                else:
                    setattr(self, f"{name}_read", checked)
        for name in ["sentence_for_all", "unnamed_sentence"]:
            if cleaned_data.get(name):
                try:
                    setattr(self, f"{name}_read", read_sentence(cleaned_data[name], country))
                except ValidationError as error:
                    self.add_error(name, error)
        count = cleaned_data.get("unnamed_count") or 0
        for_unnamed = cleaned_data.get("unnamed_sentence") or cleaned_data.get("unnamed_charges")
        if not count and for_unnamed:
            self.add_error(
                "unnamed_count",
                gettext("Say how many defendants whose names were not reported to add."),
            )
        if count and not (self.rights.add_person and self.rights.add_defendant):
            self.add_error("unnamed_count", gettext("You may not add people or defendants."))
        return cleaned_data

    def apply_to_defendants(self):
        """After the case and its defendant rows are saved: add the unnamed defendants, then
        give the sentence and charges for all. Returns how many unnamed defendants were added."""
        case = self.instance
        added = self.add_unnamed_defendants(case)
        if self.sentence_for_all_read is not None:
            without_sentence = (
                case.defendants.filter(sentence_parts__isnull=True)
                .exclude(verdict__in=[Defendant.Verdict.ACQUITTED, Defendant.Verdict.DISMISSED])
                .order_by("pk")
            )
            for defendant in without_sentence:
                values = {"verdict": defendant.verdict, "in_absentia": defendant.in_absentia}
                apply_verdict(values, self.sentence_for_all_read)
                for name, value in values.items():
                    setattr(defendant, name, value)
                defendant.save()
                set_sentence(defendant, self.sentence_for_all_read.parts)
        if self.charges_for_all_read:
            for defendant in case.defendants.order_by("pk"):
                set_charges(defendant, self.charges_for_all_read, keep_others=True)
        return added

    def add_unnamed_defendants(self, case):
        count = self.cleaned_data.get("unnamed_count") or 0
        if not count:
            return 0
        sentence = self.unnamed_sentence_read or parse_sentence("")
        values = {"verdict": Defendant.Verdict.PENDING, "in_absentia": False}
        apply_verdict(values, sentence)
        last = case.defendants.order_by("-position").values_list("position", flat=True).first()
        position = (last or 0) + 1
        public = case.is_published and self.rights.publish_person
        for index in range(count):
            person = Person.objects.create(
                name_status=Person.NameStatus.NOT_REPORTED, is_public=public
            )
            defendant = Defendant.objects.create(
                case=case, person=person, position=position + index, **values
            )
            set_sentence(defendant, sentence.parts)
            set_charges(defendant, self.unnamed_charges_read, keep_others=True)
        return count


# The sentence parts of the defendant page ------------------------------------------------


class SentencePartForm(PreloadedAutocompleteForm):
    """A sentence part whose term is typed in years and months ("15 years", "1 to 2 years")
    and stored as months."""

    term = forms.CharField(
        label=_("Term"),
        required=False,
        max_length=100,
        help_text=_("“15 years”, “1 to 2 years”, “18 months”, “3 years 6 months”, “4.5 years”."),
    )

    class Meta:
        model = SentencePart
        # The term is the `term` text field, stored in term_min_months and term_max_months.
        fields = [
            "defendant",
            "kind",
            "regime",
            "hours_per_year",
            "fine_amount",
            "fine_unit",
            "fine_currency",
            "conditions",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        part = self.instance
        if part.pk is not None:
            self.initial["term"] = write_term(part.term_min_months, part.term_max_months)

    def clean_term(self):
        try:
            return parse_term(self.cleaned_data.get("term", ""))
        except ParseError as error:
            raise ValidationError(error.message, code="term") from None

    def clean(self):
        cleaned_data = super().clean()
        if "term" in cleaned_data:
            self.instance.term_min_months, self.instance.term_max_months = cleaned_data["term"]
        return cleaned_data
