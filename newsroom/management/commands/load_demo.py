"""Record the demo story: the Almaty extremism trial of thirteen opposition activists.

Every fact comes from the project's seed report and nothing more: where the report is silent
(the verdict date, nine names, the court, article numbers) the data says "not reported".
Running the command again changes nothing.
"""

import hashlib

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from cases.models import Case, CaseEvent, Charge, Defendant, DefendantCharge, SentencePart
from newsroom.models import ABOUT_PAGE_SLUG, Article, Page, Source
from newsroom.partial_dates import PartialDate
from people.models import Designation, Membership, Organization, Person, PersonName, Script

ALMATY_CASE_SLUG = "almaty-trial-of-thirteen-opposition-activists"
DEMO_STORY_SLUG = "almaty-court-sentences-thirteen-opposition-activists"
RESIDENCE_RESTRICTION = "may not change residence or leave the Almaty city limits"

NAMED_DEFENDANTS = [
    ("Abai Begimbetov", "Абай Бегимбетов", ["Abay Begimbetov"]),
    ("Askhat Zheksebaev", "Асхат Жексебаев", ["Askhat Zheksebayev", "Asqat Jeksebaev"]),
    ("Qairat Qylyshev", "Қайрат Қылышев", ["Kairat Kylyshev"]),
    ("Noyan Rakhymzhanov", "Ноян Рахымжанов", ["Noyan Rakhimzhanov"]),
]
UNNAMED_WITH_LABOUR = 7
UNNAMED_WITHOUT_LABOUR = 2

STORY_BODY = """\
A court in Almaty has sentenced thirteen opposition activists on charges linked to
"extremism". Four of them were given five years in prison. The other nine were handed terms of
"restricted freedom", a regime of parole-like restrictions, of between one and two years.

The report of the verdict names the four who were sent to prison: Abai Begimbetov, Askhat
Zheksebaev, Qairat Qylyshev and Noyan Rakhymzhanov. The names of the other nine were not
reported. Seven of them must also do 100 hours of compulsory labour a year. All nine may not
change their place of residence or leave the city limits of Almaty.

The report does not give the date of the verdict, name the court, or cite the articles of the
criminal code under which the activists were convicted.

## A hearing by video link

The defendants followed the trial by video from a remand prison, where they were held before
the verdict. Several times the hearing was halted as they chanted "We are not extremists!". They
reject the charges, and say they did no more than join peaceful protests and use rights that
Kazakhstan's constitution guarantees.

## A banned movement

All thirteen are described as activists of Democratic Choice of Kazakhstan (DVK), an opposition
movement that the government designated an "extremist" organization in March 2018, and of the
Koshe party, which is linked to it. Several hundred people have been prosecuted for membership
of the Koshe party, by the report's approximate count.

DVK is led by Mukhtar Ablyazov, a businessman who lives in exile and speaks out against the
Kazakh authorities. A former energy minister and former head of BTA Bank, he has been convicted
in absentia of murder and embezzlement in a separate case, and has fought several battles
against extradition over accusations that he embezzled billions.

## Reactions

The Kazakhstan International Bureau for Human Rights and the Rule of Law condemned the sentences.
In its view, the authoritarian system will not allow people who want democratic change to
organise together. Earlier in the same year Human Rights Watch criticised the Kazakh government
for using anti-extremism laws to persecute critics and civic activists.

The authorities maintain that Kazakhstan has no political prisoners.
"""


ABOUT_PAGE_TITLE = "About us: whom we list, and on whose word"
ABOUT_PAGE_BODY = """\
## Whom we list

Newsroom reports on people prosecuted for their views: activists, journalists, bloggers,
lawyers and members of opposition movements who face criminal cases for what they said, wrote
or peacefully organised.

Our records also hold other people who appear in the same stories and cases: co-defendants,
the leaders of the organizations concerned, people convicted of other offences. We list them
because readers need them to understand a case. Being in our records does not mean that we
consider someone a political prisoner.

## Who is recognised, and by whom

We do not decide ourselves who is a political prisoner. A person's page says "Recognised as a
political prisoner" only when a named human-rights organization has said so publicly, and it
gives the date and a link to that organization's statement. When no organization in our records
has said so, the page says that too: "Not recognised as a political prisoner by any organization
in our records". That can mean that no organization has examined the case yet, or that we have
not recorded its statement; it is not our judgement that the prosecution was fair.

The people list can be narrowed to those recognised by a named organization, and the home page
says how many of the people in prison now are.

## Sources

Every fact in our records comes from a source we name: court documents, lawyers, families,
human-rights organizations and other media. A fact the sources do not give is marked as not
reported, never guessed. Dates are as precise as the sources make them.

## Names

Some people are listed without a name: because the sources did not report it, or because
publishing it could put them at risk. They still count in every number.

## Corrections

When we get something wrong, we correct it and say so under the story.
"""


def demo_person_slug(number):
    """A stable neutral slug for the demo's unnamed defendants, so reruns find the same rows."""
    digest = hashlib.sha256(f"demo-almaty-unnamed-{number}".encode()).hexdigest()
    return f"person-{digest[:10]}"


class Command(BaseCommand):
    help = "Load the demo story (the Almaty extremism trial) and its records. Safe to rerun."

    @transaction.atomic
    def handle(self, *args, **options):
        created_before = self.count_rows()
        story = self.load_story()
        organizations = self.load_organizations(story)
        self.load_almaty_case(story, organizations)
        self.load_ablyazov(story, organizations)
        self.load_about_page()
        created = self.count_rows() - created_before
        self.stdout.write(self.style.SUCCESS(f"Demo story loaded ({created} new rows)."))

    def count_rows(self):
        models = [Article, Page, Source, Organization, Person, PersonName, Membership]
        models += [Designation]
        models += [Case, Charge, Defendant, DefendantCharge, SentencePart, CaseEvent]
        return sum(model.objects.count() for model in models)

    def load_story(self):
        story, _ = Article.objects.get_or_create(
            slug=DEMO_STORY_SLUG,
            defaults={
                "headline": "Almaty court sentences 13 opposition activists on extremism charges",
                "standfirst": (
                    "Four activists of the banned Democratic Choice of Kazakhstan movement get "
                    "five years in prison; nine others, whose names were not reported, get "
                    "restricted freedom."
                ),
                "body": STORY_BODY,
                "dateline": "ALMATY",
                "byline": "Newsroom staff",
                "status": Article.Status.PUBLISHED,
                "publish_at": timezone.now(),
            },
        )
        return story

    def load_organizations(self, story):
        def organization(slug, alternate_names=(), **fields):
            org, _ = Organization.objects.get_or_create(
                slug=slug, defaults={"is_public": True, **fields}
            )
            if fields.get("short_name") and not org.short_name:
                # Recorded before the demo had short names: searches for "HRW" find it now.
                org.short_name = fields["short_name"]
                org.save()
            for name, script, language in alternate_names:
                org.alternate_names.get_or_create(
                    name=name, defaults={"script": script, "language": language}
                )
            org.stories.add(story)
            return org

        dvk = organization(
            "democratic-choice-of-kazakhstan",
            name="Democratic Choice of Kazakhstan",
            short_name="DVK",
            native_name="Демократический выбор Казахстана",
            kind=Organization.Kind.MOVEMENT,
            country="KZ",
            summary=(
                "A banned opposition movement, led by Mukhtar Ablyazov. The government "
                "designated it an “extremist” organization in March 2018."
            ),
            alternate_names=[
                ("Демократический выбор Казахстана", Script.CYRILLIC, "ru"),
                ("ДВК", Script.CYRILLIC, "ru"),
                ("Demokraticheskiy Vybor Kazakhstana", Script.LATIN, "ru"),
            ],
        )
        Designation.objects.get_or_create(
            organization=dvk,
            label=Designation.Label.EXTREMIST,
            defaults={
                "authority": "Government of Kazakhstan",
                "country": "KZ",
                "designated_on": PartialDate(2018, 3),
            },
        )
        koshe = organization(
            "koshe-party",
            name="Koshe party",
            native_name="Көше партиясы",
            kind=Organization.Kind.PARTY,
            country="KZ",
            summary=(
                "An opposition party linked to Democratic Choice of Kazakhstan. Several "
                "hundred people have been prosecuted for membership in it (an approximate, "
                "reported count)."
            ),
            alternate_names=[
                ("Көше партиясы", Script.CYRILLIC, "kk"),
                ("Köşe party", Script.LATIN, "kk"),
                ("Street Party", Script.LATIN, "en"),
            ],
        )
        kibhr = organization(
            "kazakhstan-international-bureau-for-human-rights-and-the-rule-of-law",
            name="Kazakhstan International Bureau for Human Rights and the Rule of Law",
            kind=Organization.Kind.NGO,
            country="KZ",
            summary=(
                "A human-rights organization. It condemned the sentences in the Almaty trial "
                "of thirteen opposition activists."
            ),
        )
        hrw = organization(
            "human-rights-watch",
            name="Human Rights Watch",
            short_name="HRW",
            kind=Organization.Kind.NGO,
            summary=(
                "An international human-rights organization. In the year of the Almaty verdict "
                "it criticised the Kazakh government for using anti-extremism laws to "
                "persecute critics and civic activists."
            ),
        )
        bta = organization(
            "bta-bank",
            name="BTA Bank",
            kind=Organization.Kind.COMPANY,
            country="KZ",
            summary="A bank that Mukhtar Ablyazov once headed.",
        )
        return {"dvk": dvk, "koshe": koshe, "kibhr": kibhr, "hrw": hrw, "bta": bta}

    def person(self, slug, story, alternate_names=(), **fields):
        person, _ = Person.objects.get_or_create(slug=slug, defaults={"is_public": True, **fields})
        for name, script, language in alternate_names:
            person.alternate_names.get_or_create(
                name=name, defaults={"script": script, "language": language}
            )
        person.stories.add(story)
        return person

    def load_almaty_case(self, story, organizations):
        dvk, koshe = organizations["dvk"], organizations["koshe"]
        source, _ = Source.objects.get_or_create(
            article=story, defaults={"title": story.headline, "publisher": "Newsroom"}
        )
        case, _ = Case.objects.get_or_create(
            slug=ALMATY_CASE_SLUG,
            defaults={
                "title": "Almaty trial of 13 opposition activists",
                "city": "Almaty",
                "country": "KZ",
                "status": Case.Status.SENTENCED,
                "hearing_format": Case.HearingFormat.ONLINE,
                "verdict_date": None,
                "reported_defendant_count": 13,
                "is_published": True,
                "summary": (
                    "Thirteen activists of Democratic Choice of Kazakhstan and the Koshe party "
                    "were sentenced on extremism-related charges. They reject the charges and "
                    "say they only took part in peaceful protests and exercised rights that "
                    "the constitution protects."
                ),
            },
        )
        case.organizations.add(dvk, koshe)
        case.sources.add(source)
        case.stories.add(story)
        charge, _ = Charge.objects.get_or_create(
            country="KZ",
            legal_code="Criminal Code of Kazakhstan",
            article="",
            description="Extremism-related charges",
        )

        defendants = []
        for position, (name, native_name, alternate_names) in enumerate(NAMED_DEFENDANTS, 1):
            person = self.person(
                slugify(name),
                story,
                name=name,
                native_name=native_name,
                country="KZ",
                alternate_names=[(native_name, Script.CYRILLIC, "")]
                + [(alt, Script.LATIN, "") for alt in alternate_names],
            )
            parts = [
                {"kind": SentencePart.Kind.PRISON, "term_min_months": 60, "term_max_months": 60}
            ]
            defendants.append((position, person, parts))

        restricted_freedom = {
            "kind": SentencePart.Kind.RESTRICTED_FREEDOM,
            "term_min_months": 12,
            "term_max_months": 24,
            "conditions": RESIDENCE_RESTRICTION,
        }
        labour = {"kind": SentencePart.Kind.COMPULSORY_LABOUR, "hours_per_year": 100}
        for number in range(1, UNNAMED_WITH_LABOUR + UNNAMED_WITHOUT_LABOUR + 1):
            person = self.person(
                demo_person_slug(number),
                story,
                name_status=Person.NameStatus.NOT_REPORTED,
                country="KZ",
            )
            parts = [restricted_freedom] + ([labour] if number <= UNNAMED_WITH_LABOUR else [])
            defendants.append((len(NAMED_DEFENDANTS) + number, person, parts))

        for position, person, parts in defendants:
            defendant, created = Defendant.objects.get_or_create(
                case=case,
                person=person,
                defaults={
                    "position": position,
                    "verdict": Defendant.Verdict.CONVICTED,
                    "plea": Defendant.Plea.REJECTS,
                    "source": source,
                },
            )
            if created:
                for part in parts:
                    defendant.sentence_parts.create(**part)
                DefendantCharge.objects.create(
                    defendant=defendant, charge=charge, outcome=DefendantCharge.Outcome.CONVICTED
                )
            for org in (dvk, koshe):
                Membership.objects.get_or_create(
                    person=person, organization=org, defaults={"role": "activist"}
                )

        events = [
            (
                CaseEvent.Kind.HEARING,
                None,
                "The hearing was held online: the defendants took part by video from a remand "
                "prison. It was interrupted several times by the defendants chanting “We are "
                "not extremists!”.",
            ),
            (
                CaseEvent.Kind.VERDICT,
                None,
                "All 13 defendants were sentenced: four to five years in prison, nine to "
                "restricted freedom of one to two years. The verdict date was not reported.",
            ),
            (
                CaseEvent.Kind.STATEMENT,
                organizations["kibhr"],
                "Condemned the sentences: in its view the authoritarian system will not allow "
                "people who want democratic change to organise together.",
            ),
        ]
        for kind, organization, description in events:
            CaseEvent.objects.get_or_create(
                case=case,
                kind=kind,
                organization=organization,
                defaults={"description": description, "source": source},
            )

    def load_about_page(self):
        Page.objects.get_or_create(
            slug=ABOUT_PAGE_SLUG,
            defaults={"title": ABOUT_PAGE_TITLE, "body": ABOUT_PAGE_BODY, "is_published": True},
        )

    def load_ablyazov(self, story, organizations):
        ablyazov = self.person(
            "mukhtar-ablyazov",
            story,
            name="Mukhtar Ablyazov",
            native_name="Мұхтар Әблязов",
            country="KZ",
            summary=(
                "A businessman living in exile and an outspoken critic of the Kazakh "
                "authorities; leader of Democratic Choice of Kazakhstan; former Energy Minister "
                "of Kazakhstan and former head of BTA Bank. He has been convicted in absentia "
                "of murder and embezzlement, and has fought several extradition battles over "
                "accusations that he embezzled billions."
            ),
            alternate_names=[
                ("Мұхтар Әблязов", Script.CYRILLIC, "kk"),
                ("Мухтар Аблязов", Script.CYRILLIC, "ru"),
                ("Mukhtar Abliazov", Script.LATIN, ""),
            ],
        )
        Membership.objects.get_or_create(
            person=ablyazov, organization=organizations["dvk"], defaults={"role": "leader"}
        )
        Membership.objects.get_or_create(
            person=ablyazov,
            organization=organizations["bta"],
            defaults={"role": "head", "has_ended": True},
        )
        case, _ = Case.objects.get_or_create(
            slug="mukhtar-ablyazov-in-absentia",
            defaults={
                "title": "Mukhtar Ablyazov, convicted in absentia",
                "country": "KZ",
                "status": Case.Status.SENTENCED,
                "reported_defendant_count": 1,
                "is_published": True,
                "summary": (
                    "A case separate from the Almaty trial: Mukhtar Ablyazov was convicted in "
                    "absentia of murder and embezzlement. The court, the date and the sentence "
                    "are not given in our source."
                ),
            },
        )
        case.stories.add(story)
        defendant, created = Defendant.objects.get_or_create(
            case=case,
            person=ablyazov,
            defaults={"position": 1, "verdict": Defendant.Verdict.CONVICTED, "in_absentia": True},
        )
        if created:
            for description in ("Murder", "Embezzlement"):
                charge, _ = Charge.objects.get_or_create(
                    country="KZ", legal_code="", article="", description=description
                )
                DefendantCharge.objects.create(
                    defendant=defendant, charge=charge, outcome=DefendantCharge.Outcome.CONVICTED
                )
