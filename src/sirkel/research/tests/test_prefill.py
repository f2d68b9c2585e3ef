"""A registration prefilled from what Sirkel knows about the case, each prefilled answer marked."""

from __future__ import annotations

from datetime import date

from sirkel.accounts.models import User
from sirkel.cases.models import Case
from sirkel.evaluation.models import Evaluation, EvaluationStatus, Judgement, Perspective
from sirkel.research.forms import study_form, validate
from sirkel.research.prefill import prefill, years_band
from sirkel.testing.factories import decide


def test_years_in_contact_fall_in_the_studys_bands() -> None:
    today = date(2026, 6, 1)
    assert years_band(date(2024, 7, 1), today) == "0-2"
    assert years_band(date(2022, 6, 1), today) == "3-5"
    assert years_band(date(2020, 1, 1), today) == "5-10"
    assert years_band(date(2010, 1, 1), today) == "10+"


def test_a_case_prefills_background_decisions_and_the_services_judgement(
    case: Case, caseworker: User
) -> None:
    case.sex = "girl"
    case.birthplace = "asia"
    case.lives_with = "mother"
    case.minority_background = True
    case.save()
    first = decide(case=case, kind="network_meeting", decided_on=date(2025, 3, 4))
    decide(case=case, kind="family_group_conference", decided_on=date(2025, 9, 1))
    evaluation = Evaluation.objects.create(
        measure=first,
        due_on=date(2025, 9, 1),
        held_on=date(2025, 9, 2),
        status=EvaluationStatus.CLOSED,
        next_step="continue",
        created_by=caseworker,
    )
    Judgement.objects.create(evaluation=evaluation, perspective=Perspective.SERVICE, effect="partly")
    form = study_form()
    result = prefill(case, form=form, today=date(2026, 1, 1))
    a = result.answers
    assert (a["sex"], a["birthplace"], a["lives_with"]) == ("girl", "asia", "mother")
    assert a["birth_year"] == case.birth_date.year and a["target_groups"] == ["minority_background"]
    assert "interpreter_used" not in a  # nothing recorded is not proof of none
    first_decision, second = a["decisions"]
    assert first_decision["decision_month"] == "2025-03"
    assert first_decision["reasons_child"] == ["school"] and first_decision["measures"] == ["network_meeting"]
    assert first_decision["per_measure"] == {"network_meeting": {"service_desired_effect": "partly"}}
    assert second["measures"] == ["family_group_conference"] and "per_measure" not in second
    assert "decisions[1].per_measure.network_meeting.service_desired_effect" in result.paths
    assert "sex" in result.paths and "decisions[2].measures" in result.paths
    assert validate(form, a) == []  # a prefilled registration is a valid one
