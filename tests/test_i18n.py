"""The Dutch catalog is complete, compiled, and actually used when a visitor switches to nl."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import BrandMemberFactory, InfluencerFactory

LC_MESSAGES = Path(settings.BASE_DIR) / "config" / "locale" / "nl" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# %(name)s / %s / %d / %.1f / %%, and {{ var }} left in blocktranslate output: must survive translation.
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[-.0-9]*[sdf%]|\{\{[^}]*\}\}")
FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$')


def parse_po(text: str) -> list[dict]:
    """Entries of a .po file as {"flags": set, "msgid": str, "msgstr[0]": str, ...}; enough for our catalog."""
    entries = []
    for block in text.split("\n\n"):
        entry: dict = {"flags": set()}
        current = None
        for line in block.strip("\n").splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif match := FIELD.match(line):
                current = match.group(1)
                entry[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                entry[current] += ast.literal_eval(line)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def translations(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


@pytest.fixture(scope="module")
def catalog() -> list[dict]:
    entries = parse_po(PO_PATH.read_text(encoding="utf-8"))
    return [entry for entry in entries if entry["msgid"]]  # without the header


def test_parser_reads_the_whole_catalog(catalog: list[dict]) -> None:
    # Guards the checks below against a parser that silently reads nothing.
    assert len(catalog) > 1000
    assert sum("msgid_plural" in entry for entry in catalog) > 20


def test_nl_catalog_has_no_untranslated_or_fuzzy_entries(catalog: list[dict]) -> None:
    fuzzy = [entry["msgid"] for entry in catalog if "fuzzy" in entry["flags"]]
    untranslated = [entry["msgid"] for entry in catalog if not all(translations(entry))]
    assert fuzzy == []
    assert untranslated == []
    header = parse_po(PO_PATH.read_text(encoding="utf-8"))[0]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"]


def test_nl_translations_keep_their_placeholders(catalog: list[dict]) -> None:
    broken = []
    for entry in catalog:
        if "msgid_plural" in entry:
            # The singular may spell out "one" instead of using the count, the plural must keep everything.
            expected = sorted(PLACEHOLDER.findall(entry["msgid_plural"]))
            if sorted(PLACEHOLDER.findall(entry["msgstr[1]"])) != expected:
                broken.append(entry["msgid_plural"])
            if not set(PLACEHOLDER.findall(entry["msgstr[0]"])) <= set(PLACEHOLDER.findall(entry["msgid"])):
                broken.append(entry["msgid"])
        elif sorted(PLACEHOLDER.findall(entry["msgstr"])) != sorted(PLACEHOLDER.findall(entry["msgid"])):
            broken.append(entry["msgid"])
    assert broken == []


def test_mo_is_compiled_from_the_current_po(catalog: list[dict]) -> None:
    """Runtime reads the committed .mo: it must hold every entry of the .po with the same text."""
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalog:
        key = f"{entry['msgctxt']}\x04{entry['msgid']}" if "msgctxt" in entry else entry["msgid"]
        if "msgid_plural" in entry:
            for index in (0, 1):
                if compiled._catalog.get((key, index)) != entry[f"msgstr[{index}]"]:
                    stale.append(entry["msgid"])
        elif compiled._catalog.get(key) != entry["msgstr"]:
            stale.append(entry["msgid"])
    assert stale == [], "run `manage.py compilemessages` after editing the .po"


def switch_to_dutch(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_home_page_in_dutch_after_switching(client) -> None:
    english = client.get("/").content.decode()
    assert '<html lang="en">' in english
    assert "Brands and creators, matched on numbers you can check." in english

    switch_to_dutch(client)
    dutch = client.get("/").content.decode()
    assert '<html lang="nl">' in dutch
    assert "Merken en creators, gematcht op getallen die je kunt controleren." in dutch
    assert "Eerlijke cijfers" in dutch
    assert "Brands and creators, matched on numbers you can check." not in dutch


@pytest.mark.django_db
def test_brand_discovery_page_in_dutch(client) -> None:
    InfluencerFactory()
    client.force_login(BrandMemberFactory().user)
    switch_to_dutch(client)
    response = client.get("/influencers/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert "Filters toepassen" in html  # the filter form's submit button
    assert "Creators filteren" in html
    assert "Apply filters" not in html


# English taxonomy a Dutch page must not show (the seeded niches with a different Dutch name).
ENGLISH_NICHES = ("Fashion", "Travel", "Health", "Pets", "Parenting", "Home &amp; interior", "Art &amp; design")


@pytest.mark.django_db
def test_dutch_discovery_shows_dutch_niche_names_and_decimal_commas(client) -> None:
    InfluencerFactory(
        niches=["fashion", "travel", "home"], engagement_rate=0.0412, follower_growth_30d=0.0131, tier="micro"
    )
    client.force_login(BrandMemberFactory().user)
    english = client.get("/influencers/").content.decode()
    assert "Home &amp; interior" in english
    assert "4.1\u00a0%" in english

    switch_to_dutch(client)
    html = client.get("/influencers/").content.decode()

    assert "Wonen &amp; interieur" in html  # on the card and in the niche filter
    assert "Mode" in html
    assert "Reizen" in html
    assert [name for name in ENGLISH_NICHES if f">{name}<" in html] == []
    assert "4,1\u00a0%" in html
    assert "+1,3\u00a0%" in html
    assert not re.search(r"\d\.\d\u00a0%", html)  # no percentage with a decimal point


@pytest.mark.django_db
def test_every_seeded_niche_has_a_dutch_name() -> None:
    from django.utils import translation

    from influencers.taxonomy import NICHES

    with translation.override("nl"):
        untranslated = [name for _slug, name in NICHES if translation.gettext(name) == name]
    # Names Dutch uses as they are (Beauty, Fitness, Lifestyle, Gaming, Tech) are translated to themselves.
    assert set(untranslated) <= {"Beauty", "Fitness", "Lifestyle", "Gaming", "Tech"}


# --- money and reputation (issue #18) and giveaway draws, in Dutch ---------------------------------

# Phrases of the ledger page, its review form, the score panels, payment terms and draw pages: none may be
# left in English once the visitor chose Dutch (each was English before the catalog covered these pages).
ENGLISH_PHRASES = [
    "Payments and reviews",
    "No money moves through Invloed",
    "Back to the collaboration",
    "Payment terms",
    "pays within",
    "Pays on time",
    "Delivers on time",
    "Rated by brands",
    "Rated by creators",
    "not enough history",
    "data points in the last",
    "definition",
    "Sent, waiting for the creator",
    "Marked sent",
    "Mark payment sent",
    "Amount sent",
    "Payment reference",
    "Confirm payment received",
    "Dispute payment",
    "What is wrong?",
    "Review the creator",
    "Review the brand",
    "Brief clarity",
    "Punctuality",
    "Communication",
    "Comment (optional)",
    "Publish review",
    "Once per collaboration",
    "No published reviews yet",
    "review of the brand",
    "Your reply (once)",
    "We pay within",
    "Save payment terms",
    "30 days",
    "Giveaway draw",
    "Entries close on",
    "Commitment published",
    "Winners to draw",
    "Eligible entries",
    "Duplicates removed",
    "Draw the winners",
    "Verify it yourself",
    "Entry rule and counts",
]


def visible_text(html: str) -> str:
    """The page's text and its attributes people read (titles, labels), tags and scripts removed."""
    html = re.sub(r"(?s)<script.*?</script>|<style.*?</style>", " ", html)
    readable = " ".join(re.findall(r'(?:title|placeholder|aria-label|alt)="([^"]*)"', html))
    return re.sub(r"(?s)<[^>]+>", " ", html).replace("&#x27;", "'").replace("&quot;", '"') + " " + readable


def english_left(text: str) -> list[str]:
    return [phrase for phrase in ENGLISH_PHRASES if phrase in text]


@pytest.mark.django_db
def test_ledger_review_form_terms_and_draw_pages_are_dutch(client) -> None:
    from django.utils import timezone

    from campaigns.ledger_models import LedgerEntry
    from campaigns.services import ledger_payment_mark_sent, review_submit
    from tests.factories import BrandMemberFactory, GiveawayDrawFactory
    from tests.ledger_data import approved_collaboration

    collaboration = approved_collaboration(complete=True)
    brand = collaboration.campaign.brand.members.first().user
    payable = LedgerEntry.objects.get(collaboration=collaboration)
    ledger = f"/collaborations/{collaboration.pk}/ledger/"
    client.force_login(brand)
    english = visible_text(client.get(ledger).content.decode())
    assert "Mark payment sent" in english  # the phrases are really on the page in English
    assert "Review the creator" in english

    switch_to_dutch(client)
    pages = {"ledger with the brand's payment and review forms": client.get(ledger)}
    pages["payment terms"] = client.get("/brand/payment-terms/")
    ledger_payment_mark_sent(payable=payable, by=brand, amount_cents=35000, sent_on=timezone.localdate())
    client.force_login(collaboration.influencer.user)
    switch_to_dutch(client)
    pages["ledger with the creator's confirm/dispute and review forms"] = client.get(ledger)
    for party, ratings in (
        (collaboration.influencer.user, {"brief_clarity": 4, "communication": 5, "payment": 3}),
        (brand, {"quality": 4, "communication": 5, "punctuality": 3}),
    ):
        review_submit(collaboration=collaboration, by=party, ratings=ratings)
    pages["ledger with both published reviews"] = client.get(ledger)
    draw = GiveawayDrawFactory()
    client.force_login(BrandMemberFactory(brand=draw.collaboration.campaign.brand).user)
    switch_to_dutch(client)
    pages["draw page of the parties"] = client.get(f"/giveaways/draws/collaborations/{draw.collaboration.pk}/")
    pages["public draw page"] = client.get(f"/giveaways/draws/{draw.public_id}/")

    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        assert '<html lang="nl">' in html, name
        assert english_left(visible_text(html)) == [], name
    dutch = visible_text(pages["ledger with the brand's payment and review forms"].content.decode())
    assert "Betalingen en beoordelingen" in dutch
    assert "Beoordeel de creator" in dutch
    assert "Stiptheid" in dutch
