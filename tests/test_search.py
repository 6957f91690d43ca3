"""Staff search: full-text in English and Italian on PostgreSQL (stems, ranking, snippets), icontains elsewhere."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.conftest import signed_in
from tickets import search, services
from tickets.models import Ticket

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")


@pytest.fixture
def as_alice(client, alice):
    return signed_in(client, alice)


def open_ticket(requester, department, subject: str, body: str) -> Ticket:
    return services.open_ticket(requester=requester, subject=subject, body=body, department=department)


def rows(client, words: str) -> list[Ticket]:
    response = client.get("/scp/", {"q": words})
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def highlights(client, words: str) -> list[str]:
    return [ticket.__dict__["search_highlight"] for ticket in rows(client, words)]


def subjects(client, words: str) -> list[str]:
    return [ticket.subject for ticket in rows(client, words)]


def test_search_finds_a_word_of_the_thread(as_alice, carol, support):
    open_ticket(carol, support, "Office question", "The toner is empty.")
    open_ticket(carol, support, "Other question", "Nothing to see.")

    assert subjects(as_alice, "toner") == ["Office question"]


@postgres_only
def test_english_search_finds_other_forms_of_the_word(as_alice, carol, support):
    open_ticket(carol, support, "Office question", "Our printer jams on every page.")

    assert subjects(as_alice, "printers") == ["Office question"]


@postgres_only
def test_italian_search_finds_other_forms_of_the_word(as_alice, carol, support):
    open_ticket(carol, support, "Domanda", "La stampante del secondo piano non stampa.")

    assert subjects(as_alice, "stampanti") == ["Domanda"]


@postgres_only
def test_a_subject_match_ranks_before_a_thread_match(as_alice, carol, support):
    open_ticket(carol, support, "Printer on fire", "Help.")
    open_ticket(carol, support, "Office question", "Is the printer fixed?")  # newer, yet ranked second

    assert subjects(as_alice, "printer") == ["Printer on fire", "Office question"]


@postgres_only
def test_the_matching_thread_text_is_shown_highlighted(as_alice, carol, support):
    open_ticket(carol, support, "Office question", "Since Monday the toner is empty on floor two.")

    [highlight] = highlights(as_alice, "toner")
    assert "<mark>toner</mark>" in highlight
    assert "<mark>toner</mark>" in as_alice.get("/scp/", {"q": "toner"}).content.decode()


@postgres_only
def test_markup_characters_in_a_snippet_are_escaped(as_alice, carol, support):
    open_ticket(carol, support, "Office question", "Is the toner 5 < 6 & fine?")

    [highlight] = highlights(as_alice, "toner")
    assert "< 6" not in highlight
    assert "5 &lt; 6 &amp; fine" in highlight


@postgres_only
def test_an_exact_ticket_number_shows_that_ticket_alone(as_alice, carol, support):
    ticket = open_ticket(carol, support, "Printer on fire", "Help.")
    open_ticket(carol, support, "Follow-up", f"About ticket {ticket.number} again.")

    assert subjects(as_alice, ticket.number) == ["Printer on fire"]


@postgres_only
def test_a_requester_address_shows_their_tickets(as_alice, carol, dave, support):
    open_ticket(carol, support, "Printer on fire", "Help.")
    open_ticket(dave, support, "Password reset", "Please.")

    assert subjects(as_alice, "CAROL@customer.test") == ["Printer on fire"]


@postgres_only
def test_a_rare_word_in_an_old_thread_is_found(as_alice, carol, support, monkeypatch):
    monkeypatch.setattr(search, "RECENT", 1)
    open_ticket(carol, support, "Old question", "The console shows E04821 at start.")
    open_ticket(carol, support, "Newer question", "Nothing to see.")

    assert subjects(as_alice, "E04821") == ["Old question"]


@postgres_only
@pytest.mark.parametrize("words", ["carol cust", "customer.test"])  # part of her name, part of her address
def test_a_requester_is_found_by_name_or_address_however_old_their_tickets(
    as_alice, carol, dave, support, monkeypatch, words
):
    monkeypatch.setattr(search, "RECENT", 1)
    open_ticket(carol, support, "Old question", "Nothing to see.")
    open_ticket(dave, support, "Newer question", "Nothing to see.")

    assert subjects(as_alice, words) == ["Old question"]


@postgres_only
def test_a_requester_search_never_shows_another_departments_tickets(client, bob, carol, support):
    open_ticket(carol, support, "Printer on fire", "Help.")
    signed_in(client, bob)

    assert subjects(client, "carol") == []


@postgres_only
def test_a_name_matching_more_people_than_are_looked_at_says_the_list_is_partial(
    as_alice, carol, dave, support, monkeypatch
):
    monkeypatch.setattr(search, "RECENT", 1)
    monkeypatch.setattr(search, "PEOPLE", 1)
    open_ticket(carol, support, "Carol's", "Nothing to see.")
    open_ticket(dave, support, "Dave's", "Nothing to see.")

    assert total_label(as_alice, "test") == "1+"  # both addresses end in .test; one person was looked at


def jammed_printers(requester, department, count: int = 3) -> None:
    for n in range(count):
        open_ticket(requester, department, f"Question {n}", "The printer jams.")


def total_label(client, words: str) -> str:
    return client.get("/scp/", {"q": words}).context["page"].paginator.total_label


@postgres_only
def test_a_search_beyond_its_candidates_shows_more_than_it_counted(as_alice, carol, support, monkeypatch):
    monkeypatch.setattr(search, "RECENT", 1)
    monkeypatch.setattr(search, "RARE", 1)
    jammed_printers(carol, support)

    assert total_label(as_alice, "printer") in ("1+", "2+")


@postgres_only
def test_a_complete_search_shows_its_exact_count(as_alice, carol, support):
    jammed_printers(carol, support)

    assert total_label(as_alice, "printer") == "3"


def test_search_finds_no_ticket_of_another_department(client, bob, carol, support):
    open_ticket(carol, support, "Printer on fire", "The toner is empty.")
    signed_in(client, bob)

    assert subjects(client, "toner") == []
    assert subjects(client, "printer") == []
