"""The case the API answers with is declared field by field: every field a case stores (and so
every key of the view, which is built from those fields) is in the response model, so none is
dropped from the answer when a field is added to the domain."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from motcua_platform.calendar import VN_TZ
from motcua_workflow.api import answers
from motcua_workflow.domain import Actor, Case, codec
from motcua_workflow.domain.known import KnownDossier
from motcua_workflow.domain.records import HandOver, Pause, Step
from motcua_workflow.views import case_view, task_item


def vn(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=VN_TZ)


def names(cls: type) -> set[str]:
    return {field.name for field in codec.stored_fields(cls)}


def test_the_case_answer_names_every_stored_field_of_a_case():
    assert names(Case) - set(answers.CaseView.model_fields) == set()


def test_steps_pauses_and_control_sheet_rows_are_declared_whole():
    assert names(Step) == set(answers.StepView.model_fields)
    assert names(Pause) == set(answers.PauseView.model_fields)
    assert names(HandOver) == set(answers.HandOverView.model_fields)


def test_a_dossier_known_but_never_processed_is_declared_whole():
    assert names(KnownDossier) - set(answers.KnownDossierView.model_fields) == set()


def exact(model: type, view: dict) -> None:
    """The view validates against its model and comes back the same, key for key."""
    checked = model.model_validate(view)
    assert checked.model_dump(mode="json", by_alias=True, exclude_unset=True) == view


def test_the_views_of_a_case_through_its_life_match_their_models(
    make_case: Callable[..., Case], receiver: Actor, leader: Actor
) -> None:
    case = make_case()
    exact(answers.CaseView, case_view(case, vn(4, 26, 9)))
    exact(answers.TaskItem, {**task_item(case, vn(4, 26, 9)), "due_soon": False})
    case.complete_step(receiver, vn(4, 25, 10))
    case.request_supplement("Thiếu giấy tờ", vn(4, 26, 9))
    case.resume(vn(4, 26, 10))
    case.extend("Chờ xác minh", vn(5, 8, 17), vn(4, 29, 9))
    case.resolve("approved", vn(5, 6, 10), result_reference="12/QĐ", electronic=True)
    exact(answers.CaseView, case_view(case, vn(5, 6, 10)))
    exact(answers.TaskItem, {**task_item(case, vn(5, 6, 10)), "due_soon": False})
    case.return_result("counter", vn(5, 6, 11))
    exact(answers.CaseView, case_view(case, vn(5, 7, 9)))
