"""Each filter condition field and operator, match all/any, and the regular-expression guard."""

import pytest
from django.core.exceptions import ValidationError

from helpdesk.automation.filters import decide, matches
from helpdesk.automation.matching import Sample, condition_matches, unsafe_regex_reason
from helpdesk.automation.models import FilterCondition, TicketFilter

Field = FilterCondition.Field
Op = FilterCondition.Operator

SAMPLE = Sample(
    email="Mario.Rossi@Acme.example",
    subject="Invoice 2024/17 is wrong",
    body="Hello, the total on the invoice is wrong.",
    help_topic="Billing questions",
    mailbox=("Billing inbox", "billing@helpdesk.example"),
    source="email",
)


def holds(field: str, operator: str, value: str, sample: Sample = SAMPLE) -> bool:
    return condition_matches(FilterCondition(field=field, operator=operator, value=value), sample)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (Field.SENDER_EMAIL, "mario.rossi@acme.example"),
        (Field.SENDER_DOMAIN, "ACME.example"),
        (Field.SUBJECT, "invoice 2024/17 is wrong"),
        (Field.HELP_TOPIC, "billing questions"),
        (Field.MAILBOX, "billing@helpdesk.example"),
        (Field.MAILBOX, "Billing inbox"),
        (Field.SOURCE, "email"),
    ],
)
def test_equals_compares_each_field_ignoring_case(field, value):
    assert holds(field, Op.EQUALS, value)
    assert not holds(field, Op.EQUALS, value + "x")


def test_contains_finds_a_word_in_the_body():
    assert holds(Field.BODY, Op.CONTAINS, "TOTAL")
    assert not holds(Field.BODY, Op.CONTAINS, "refund")


def test_not_contains_holds_only_when_the_text_lacks_the_value():
    assert holds(Field.SUBJECT, Op.NOT_CONTAINS, "refund")
    assert not holds(Field.SUBJECT, Op.NOT_CONTAINS, "invoice")


def test_not_contains_on_a_mailbox_looks_at_its_name_and_address():
    assert not holds(Field.MAILBOX, Op.NOT_CONTAINS, "helpdesk.example")


def test_starts_with_and_ends_with():
    assert holds(Field.SUBJECT, Op.STARTS_WITH, "invoice")
    assert not holds(Field.SUBJECT, Op.STARTS_WITH, "wrong")
    assert holds(Field.SENDER_EMAIL, Op.ENDS_WITH, "@acme.example")
    assert not holds(Field.SENDER_EMAIL, Op.ENDS_WITH, "@other.example")


def test_regex_searches_ignoring_case():
    assert holds(Field.SUBJECT, Op.REGEX, r"INVOICE \d{4}/\d+")
    assert not holds(Field.SUBJECT, Op.REGEX, r"^wrong")


def test_a_ticket_without_mailbox_matches_no_mailbox_condition():
    assert not holds(Field.MAILBOX, Op.CONTAINS, "billing", Sample(email="a@b.example"))


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(\w*)*x", r"((ab)*c)+", r"([a-z]+\.)+com", r"(a)\1", "x" * 201])
def test_dangerous_or_long_regular_expressions_are_refused(pattern):
    assert unsafe_regex_reason(pattern)
    assert not holds(Field.BODY, Op.REGEX, pattern, Sample(email="a@b.example", body="a" * 40))


def test_an_invalid_regular_expression_is_refused_by_the_form_validation(db):
    condition = FilterCondition(field=Field.SUBJECT, operator=Op.REGEX, value="(unclosed")

    with pytest.raises(ValidationError, match="not a valid regular expression"):
        condition.clean()


def test_a_plain_value_with_brackets_is_fine_for_other_operators(db):
    FilterCondition(field=Field.SUBJECT, operator=Op.CONTAINS, value="(a+)+").clean()


def _filter_with(match: str, *conditions: tuple[str, str, str]) -> TicketFilter:
    ticket_filter = TicketFilter.objects.create(name=f"f-{match}", match=match)
    for field, operator, value in conditions:
        ticket_filter.conditions.create(field=field, operator=operator, value=value)
    return ticket_filter


def test_match_all_needs_every_condition(db):
    both = _filter_with("all", (Field.SENDER_DOMAIN, Op.EQUALS, "acme.example"), (Field.SUBJECT, Op.CONTAINS, "xyz"))

    assert not matches(both, SAMPLE)


def test_match_any_needs_one_condition(db):
    either = _filter_with("any", (Field.SENDER_DOMAIN, Op.EQUALS, "acme.example"), (Field.SUBJECT, Op.CONTAINS, "xyz"))

    assert matches(either, SAMPLE)


def test_a_filter_without_conditions_matches_nothing(db):
    TicketFilter.objects.create(name="Empty")

    assert decide(SAMPLE).matched == []


@pytest.mark.parametrize("pattern", [r"^invoice \d+", r"(foo|bar)+", r"[(]a+[)]+", r"\(a+\)+", r"colou?r"])
def test_ordinary_regular_expressions_are_accepted(pattern):
    assert unsafe_regex_reason(pattern) == ""
