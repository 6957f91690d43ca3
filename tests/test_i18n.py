"""English and Italian: the language follows the switcher, the user's preference, then the browser."""

import gettext
import re
from pathlib import Path

from django.conf import settings

LOGIN = "/scp/login"
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "it" / "LC_MESSAGES" / "django.po"


def test_browser_asking_for_italian_gets_italian(client, db):
    response = client.get(LOGIN, headers={"accept-language": "it-IT,it;q=0.9"})

    assert "Accedi per gestire i ticket." in response.text
    assert '<html lang="it"' in response.text


def test_browser_asking_for_english_gets_english(client, db):
    response = client.get(LOGIN, headers={"accept-language": "en-GB"})

    assert "Sign in to work on tickets." in response.text


def test_agent_preference_beats_the_browser(client, alice):
    alice.user.language = "it"
    alice.user.save()
    client.force_login(alice.user)

    response = client.get("/scp/", headers={"accept-language": "en"})

    assert "Ticket aperti" in response.text


def test_language_switcher_beats_the_saved_preference(client, alice):
    alice.user.language = "it"
    alice.user.save()
    client.force_login(alice.user)

    client.post("/i18n/setlang/", {"language": "en", "next": "/scp/"})
    response = client.get("/scp/")

    assert "Open tickets" in response.text


def _untranslated(entry: str) -> bool:
    lines = entry.strip().splitlines()
    for i, line in enumerate(lines):
        empty = re.fullmatch(r'msgstr(\[\d\])? ""', line)
        if empty and (i + 1 == len(lines) or not lines[i + 1].startswith('"')):
            return True
    return False


def test_italian_catalogue_has_no_missing_or_fuzzy_translations():
    text = CATALOGUE.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header

    missing = [entry for entry in entries if _untranslated(entry)]

    assert not missing, missing[:3]
    assert "#, fuzzy" not in text


def test_compiled_catalogue_holds_every_message_of_the_source():
    with CATALOGUE.with_suffix(".mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    compiled_ids = {key if isinstance(key, str) else key[0] for key in catalog} - {""}

    assert len(compiled_ids) == CATALOGUE.read_text(encoding="utf-8").count("\nmsgid ") - 1
