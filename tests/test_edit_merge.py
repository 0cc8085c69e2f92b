"""Saving again after a refused save merges: neither editor loses work.

Two editors (two signed-in clients) open the same record, each form read from the rendered page
and posted back whole, as a browser does. Alice saves first. Bob's save is refused once (with
what Alice changed); saving the refused form again applies only what Bob changed, on top of
Alice's version: the fields, links and inline rows he did not touch keep Alice's values.
"""

import pytest

from cases.models import DefendantCharge, SentencePart
from newsroom.models import Article
from people.models import Designation, Membership, OrganizationName, PersonName
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
    PersonFactory,
    PersonNameFactory,
    SentencePartFactory,
)
from tests.history_forms import add_inline_row, admin_url, form_data

pytestmark = pytest.mark.django_db

REFUSED = "Someone else saved this record after you opened it"


def form_id(obj):
    return f"{obj._meta.model_name}_form"


def open_form(client, obj):
    """GET the change form: the page, and what saving it unchanged would post."""
    response = client.get(admin_url(type(obj), "change", obj.pk))
    assert response.status_code == 200
    return response, form_data(response, form_id(obj))


def save(client, obj, data):
    return client.post(admin_url(type(obj), "change", obj.pk), data)


def saved(client, obj, data):
    response = save(client, obj, data)
    assert response.status_code == 302, errors_on(response)
    return response


def errors_on(response):
    if response.status_code != 200 or response.context is None:
        return response.status_code
    errors = [response.context["adminform"].form.errors]
    errors += [f.errors for f in response.context["inline_admin_formsets"] for f in [f.formset]]
    return errors


def refused_then_saved_again(client, obj, data):
    """Post `data`: refused once, since someone else saved in between; then the editor saves the
    refused form as it came back, which goes through. Returns the refusal page."""
    refusal = save(client, obj, data)
    assert refusal.status_code == 200
    assert REFUSED in refusal.text
    saved(client, obj, form_data(refusal, form_id(obj)))
    return refusal


def row(data, prefix, field, value):
    """The prefix ("memberships-1") of the inline row whose `field` is `value`."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for number in range(total):
        if data.get(f"{prefix}-{number}-{field}") == str(value):
            return f"{prefix}-{number}"
    raise AssertionError(f"no row of {prefix} with {field}={value!r}")


# The record's own fields and links ------------------------------------------------------------


def test_fields_changed_by_each_editor_are_both_kept(alice, bob):
    person = PersonFactory(summary="Old summary.", country="KZ")
    _, alice_form = open_form(alice, person)
    _, bob_form = open_form(bob, person)
    saved(alice, person, {**alice_form, "summary": "Alice's summary."})
    refused_then_saved_again(bob, person, {**bob_form, "country": "KG"})
    person.refresh_from_db()
    assert (person.summary, person.country) == ("Alice's summary.", "KG")


def test_a_field_both_changed_is_flagged_and_saving_again_applies_the_second_value(alice, bob):
    story = ArticleFactory(headline="Court jails activist", standfirst="Old standfirst.")
    _, alice_form = open_form(alice, story)
    _, bob_form = open_form(bob, story)
    saved(
        alice,
        story,
        {**alice_form, "headline": "Alice's headline", "standfirst": "Alice's standfirst."},
    )
    refusal = refused_then_saved_again(bob, story, {**bob_form, "headline": "Bob's headline"})
    assert "Headline: “Court jails activist” → “Alice&#x27;s headline”" in refusal.text
    assert "You changed this too" in refusal.text
    assert form_data(refusal, "article_form")["headline"] == "Bob's headline"
    story.refresh_from_db()
    assert (story.headline, story.standfirst) == ("Bob's headline", "Alice's standfirst.")


def test_a_field_only_the_other_editor_changed_is_not_flagged(alice, bob):
    story = ArticleFactory(headline="Court jails activist")
    _, alice_form = open_form(alice, story)
    _, bob_form = open_form(bob, story)
    saved(alice, story, {**alice_form, "headline": "Alice's headline"})
    refusal = save(bob, story, {**bob_form, "byline": "Bob"})
    assert "Headline: “Court jails activist” → “Alice&#x27;s headline”" in refusal.text
    assert "You changed this too" not in refusal.text


def test_links_added_by_both_editors_are_all_kept(alice, bob):
    person = PersonFactory()
    alices_story, bobs_story = ArticleFactory(), ArticleFactory()
    _, alice_form = open_form(alice, person)
    _, bob_form = open_form(bob, person)
    saved(alice, person, {**alice_form, "stories": [str(alices_story.pk)]})
    refused_then_saved_again(bob, person, {**bob_form, "stories": [str(bobs_story.pk)]})
    assert set(person.stories.all()) == {alices_story, bobs_story}


def test_a_link_one_editor_removed_stays_removed_when_the_other_adds_one(alice, bob):
    person = PersonFactory()
    removed, kept, added = ArticleFactory(), ArticleFactory(), ArticleFactory()
    person.stories.add(removed, kept)
    _, alice_form = open_form(alice, person)
    _, bob_form = open_form(bob, person)
    saved(alice, person, {**alice_form, "stories": [str(kept.pk)]})
    stories = [str(removed.pk), str(kept.pk), str(added.pk)]
    refused_then_saved_again(bob, person, {**bob_form, "stories": stories})
    assert set(person.stories.all()) == {kept, added}


def test_a_save_after_the_refusal_is_refused_again_if_someone_saved_in_between(alice, bob):
    person = PersonFactory(summary="Old summary.", country="KZ", birth_date=None)
    _, alice_form = open_form(alice, person)
    _, bob_form = open_form(bob, person)
    saved(alice, person, {**alice_form, "summary": "Alice's summary."})
    refusal = save(bob, person, {**bob_form, "country": "KG"})
    assert REFUSED in refusal.text
    _, alice_again = open_form(alice, person)
    saved(alice, person, {**alice_again, "birth_date": "1990"})
    second_refusal = save(bob, person, form_data(refusal, "person_form"))
    assert REFUSED in second_refusal.text
    saved(bob, person, form_data(second_refusal, "person_form"))
    person.refresh_from_db()
    assert (person.summary, str(person.birth_date), person.country) == (
        "Alice's summary.",
        "1990",
        "KG",
    )


def test_a_reporter_and_an_editor_on_one_draft_both_keep_their_changes(alice, client, reporter):
    story = ArticleFactory(
        status=Article.Status.DRAFT, publish_at=None, headline="Draft", body="Old body."
    )
    client.force_login(reporter)
    _, reporter_form = open_form(client, story)
    _, alice_form = open_form(alice, story)
    saved(alice, story, {**alice_form, "headline": "The editor's headline"})
    refused_then_saved_again(client, story, {**reporter_form, "body": "The reporter's body."})
    story.refresh_from_db()
    assert (story.headline, story.body, story.status) == (
        "The editor's headline",
        "The reporter's body.",
        Article.Status.DRAFT,
    )


def test_a_save_without_a_refusal_first_still_overwrites_nothing(alice, bob):
    """A stale form whose token was never refused is refused; it is not merged silently."""
    person = PersonFactory(summary="Old summary.")
    _, alice_form = open_form(alice, person)
    _, bob_form = open_form(bob, person)
    saved(alice, person, {**alice_form, "summary": "Alice's summary."})
    assert REFUSED in save(bob, person, {**bob_form, "country": "KG"}).text
    person.refresh_from_db()
    assert (person.summary, person.country) == ("Alice's summary.", "KZ")


def test_saving_again_says_the_changes_were_applied_on_top(alice, bob):
    person = PersonFactory(summary="Old summary.")
    _, alice_form = open_form(alice, person)
    _, bob_form = open_form(bob, person)
    saved(alice, person, {**alice_form, "summary": "Alice's summary."})
    refusal = save(bob, person, {**bob_form, "country": "KG"})
    response = bob.post(
        admin_url(type(person), "change", person.pk),
        form_data(refusal, "person_form"),
        follow=True,
    )
    assert response.status_code == 200
    assert "Your changes were applied on top of the changes saved since you opened" in (
        response.text
    )


# Inline rows, one test for each inline of the project ----------------------------------------


def test_person_alternate_name_changed_by_the_other_editor_survives(alice, bob):
    """The editors' report: "save again" undid the other editor's change to an alternate name."""
    person = PersonFactory(summary="Old summary.")
    name = PersonNameFactory(person=person, name="Aigul Exampleova")
    _, alice_form = open_form(alice, person)
    _, bob_form = open_form(bob, person)
    alice_row = row(alice_form, "alternate_names", "id", name.pk)
    saved(alice, person, {**alice_form, f"{alice_row}-name": "Айгүл Экзамплова"})
    refused_then_saved_again(bob, person, {**bob_form, "summary": "Bob's summary."})
    name.refresh_from_db()
    person.refresh_from_db()
    assert (name.name, person.summary) == ("Айгүл Экзамплова", "Bob's summary.")


def test_person_membership_fields_each_editor_changed_are_merged_within_the_row(alice, bob):
    membership = MembershipFactory(role="member", has_ended=False)
    person = membership.person
    _, alice_form = open_form(alice, person)
    _, bob_form = open_form(bob, person)
    alice_row = row(alice_form, "memberships", "id", membership.pk)
    saved(alice, person, {**alice_form, f"{alice_row}-role": "founder"})
    bob_row = row(bob_form, "memberships", "id", membership.pk)
    ended = {f"{bob_row}-end_date": "2021-05", f"{bob_row}-has_ended": "on"}
    refused_then_saved_again(bob, person, {**bob_form, **ended})
    membership.refresh_from_db()
    assert (membership.role, str(membership.end_date), membership.has_ended) == (
        "founder",
        "2021-05",
        True,
    )


def test_organization_alternate_name_changed_by_the_other_editor_survives(alice, bob):
    organization = OrganizationFactory(website="")
    name = OrganizationNameFactory(organization=organization, name="Old other name")
    alice_page, alice_form = open_form(alice, organization)
    _, bob_form = open_form(bob, organization)
    alice_row = row(alice_form, "alternate_names", "id", name.pk)
    alice_form[f"{alice_row}-name"] = "Другое имя"
    add_inline_row(alice_page, alice_form, "organization_form", "alternate_names", name="Ещё")
    saved(alice, organization, alice_form)
    website = "https://example.org/about"
    refused_then_saved_again(bob, organization, {**bob_form, "website": website})
    organization.refresh_from_db()
    assert organization.website == website
    names = OrganizationName.objects.filter(organization=organization).order_by("pk")
    assert list(names.values_list("name", flat=True)) == ["Другое имя", "Ещё"]


def test_organization_designation_deleted_by_the_other_editor_stays_deleted(alice, bob):
    designation = DesignationFactory(authority="A court")
    organization = designation.organization
    _, alice_form = open_form(alice, organization)
    _, bob_form = open_form(bob, organization)
    alice_row = row(alice_form, "designations", "id", designation.pk)
    saved(alice, organization, {**alice_form, f"{alice_row}-DELETE": "on"})
    refusal = refused_then_saved_again(bob, organization, {**bob_form, "summary": "Bob's summary."})
    assert "It is no longer in your form either." in refusal.text
    organization.refresh_from_db()
    assert organization.summary == "Bob's summary."
    assert not Designation.objects.filter(pk=designation.pk).exists()


def test_organization_designation_deleted_by_the_other_editor_comes_back_if_edited(alice, bob):
    designation = DesignationFactory(authority="A court")
    organization = designation.organization
    _, alice_form = open_form(alice, organization)
    _, bob_form = open_form(bob, organization)
    alice_row = row(alice_form, "designations", "id", designation.pk)
    saved(alice, organization, {**alice_form, f"{alice_row}-DELETE": "on"})
    bob_row = row(bob_form, "designations", "id", designation.pk)
    refusal = refused_then_saved_again(
        bob, organization, {**bob_form, f"{bob_row}-authority": "The Supreme Court"}
    )
    assert "You changed this row: saving again adds it back." in refusal.text
    assert list(
        Designation.objects.filter(organization=organization).values_list("authority", flat=True)
    ) == ["The Supreme Court"]


def test_organization_membership_changed_by_the_other_editor_survives(alice, bob):
    organization = OrganizationFactory()
    alices, bobs = (MembershipFactory(organization=organization, role="member") for _ in "ab")
    _, alice_form = open_form(alice, organization)
    _, bob_form = open_form(bob, organization)
    alice_row = row(alice_form, "memberships", "id", alices.pk)
    saved(alice, organization, {**alice_form, f"{alice_row}-role": "chair"})
    bob_row = row(bob_form, "memberships", "id", bobs.pk)
    refused_then_saved_again(bob, organization, {**bob_form, f"{bob_row}-role": "treasurer"})
    roles = dict(Membership.objects.filter(organization=organization).values_list("pk", "role"))
    assert roles == {alices.pk: "chair", bobs.pk: "treasurer"}


def test_case_defendant_changed_by_the_other_editor_survives(alice, bob):
    case = CaseFactory(city="Almaty")
    defendant = DefendantFactory(case=case, verdict="pending")
    _, alice_form = open_form(alice, case)
    _, bob_form = open_form(bob, case)
    alice_row = row(alice_form, "defendants", "id", defendant.pk)
    saved(alice, case, {**alice_form, f"{alice_row}-verdict": "acquitted"})
    refused_then_saved_again(bob, case, {**bob_form, "city": "Astana"})
    defendant.refresh_from_db()
    case.refresh_from_db()
    assert (defendant.verdict, case.city) == ("acquitted", "Astana")


def test_case_defendant_deleted_by_the_other_editor_comes_back_if_edited(alice, bob):
    case = CaseFactory()
    defendant = DefendantFactory(case=case, verdict="pending")
    _, alice_form = open_form(alice, case)
    _, bob_form = open_form(bob, case)
    alice_row = row(alice_form, "defendants", "id", defendant.pk)
    saved(alice, case, {**alice_form, f"{alice_row}-DELETE": "on"})
    bob_row = row(bob_form, "defendants", "id", defendant.pk)
    refusal = refused_then_saved_again(bob, case, {**bob_form, f"{bob_row}-verdict": "convicted"})
    assert "You changed this row: saving again adds it back." in refusal.text
    comeback = case.defendants.get()
    assert (comeback.person_id, comeback.verdict) == (defendant.person_id, "convicted")


def test_case_defendant_sentence_changed_on_the_defendant_page_survives(alice, bob):
    """The case form shows each sentence as text; Bob's stale text must not write it back."""
    case = CaseFactory(city="Almaty")
    defendant = DefendantFactory(case=case)
    part = SentencePartFactory(defendant=defendant, term_min_months=60, term_max_months=60)
    _, bob_form = open_form(bob, case)
    _, alice_form = open_form(alice, defendant)
    alice_row = row(alice_form, "sentence_parts", "id", part.pk)
    saved(alice, defendant, {**alice_form, f"{alice_row}-term": "7 years"})
    refused_then_saved_again(bob, case, {**bob_form, "city": "Astana"})
    case.refresh_from_db()
    assert case.city == "Astana"
    terms = SentencePart.objects.filter(defendant=defendant).values_list(
        "term_min_months", "term_max_months"
    )
    assert list(terms) == [(84, 84)]


def test_case_event_fields_each_editor_changed_are_merged_within_the_row(alice, bob):
    case = CaseFactory()
    event = CaseEventFactory(case=case, kind="hearing", description="A hearing.", date=None)
    _, alice_form = open_form(alice, case)
    _, bob_form = open_form(bob, case)
    alice_row = row(alice_form, "events", "id", event.pk)
    saved(alice, case, {**alice_form, f"{alice_row}-description": "A closed hearing."})
    bob_row = row(bob_form, "events", "id", event.pk)
    refused_then_saved_again(bob, case, {**bob_form, f"{bob_row}-date": "2023-03-03"})
    event.refresh_from_db()
    assert (event.description, str(event.date)) == ("A closed hearing.", "2023-03-03")


def test_defendant_sentence_part_changed_by_the_other_editor_survives(alice, bob):
    defendant = DefendantFactory(notes="")
    part = SentencePartFactory(defendant=defendant, term_min_months=60, term_max_months=60)
    _, alice_form = open_form(alice, defendant)
    _, bob_form = open_form(bob, defendant)
    alice_row = row(alice_form, "sentence_parts", "id", part.pk)
    saved(alice, defendant, {**alice_form, f"{alice_row}-term": "15 years"})
    refused_then_saved_again(bob, defendant, {**bob_form, "notes": "Appeal lodged."})
    part.refresh_from_db()
    defendant.refresh_from_db()
    assert (part.term_min_months, part.term_max_months, defendant.notes) == (
        180,
        180,
        "Appeal lodged.",
    )


def test_defendant_charge_changed_by_the_other_editor_survives(alice, bob):
    defendant = DefendantFactory()
    charge = DefendantChargeFactory(defendant=defendant, outcome="pending")
    added_charge = ChargeFactory()
    _, alice_form = open_form(alice, defendant)
    _, bob_form = open_form(bob, defendant)
    alice_row = row(alice_form, "defendantcharge_set", "id", charge.pk)
    saved(alice, defendant, {**alice_form, f"{alice_row}-outcome": "convicted"})
    new_row = row(bob_form, "defendantcharge_set", "id", "")  # the empty "extra" row
    refused_then_saved_again(
        bob, defendant, {**bob_form, f"{new_row}-charge": str(added_charge.pk)}
    )
    outcomes = dict(
        DefendantCharge.objects.filter(defendant=defendant).values_list("charge", "outcome")
    )
    assert outcomes == {charge.charge_id: "convicted", added_charge.pk: "pending"}


def test_story_person_link_changed_by_the_other_editor_survives(alice, bob):
    story = ArticleFactory(headline="Old headline")
    misnamed, right = PersonFactory(), PersonFactory()
    story.people.add(misnamed)
    _, alice_form = open_form(alice, story)
    _, bob_form = open_form(bob, story)
    alice_row = row(alice_form, "Person_stories", "person", misnamed.pk)
    saved(alice, story, {**alice_form, f"{alice_row}-person": str(right.pk)})
    refused_then_saved_again(bob, story, {**bob_form, "headline": "Bob's headline"})
    story.refresh_from_db()
    assert story.headline == "Bob's headline"
    assert list(story.people.all()) == [right]


def test_story_organization_unlinked_by_the_other_editor_stays_unlinked(alice, bob):
    story = ArticleFactory()
    unlinked, added = OrganizationFactory(), OrganizationFactory()
    story.organizations.add(unlinked)
    _, alice_form = open_form(alice, story)
    bob_page, bob_form = open_form(bob, story)
    alice_row = row(alice_form, "Organization_stories", "organization", unlinked.pk)
    saved(alice, story, {**alice_form, f"{alice_row}-DELETE": "on"})
    add_inline_row(
        bob_page, bob_form, "article_form", "Organization_stories", organization=added.pk
    )
    refused_then_saved_again(bob, story, bob_form)
    assert list(story.organizations.all()) == [added]


def test_story_case_unlinked_by_the_other_editor_stays_unlinked(alice, bob):
    story = ArticleFactory(standfirst="Old standfirst.")
    unlinked, kept = CaseFactory(), CaseFactory()
    story.cases.add(unlinked, kept)
    _, alice_form = open_form(alice, story)
    _, bob_form = open_form(bob, story)
    alice_row = row(alice_form, "Case_stories", "case", unlinked.pk)
    saved(alice, story, {**alice_form, f"{alice_row}-DELETE": "on"})
    refused_then_saved_again(bob, story, {**bob_form, "standfirst": "Bob's standfirst."})
    story.refresh_from_db()
    assert story.standfirst == "Bob's standfirst."
    assert list(story.cases.all()) == [kept]


def test_story_correction_changed_by_the_other_editor_survives(alice, bob):
    story = ArticleFactory(body="The court sat in Almaty.")
    correction = CorrectionFactory(article=story, text="An earlier version misspelt a name.")
    _, alice_form = open_form(alice, story)
    _, bob_form = open_form(bob, story)
    alice_row = row(alice_form, "corrections", "id", correction.pk)
    fixed = "An earlier version misspelt the defendant's name."
    saved(alice, story, {**alice_form, f"{alice_row}-text": fixed})
    refused_then_saved_again(bob, story, {**bob_form, "body": "The court sat in Astana."})
    story.refresh_from_db()
    correction.refresh_from_db()
    assert (story.body, correction.text) == ("The court sat in Astana.", fixed)


def test_a_row_the_other_editor_deleted_and_this_one_did_not_touch_is_not_restored(alice, bob):
    person = PersonFactory(summary="Old summary.")
    deleted = PersonNameFactory(person=person, name="Deleted Name")
    kept = PersonNameFactory(person=person, name="Kept Name")
    _, alice_form = open_form(alice, person)
    _, bob_form = open_form(bob, person)
    alice_row = row(alice_form, "alternate_names", "id", deleted.pk)
    saved(alice, person, {**alice_form, f"{alice_row}-DELETE": "on"})
    bob_row = row(bob_form, "alternate_names", "id", kept.pk)
    refused_then_saved_again(bob, person, {**bob_form, f"{bob_row}-name": "Kept Name Changed"})
    names = PersonName.objects.filter(person=person).values_list("name", flat=True)
    assert list(names) == ["Kept Name Changed"]
