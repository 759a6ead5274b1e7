"""A step whose guard asks that the boards have been informed informs them when it
begins, whoever acts at it: Örebro 2016 consults the boards on the application at the
department heads' signature step, not at a step of their own."""

from __future__ import annotations

from typing import Any

from satsa.cases import selectors as sel
from satsa.cases import services
from satsa.cases.models import BoardNotice, Case
from satsa.rulebooks.selectors import rulebook_for


def _case_2016(people: Any, step: str) -> Case:
    case = Case.objects.create(
        organisation=people.org,
        title="Skolnärvaro",
        rulebook_key="orebro-2016",
        stage="preparation",
        step=step,
        idea_outcome=Case.IdeaOutcome.GO,
        created_by=people.applicant,
    )
    case.boards.set(people.boards)
    return case


def test_the_signature_step_of_2016_informs_the_boards_of_the_application(people: Any) -> None:
    case = _case_2016(people, "completeness")
    rulebook = rulebook_for(case)
    signatures = rulebook.stage("signatures")
    assert "boards_informed" in signatures.guards and signatures.role != "board_secretary"

    services.enter_step(case, rulebook, "signatures", people.preparation)

    notices = case.board_notices.filter(phase=BoardNotice.Phase.APPLICATION)
    assert {n.board for n in notices} == set(people.boards)
    assert all(n.deadline > sel.today() for n in notices)
    for secretary, board in zip(
        (people.social_secretary, people.school_secretary), people.boards, strict=True
    ):
        services.board_comment_add(
            case=case, board=board, actor=secretary, comment="Bakom.", backs=True
        )
    assert sel.boards_done(case, BoardNotice.Phase.APPLICATION, sel.today())


def test_a_step_without_the_guard_informs_no_board(people: Any) -> None:
    case = _case_2016(people, "valuation")
    services.enter_step(case, rulebook_for(case), "completeness", people.economist)
    assert not case.board_notices.exists()
