"""What people type in onboarding: names, positions, contacts."""

from __future__ import annotations

import pytest

from services import validation
from services.validation import InvalidInputError, Problem


@pytest.mark.parametrize(
    "text", ["Иванова Мария Петровна", "  Ли   Мин ", "O'Brien John", "Анна-Мария Ким"]
)
def test_full_names_accepted_and_spaces_collapsed(text: str) -> None:
    assert validation.full_name(text) == " ".join(text.split())


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", Problem.EMPTY),
        ("   ", Problem.EMPTY),
        ("Мария", Problem.NOT_A_NAME),
        ("Мария 123", Problem.NOT_A_NAME),
        ("Я " * 150, Problem.TOO_LONG),
    ],
)
def test_full_names_refused(text: str, problem: Problem) -> None:
    with pytest.raises(InvalidInputError) as error:
        validation.full_name(text)
    assert error.value.problem is problem


@pytest.mark.parametrize("text", ["+7 900 123-45-67", "8 (30148) 2-11-00", "school@example.ru"])
def test_contacts_accepted(text: str) -> None:
    assert validation.contact(text) == text


@pytest.mark.parametrize("text", ["123", "звоните", "a@b", "+7 900 123-45-67-89-00-11"])
def test_contacts_refused(text: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        validation.contact(text)
    assert error.value.problem is Problem.NOT_A_CONTACT
