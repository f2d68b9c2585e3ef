"""The staff pages of an evaluation: a measure's goal scales, its evaluations (with the T-score over time),
scheduling one, and the evaluation page itself with the goals' levels, the four perspectives, the
independent reviewer and closing with a next step. Plus the reviewer's own list.

Views decide no access: the selectors ask the policy (404 for what one may not see) and the services
check again. Each form on the evaluation page posts to its own URL; a refused form draws the page again
with what was typed and the errors beside the fields."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sirkel.cases import selectors as case_selectors
from sirkel.cases.access import CaseAccess
from sirkel.cases.models import Case, Phase
from sirkel.cases.plans import plan_of
from sirkel.core.forms import service_errors
from sirkel.core.submissions import once_per_submission
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.evaluation import selectors, services
from sirkel.evaluation.charts import t_score_chart
from sirkel.evaluation.forms import (
    FACES,
    ChildViewForm,
    ChooseReviewerForm,
    CloseForm,
    JudgementForm,
    LevelsForm,
    ParentJudgementForm,
    ScaleForm,
    ScheduleForm,
)
from sirkel.evaluation.models import Evaluation, EvaluationStatus, GoalScale, Judgement, Perspective

# --- Goal scales -----------------------------------------------------------------------------------------


@login_required
@once_per_submission
def scales(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    """The measure's goals, each with a form for its five levels and weight."""
    with transaction.atomic():
        case, access = case_selectors.get_case_for_user(
            user=request.user, case_id=case_id, require_edit=request.method == "POST", part="evaluation"
        )
    measure = selectors.get_measure_of_case(case=case, measure_id=measure_id)
    rows = [r for r in selectors.goal_rows(measure=measure) if r.goal.retired_at is None]
    editable = access.can_edit and case.phase != Phase.CLOSED
    bound_goal = None
    if request.method == "POST":
        try:
            bound_goal = int(request.POST.get("goal", ""))
        except ValueError:
            return HttpResponseBadRequest()
        if bound_goal not in {r.goal.pk for r in rows}:
            return HttpResponseBadRequest()
    sections = []
    for row in rows:
        prefix = f"g{row.goal.pk}"
        if row.goal.pk == bound_goal:
            form = ScaleForm(request.POST, prefix=prefix, scale=row.scale)
            if form.is_valid():
                with service_errors(form, current_version=partial(_scale_version, row.goal.pk)) as outcome:
                    services.save_scale(
                        acting_user=request.user,
                        goal=row.goal,
                        texts=form.texts(),
                        weight=form.cleaned_data["weight"],
                        expected_version=form.cleaned_data["version"],
                    )
                if outcome.ok:
                    messages.success(request, _("The goal's scale was saved."))
                    url = reverse("evaluation:scales", args=[case.pk, measure.pk])
                    return redirect(f"{url}#goal-{row.goal.pk}")
        else:
            form = ScaleForm(prefix=prefix, scale=row.scale)
        sections.append({"row": row, "form": form})
    context = {"case": case, "access": access, "measure": measure, "sections": sections, "editable": editable}
    return render(request, "evaluation/scales.html", context)


def _scale_version(goal_id: int) -> int:
    return GoalScale.objects.filter(goal_id=goal_id).values_list("version", flat=True).first() or 0


# --- A measure's evaluations, and scheduling one ------------------------------------------------------------


@login_required
def measure_evaluations(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    """The measure's evaluations (due, held, status, T-score; overdue ones marked) and the T-score over
    time as a chart with a table beside it."""
    with transaction.atomic():
        case, access = case_selectors.get_case_for_user(user=request.user, case_id=case_id, part="evaluation")
    measure = selectors.get_measure_of_case(case=case, measure_id=measure_id)
    evaluations = selectors.evaluations_of(measure=measure)
    today = timezone.localdate()
    rows = [
        {"evaluation": e, "overdue": e.status == EvaluationStatus.SCHEDULED and e.due_on < today}
        for e in evaluations
    ]
    scored = sorted(
        (e for e in evaluations if e.t_score is not None), key=lambda e: (e.held_on or e.due_on, e.pk)
    )
    context = {
        "case": case,
        "access": access,
        "measure": measure,
        "rows": rows,
        "chart": t_score_chart(scored),
        "can_schedule": access.can_edit
        and case.phase != Phase.CLOSED
        and not any(e.status == EvaluationStatus.SCHEDULED for e in evaluations),
        "default_due": _default_due(case),
    }
    return render(request, "evaluation/measure_evaluations.html", context)


def _default_due(case: Case) -> Any:
    plan = plan_of(case)
    return (plan.next_evaluation_on if plan else None) or timezone.localdate()


@login_required
@once_per_submission
def schedule(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    """Schedule an evaluation of the measure (by default on the plan's next evaluation date)."""
    with transaction.atomic():
        case, access = case_selectors.get_case_for_user(
            user=request.user, case_id=case_id, require_edit=True, part="evaluation"
        )
    measure = selectors.get_measure_of_case(case=case, measure_id=measure_id)
    if request.method == "POST":
        form = ScheduleForm(request.POST)
        if form.is_valid():
            with service_errors(form) as outcome:
                evaluation = services.schedule_evaluation(
                    acting_user=request.user, measure=measure, due_on=form.cleaned_data["due_on"]
                )
            if outcome.ok:
                messages.success(request, _("The evaluation was scheduled."))
                return redirect("evaluation:detail", case_id=case.pk, evaluation_id=evaluation.pk)
    else:
        form = ScheduleForm(initial={"due_on": _default_due(case)})
    return render(
        request,
        "evaluation/schedule.html",
        {"case": case, "access": access, "measure": measure, "form": form},
    )


# --- The evaluation page ------------------------------------------------------------------------------------


def _detail(
    request: AuthenticatedHttpRequest,
    case: Case,
    access: CaseAccess,
    evaluation: Evaluation,
    bound: dict[str, forms.Form] | None = None,
) -> HttpResponse:
    """Draw the evaluation page; `bound` holds the form that was sent and refused, by its key."""
    bound = bound or {}
    user = request.user
    is_open = evaluation.status == EvaluationStatus.SCHEDULED and case.phase != Phase.CLOSED
    editable = access.can_edit and is_open
    is_reviewer = evaluation.reviewer_id == user.pk
    blind = selectors.reviewer_is_blind(user=user, evaluation=evaluation)
    rows = selectors.goal_rows(measure=evaluation.measure, evaluation=evaluation)
    judgements = list(selectors.judgements_for(user=user, evaluation=evaluation))
    by_perspective: dict[str, Judgement] = {
        j.perspective: j for j in judgements if j.perspective != Perspective.PARENT
    }
    parents = [j for j in judgements if j.perspective == Perspective.PARENT]
    members = list(selectors.network_members_of(case=case)) if editable else []
    recorded_members = {j.member_id for j in parents}

    def judgement_initial(j: Judgement | None) -> dict[str, Any]:
        return {"effect": j.effect, "text": j.text} if j else {}

    service_j = by_perspective.get(Perspective.SERVICE)
    child_j = by_perspective.get(Perspective.CHILD)
    reviewer_j = by_perspective.get(Perspective.REVIEWER)
    parent_sections = []
    for j in parents:
        key = f"parent-{j.member_id}"
        form = bound.get(key) or ParentJudgementForm(
            prefix=key,
            members=[],
            fixed=j.member,
            initial={"member": j.member_id, **judgement_initial(j)},
        )
        parent_sections.append({"judgement": j, "form": form, "which": str(j.member_id)})
    new_parent = bound.get("parent-new") or ParentJudgementForm(
        prefix="parent-new", members=[m for m in members if m.pk not in recorded_members]
    )
    child_initial: dict[str, Any] = {}
    if child_j:
        child_initial = {
            "scale": str(child_j.child_scale) if child_j.child_scale else None,
            "declined": child_j.declined,
            "words": child_j.text,
            "wants_next": child_j.child_wants_next,
            "helped_by": child_j.child_helped_by,
        }
    context = {
        "case": case,
        "access": access,
        "evaluation": evaluation,
        "measure": evaluation.measure,
        "is_open": is_open,
        "editable": editable,
        # A participant link hangs on a network measure's series: only those measures can send one.
        "links_possible": editable and selectors.has_series(measure=evaluation.measure),
        "is_reviewer": is_reviewer,
        "blind": blind,
        "rows": rows,
        "levels_form": bound.get("levels") or LevelsForm(prefix="levels", rows=rows),
        "service_judgement": service_j,
        "service_form": bound.get("service")
        or JudgementForm(prefix="service", initial=judgement_initial(service_j)),
        "parent_sections": parent_sections,
        "new_parent_form": new_parent,
        "child_judgement": child_j,
        "child_form": bound.get("child") or ChildViewForm(prefix="child", initial=child_initial),
        "reviewer_judgement": reviewer_j,
        "reviewer_form": bound.get("reviewer")
        or JudgementForm(prefix="reviewer", initial=judgement_initial(reviewer_j)),
        "may_choose_reviewer": access.is_leader and is_open and reviewer_j is None,
        "choose_form": bound.get("choose")
        or ChooseReviewerForm(
            prefix="choose",
            colleagues=selectors.service_colleagues(case=case),
            candidates=selectors.reviewer_candidates(case=case),
            initial={"reviewer": evaluation.reviewer_id},
        ),
        "close_form": bound.get("close")
        or CloseForm(
            prefix="close", initial={"version": evaluation.version, "held_on": timezone.localdate()}
        ),
        "plan_version": selectors.plan_version_at_close(evaluation=evaluation),
        "faces": FACES,
    }
    return render(request, "evaluation/detail.html", context)


@login_required
def detail(request: AuthenticatedHttpRequest, case_id: int, evaluation_id: int) -> HttpResponse:
    with transaction.atomic():
        case, access, evaluation = selectors.get_evaluation_for_user(
            user=request.user, case_id=case_id, evaluation_id=evaluation_id
        )
    return _detail(request, case, access, evaluation)


def _done(case: Case, evaluation: Evaluation, anchor: str) -> HttpResponse:
    url = reverse("evaluation:detail", args=[case.pk, evaluation.pk])
    return redirect(f"{url}#{anchor}")


@login_required
@require_POST
def levels(request: AuthenticatedHttpRequest, case_id: int, evaluation_id: int) -> HttpResponse:
    with transaction.atomic():
        case, access, evaluation = selectors.get_evaluation_for_user(
            user=request.user, case_id=case_id, evaluation_id=evaluation_id, require_edit=True
        )
    rows = selectors.goal_rows(measure=evaluation.measure, evaluation=evaluation)
    form = LevelsForm(request.POST, prefix="levels", rows=rows)
    if form.is_valid():
        with service_errors(form) as outcome:
            services.record_levels(acting_user=request.user, evaluation=evaluation, levels=form.levels())
        if outcome.ok:
            messages.success(request, _("The goals' levels were saved."))
            return _done(case, evaluation, "levels")
    return _detail(request, case, access, evaluation, {"levels": form})


@login_required
@require_POST
@once_per_submission
def service_judgement(request: AuthenticatedHttpRequest, case_id: int, evaluation_id: int) -> HttpResponse:
    with transaction.atomic():
        case, access, evaluation = selectors.get_evaluation_for_user(
            user=request.user, case_id=case_id, evaluation_id=evaluation_id, require_edit=True
        )
    form = JudgementForm(request.POST, prefix="service")
    if form.is_valid():
        with service_errors(form) as outcome:
            services.record_judgement(
                acting_user=request.user,
                evaluation=evaluation,
                perspective=Perspective.SERVICE,
                effect=form.cleaned_data["effect"],
                text=form.cleaned_data["text"],
            )
        if outcome.ok:
            messages.success(request, _("The service's judgement was saved."))
            return _done(case, evaluation, "service")
    return _detail(request, case, access, evaluation, {"service": form})


@login_required
@require_POST
@once_per_submission
def parent_judgement(request: AuthenticatedHttpRequest, case_id: int, evaluation_id: int) -> HttpResponse:
    """A parent's view: `which` is "new" for a parent not yet recorded, else the recorded parent's id."""
    with transaction.atomic():
        case, access, evaluation = selectors.get_evaluation_for_user(
            user=request.user, case_id=case_id, evaluation_id=evaluation_id, require_edit=True
        )
    which = request.POST.get("which", "new")
    recorded = {
        str(j.member_id): j.member
        for j in evaluation.judgements.filter(
            perspective=Perspective.PARENT, member__isnull=False
        ).select_related("member")
    }
    if which != "new" and which not in recorded:
        which = "new"
    key = f"parent-{which}"
    members = list(selectors.network_members_of(case=case))
    if which == "new":
        form = ParentJudgementForm(
            request.POST, prefix=key, members=[m for m in members if str(m.pk) not in recorded]
        )
    else:
        form = ParentJudgementForm(request.POST, prefix=key, members=[], fixed=recorded[which])
    if form.is_valid():
        with service_errors(form) as outcome:
            services.record_judgement(
                acting_user=request.user,
                evaluation=evaluation,
                perspective=Perspective.PARENT,
                effect=form.cleaned_data["effect"],
                text=form.cleaned_data["text"],
                member_id=form.cleaned_data["member"],
            )
        if outcome.ok:
            messages.success(request, _("The parent's view was saved."))
            return _done(case, evaluation, "parents")
    return _detail(request, case, access, evaluation, {key: form})


@login_required
@require_POST
@once_per_submission
def child_view(request: AuthenticatedHttpRequest, case_id: int, evaluation_id: int) -> HttpResponse:
    with transaction.atomic():
        case, access, evaluation = selectors.get_evaluation_for_user(
            user=request.user, case_id=case_id, evaluation_id=evaluation_id, require_edit=True
        )
    form = ChildViewForm(request.POST, prefix="child")
    if form.is_valid():
        data = form.cleaned_data
        with service_errors(form) as outcome:
            services.record_child_view(
                acting_user=request.user,
                evaluation=evaluation,
                scale=data["scale"],
                words=data["words"],
                wants_next=data["wants_next"],
                helped_by=data["helped_by"],
                declined=data["declined"],
            )
        if outcome.ok:
            messages.success(request, _("The child's view was saved."))
            return _done(case, evaluation, "child")
    return _detail(request, case, access, evaluation, {"child": form})


@login_required
@require_POST
@once_per_submission
def reviewer_judgement(request: AuthenticatedHttpRequest, case_id: int, evaluation_id: int) -> HttpResponse:
    """The independent reviewer's own judgement: only the reviewer named on the evaluation."""
    with transaction.atomic():
        case, access, evaluation = selectors.get_evaluation_for_user(
            user=request.user, case_id=case_id, evaluation_id=evaluation_id
        )
    if evaluation.reviewer_id != request.user.pk:
        raise Http404
    form = JudgementForm(request.POST, prefix="reviewer")
    if form.is_valid():
        with service_errors(form) as outcome:
            services.record_judgement(
                acting_user=request.user,
                evaluation=evaluation,
                perspective=Perspective.REVIEWER,
                effect=form.cleaned_data["effect"],
                text=form.cleaned_data["text"],
            )
        if outcome.ok:
            messages.success(request, _("Your judgement was saved. You can now see the others' judgements."))
            return _done(case, evaluation, "reviewer")
    return _detail(request, case, access, evaluation, {"reviewer": form})


@login_required
@require_POST
def choose_reviewer(request: AuthenticatedHttpRequest, case_id: int, evaluation_id: int) -> HttpResponse:
    """The leader of the case's service names the independent reviewer."""
    with transaction.atomic():
        case, access, evaluation = selectors.get_evaluation_for_user(
            user=request.user, case_id=case_id, evaluation_id=evaluation_id
        )
    if not access.is_leader:
        raise Http404
    form = ChooseReviewerForm(
        request.POST,
        prefix="choose",
        colleagues=selectors.service_colleagues(case=case),
        candidates=selectors.reviewer_candidates(case=case),
    )
    if form.is_valid():
        with service_errors(form) as outcome:
            services.choose_reviewer(
                acting_user=request.user, evaluation=evaluation, reviewer=form.cleaned_data["reviewer"]
            )
        if outcome.ok:
            messages.success(request, _("The independent reviewer was chosen."))
            return _done(case, evaluation, "reviewer")
    return _detail(request, case, access, evaluation, {"choose": form})


@login_required
@require_POST
def close(request: AuthenticatedHttpRequest, case_id: int, evaluation_id: int) -> HttpResponse:
    with transaction.atomic():
        case, access, evaluation = selectors.get_evaluation_for_user(
            user=request.user, case_id=case_id, evaluation_id=evaluation_id, require_edit=True
        )
    form = CloseForm(request.POST, prefix="close")
    if form.is_valid():
        data = form.cleaned_data
        with service_errors(
            form,
            current_version=lambda: (
                Evaluation.objects.filter(pk=evaluation.pk).values_list("version", flat=True).first() or 0
            ),
        ) as outcome:
            services.close_evaluation(
                acting_user=request.user,
                evaluation=evaluation,
                held_on=data["held_on"],
                next_step=data["next_step"],
                requested_by=data["requested_by"],
                reason=data["reason"],
                expected_version=data["version"],
            )
        if outcome.ok:
            messages.success(request, _("The evaluation was closed and the measure plan updated."))
            return _done(case, evaluation, "closed")
    return _detail(request, case, access, evaluation, {"close": form})


# --- The reviewer's list --------------------------------------------------------------------------------


@login_required
def my_reviews(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The open evaluations the user is the independent reviewer of."""
    reviews = selectors.open_reviews_for(user=request.user)
    today = timezone.localdate()
    rows = [{"evaluation": e, "overdue": e.due_on < today} for e in reviews]
    return render(request, "evaluation/my_reviews.html", {"rows": rows})
