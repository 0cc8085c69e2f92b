"""Two editors saving the same record: the second save is refused, nothing is lost.

Also: who else opened or saved a record in the last minutes is named on opening it, and the
changes shown on a refusal and on the history's "What changed" page show whole texts with the
changed words marked. Saving again after a refusal merges: tests/test_edit_merge.py.
"""

import datetime

import pytest
import time_machine
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from cases.models import Case, Charge, Defendant
from newsroom.models import Article, Source
from tests.accounts import signed_in_editor
from tests.factories import (
    ArticleFactory,
    CaseEventFactory,
    CaseFactory,
    ChargeFactory,
    CorrectionFactory,
    DefendantChargeFactory,
    DefendantFactory,
    DesignationFactory,
    MembershipFactory,
    OrganizationFactory,
    OrganizationNameFactory,
    PageFactory,
    PersonFactory,
    PersonNameFactory,
    SentencePartFactory,
    SourceFactory,
)
from tests.history_forms import admin_url, form_data, open_change_form

pytestmark = pytest.mark.django_db


def save(client, obj, data):
    return client.post(admin_url(type(obj), "change", obj.pk), data)


@pytest.fixture
def story_conflict(alice, bob):
    """Alice and Bob open the same story; Alice saves a new headline, then Bob saves his."""
    story = ArticleFactory(headline="Court jails activist", standfirst="Old standfirst.")
    alice_form = open_change_form(alice, story)
    bob_form = open_change_form(bob, story)
    assert (
        save(alice, story, {**alice_form, "headline": "Court jails two activists"}).status_code
        == 302
    )
    response = save(bob, story, {**bob_form, "standfirst": "Bob's new standfirst."})
    return story, response


def test_the_second_save_of_a_story_is_refused(story_conflict):
    story, response = story_conflict
    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in response.text


def test_the_refusal_names_who_changed_what_from_which_value_to_which(story_conflict):
    _, response = story_conflict
    assert "Saved by alice" in response.text
    assert "Headline: “Court jails activist” → “Court jails two activists”" in response.text


def test_the_refused_editors_input_is_kept_in_the_form(story_conflict):
    _, response = story_conflict
    assert form_data(response, "article_form")["standfirst"] == "Bob's new standfirst."


def test_the_refused_save_overwrites_nothing(story_conflict):
    story, _ = story_conflict
    story.refresh_from_db()
    assert story.headline == "Court jails two activists"
    assert story.standfirst == "Old standfirst."


def test_saving_again_after_the_refusal_applies_only_the_second_editors_changes(
    story_conflict, bob
):
    story, response = story_conflict
    assert save(bob, story, form_data(response, "article_form")).status_code == 302
    story.refresh_from_db()
    assert story.standfirst == "Bob's new standfirst."
    # Bob's form still held the headline he had opened, but he did not change it: Alice's stays.
    assert story.headline == "Court jails two activists"


def test_both_editors_versions_are_in_the_history_after_saving_again(story_conflict, bob):
    story, response = story_conflict
    save(bob, story, form_data(response, "article_form"))
    versions = Version.objects.get_for_object(story).select_related("revision__user")
    assert [v.revision.user.username for v in reversed(versions)] == ["alice", "bob"]
    saved = [(v.field_dict["headline"], v.field_dict["standfirst"]) for v in reversed(versions)]
    assert saved == [
        ("Court jails two activists", "Old standfirst."),
        ("Court jails two activists", "Bob's new standfirst."),
    ]


def test_restoring_the_first_editors_version_brings_back_its_values(story_conflict, bob, alice):
    story, response = story_conflict
    save(bob, story, form_data(response, "article_form"))
    alices = Version.objects.get_for_object(story).filter(revision__user__username="alice").get()
    revert_url = admin_url(Article, "revision", story.pk, alices.pk)
    restore_form = form_data(alice.get(revert_url), "article_form")
    assert alice.post(revert_url, restore_form).status_code == 302
    story.refresh_from_db()
    assert (story.headline, story.standfirst) == ("Court jails two activists", "Old standfirst.")


def test_a_save_without_anyone_else_saving_in_between_goes_through(alice):
    story = ArticleFactory(headline="Old headline")
    response = save(alice, story, {**open_change_form(alice, story), "headline": "New headline"})
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "New headline"


def test_a_form_error_does_not_lose_the_check_for_a_later_conflict(alice, bob):
    """A form sent back for a mistake still carries the state its editor first opened."""
    story = ArticleFactory(headline="Old headline")
    bob_form = open_change_form(bob, story)
    invalid = save(bob, story, {**bob_form, "headline": ""})
    assert invalid.status_code == 200
    save(alice, story, {**open_change_form(alice, story), "headline": "Alice's headline"})
    response = save(bob, story, {**form_data(invalid, "article_form"), "headline": "Bob's"})
    assert "Someone else saved this record after you opened it" in response.text
    story.refresh_from_db()
    assert story.headline == "Alice's headline"


def test_a_tampered_form_token_is_refused(alice):
    story = ArticleFactory(headline="Old headline")
    data = {**open_change_form(alice, story), "headline": "New", "_edit_token": "forged"}
    response = save(alice, story, data)
    assert "This form is out of date" in response.text
    story.refresh_from_db()
    assert story.headline == "Old headline"


def test_a_change_to_a_defendant_inline_refuses_a_stale_save_of_the_case(alice, bob):
    case = CaseFactory(title="Trial of the five")
    defendant = DefendantFactory(case=case, verdict=Defendant.Verdict.PENDING)
    alice_form = open_change_form(alice, case)
    bob_form = open_change_form(bob, case)
    assert save(alice, case, {**alice_form, "defendants-0-verdict": "convicted"}).status_code == 302
    response = save(bob, case, {**bob_form, "city": "Astana"})
    assert response.status_code == 200
    assert f"Defendant “{defendant}”" in response.text
    assert "Verdict: “No verdict yet” → “Convicted”" in response.text
    defendant.refresh_from_db()
    case.refresh_from_db()
    assert (defendant.verdict, case.city) == ("convicted", "Almaty")


def test_a_story_linked_by_another_editor_refuses_a_stale_save_of_the_person(alice, bob):
    person = PersonFactory(name="Aigul Example")
    story = ArticleFactory(headline="A story about Aigul")
    alice_form = open_change_form(alice, person)
    bob_form = open_change_form(bob, person)
    assert save(alice, person, {**alice_form, "stories": [str(story.pk)]}).status_code == 302
    response = save(bob, person, {**bob_form, "summary": "Bob's summary."})
    assert "Stories: “(empty)” → “A story about Aigul”" in response.text
    assert list(person.stories.all()) == [story]


@pytest.mark.parametrize(
    ("factory", "field", "value"),
    [(SourceFactory, "title", "Renamed report"), (ChargeFactory, "description", "Renamed")],
    ids=["source", "charge"],
)
def test_records_without_an_updated_time_are_protected_too(alice, bob, factory, field, value):
    obj = factory()
    alice_form = open_change_form(alice, obj)
    bob_form = open_change_form(bob, obj)
    assert save(alice, obj, {**alice_form, field: value}).status_code == 302
    response = save(bob, obj, bob_form)
    assert "Someone else saved this record after you opened it" in response.text
    assert type(obj).objects.get(pk=obj.pk).__dict__[field] == value


def test_the_models_above_have_no_updated_time():
    names = {f.name for model in (Source, Charge) for f in model._meta.get_fields()}
    assert "updated_at" not in names
    assert "updated_at" in {f.name for f in Case._meta.get_fields()}


# For every admin of the three apps: how to build a row, and a field two editors both change
# (with Alice's value and Bob's value).
LOST_UPDATE_CASES = {
    "newsroom.Article": (ArticleFactory, "headline", "Alice's headline", "Bob's headline"),
    "newsroom.Source": (SourceFactory, "title", "Alice's title", "Bob's title"),
    "newsroom.Correction": (CorrectionFactory, "text", "Alice's text.", "Bob's text."),
    "newsroom.Page": (PageFactory, "title", "Alice's title", "Bob's title"),
    "people.Person": (PersonFactory, "summary", "Alice's summary.", "Bob's summary."),
    "people.PersonName": (PersonNameFactory, "name", "Alice Spelling", "Bob Spelling"),
    "people.Organization": (OrganizationFactory, "summary", "Alice's summary.", "Bob's summary."),
    "people.OrganizationName": (OrganizationNameFactory, "name", "Alice Name", "Bob Name"),
    "people.Membership": (MembershipFactory, "role", "leader", "chair"),
    "people.Designation": (DesignationFactory, "authority", "Alice's court", "Bob's court"),
    "cases.Charge": (ChargeFactory, "description", "Alice's offence", "Bob's offence"),
    "cases.Case": (CaseFactory, "city", "Astana", "Shymkent"),
    "cases.Defendant": (DefendantFactory, "notes", "Alice's notes.", "Bob's notes."),
    "cases.SentencePart": (SentencePartFactory, "conditions", "Alice's terms", "Bob's terms"),
    "cases.DefendantCharge": (DefendantChargeFactory, "outcome", "convicted", "acquitted"),
    "cases.CaseEvent": (CaseEventFactory, "description", "Alice's event.", "Bob's event."),
}
THREE_APPS_ADMINS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"newsroom", "people", "cases"}
]


@pytest.mark.parametrize("model", THREE_APPS_ADMINS, ids=lambda model: model._meta.label)
def test_every_admin_page_of_the_three_apps_refuses_lost_updates(alice, bob, model):
    """Bob opens a record, Alice saves a change to it, then Bob saves the form he opened: his
    save is refused with the conflict message, and Alice's value stays."""
    if model._meta.label not in LOST_UPDATE_CASES:
        pytest.fail(f"Add {model._meta.label} to LOST_UPDATE_CASES: every admin is tested.")
    factory, field, alices_value, bobs_value = LOST_UPDATE_CASES[model._meta.label]
    obj = factory()
    bob_form = open_change_form(bob, obj)
    assert bob_form[field] not in (alices_value, bobs_value)

    alice_saves = save(alice, obj, {**open_change_form(alice, obj), field: alices_value})
    assert alice_saves.status_code == 302, alice_saves.context["adminform"].form.errors
    response = save(bob, obj, {**bob_form, field: bobs_value})

    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in response.text
    assert "Saved by alice" in response.text
    assert form_data(response, f"{model._meta.model_name}_form")[field] == bobs_value
    assert getattr(model.objects.get(pk=obj.pk), field) == alices_value


# Who else has the record open ----------------------------------------------------------------

NOW = datetime.datetime(2026, 5, 4, 10, 0, tzinfo=datetime.UTC)


def open_at(client, obj, when):
    with time_machine.travel(when, tick=False):
        response = client.get(admin_url(type(obj), "change", obj.pk))
    assert response.status_code == 200
    assert f'id="{obj._meta.model_name}_form"' in response.text
    return response


def test_opening_a_record_someone_else_opened_names_them_and_when(alice, bob):
    person = PersonFactory()
    open_at(alice, person, NOW)
    response = open_at(bob, person, NOW + datetime.timedelta(minutes=3))
    assert "alice opened this record 3 minutes ago." in response.text


def test_your_own_opening_does_not_warn_you(alice):
    person = PersonFactory()
    open_at(alice, person, NOW)
    response = open_at(alice, person, NOW + datetime.timedelta(minutes=1))
    assert 'id="edit-presence"' not in response.text
    assert "opened this record" not in response.text


def test_both_editors_who_opened_a_record_are_told_about_each_other(alice, bob):
    case = CaseFactory()
    open_at(alice, case, NOW)
    open_at(bob, case, NOW)
    response = open_at(alice, case, NOW + datetime.timedelta(seconds=30))
    assert "bob opened this record less than a minute ago." in response.text


def test_opening_a_record_someone_saved_minutes_ago_says_who(alice, bob):
    story = ArticleFactory(headline="Old headline")
    data = form_data(open_at(alice, story, NOW), "article_form")
    with time_machine.travel(NOW, tick=False):
        assert save(alice, story, {**data, "headline": "New headline"}).status_code == 302
    response = open_at(bob, story, NOW + datetime.timedelta(minutes=2))
    assert "Saved by alice 2 minutes ago." in response.text
    assert "alice opened this record" not in response.text  # Her save is the latest news.


def test_openings_and_saves_older_than_the_window_are_not_mentioned(alice, bob, settings):
    settings.NEWSROOM_EDIT_PRESENCE_MINUTES = 5
    story = ArticleFactory(headline="Old headline")
    data = form_data(open_at(alice, story, NOW), "article_form")
    with time_machine.travel(NOW, tick=False):
        assert save(alice, story, {**data, "headline": "New headline"}).status_code == 302
    assert (
        "Saved by alice 4 minutes ago."
        in open_at(bob, story, NOW + datetime.timedelta(minutes=4)).text
    )
    later = open_at(bob, story, NOW + datetime.timedelta(minutes=6))
    assert "Saved by alice" not in later.text
    assert 'id="edit-presence"' not in later.text


def test_the_notices_cost_no_more_queries_with_more_editors(django_user_model, alice):
    story = ArticleFactory(headline="Headline 0")

    def others_open_and_save(names):
        for name in names:
            other = signed_in_editor(django_user_model, name)
            data = open_change_form(other, story)
            assert save(other, story, {**data, "headline": f"By {name}"}).status_code == 302
            open_change_form(other, story)

    def queries_on_opening():
        with CaptureQueriesContext(connection) as queries:
            response = alice.get(admin_url(Article, "change", story.pk))
        assert response.status_code == 200
        return len(queries), response.text

    others_open_and_save(["carol"])
    with_one, page = queries_on_opening()
    assert "carol opened this record" in page
    others_open_and_save(["dana", "erik", "fatima", "gulnara"])
    with_five, page = queries_on_opening()
    assert all(f"{name} opened this record" in page for name in ("carol", "gulnara"))
    assert with_five == with_one


def test_the_presence_notice_is_escaped(django_user_model, bob):
    mallory = signed_in_editor(django_user_model, "mallory")
    user = django_user_model.objects.get(username="mallory")
    user.first_name, user.last_name = "<b>Mal", "Lory</b>"
    user.save()
    person = PersonFactory()
    open_at(mallory, person, NOW)
    response = open_at(bob, person, NOW)
    assert "&lt;b&gt;Mal Lory&lt;/b&gt; opened this record" in response.text


# Whole texts with the changed words marked --------------------------------------------------

LONG_SUMMARY = (
    "Aigul Example, a journalist from Almaty, was detained after covering a protest; "
    "the court heard the case behind closed doors and refused to admit the press. "
) * 13 + "She was sentenced in Almaty."


def summary_conflict(alice, bob, new_summary):
    """Alice and Bob open a person; Alice saves `new_summary`, then Bob's save is refused.
    Returns the person and Bob's refusal page."""
    person = PersonFactory(summary=LONG_SUMMARY, country="KZ")
    assert save(alice, person, open_change_form(alice, person)).status_code == 302
    alice_form = open_change_form(alice, person)
    bob_form = open_change_form(bob, person)
    assert save(alice, person, {**alice_form, "summary": new_summary}).status_code == 302
    response = save(bob, person, {**bob_form, "country": "KG"})
    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in response.text
    return person, response


def what_changed_page(client, obj):
    latest = Version.objects.get_for_object(obj).first()
    response = client.get(admin_url(type(obj), "changes", obj.pk, latest.pk))
    assert response.status_code == 200
    return response


def test_a_change_to_the_last_word_of_a_long_summary_is_shown_marked(alice, bob):
    assert len(LONG_SUMMARY) > 2000
    new_summary = LONG_SUMMARY.removesuffix("Almaty.") + "Astana."
    person, refusal = summary_conflict(alice, bob, new_summary)
    marked = "She was sentenced in <del>Almaty.</del><ins>Astana.</ins>"
    assert marked in refusal.text
    assert LONG_SUMMARY[:200] in refusal.text  # The whole text, not a shortened one.
    history = what_changed_page(alice, person)
    assert marked in history.text
    assert LONG_SUMMARY[:200] in history.text


def test_markup_typed_into_a_summary_is_shown_escaped_in_the_diffs(alice, bob):
    new_summary = LONG_SUMMARY + " <script>alert('x')</script>"
    person, refusal = summary_conflict(alice, bob, new_summary)
    escaped = "<ins>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</ins>"
    for page in (refusal, what_changed_page(alice, person)):
        assert escaped in page.text
        assert "<script>alert(" not in page.text


def test_markup_in_a_short_changed_value_is_shown_escaped(alice, bob):
    story = ArticleFactory(headline="Court jails activist")
    alice_form = open_change_form(alice, story)
    bob_form = open_change_form(bob, story)
    assert save(alice, story, {**alice_form, "headline": "<i>Court</i>"}).status_code == 302
    response = save(bob, story, {**bob_form, "byline": "Bob"})
    assert "“Court jails activist” → “&lt;i&gt;Court&lt;/i&gt;”" in response.text
    assert "<i>Court</i>" not in response.text
