"""The case app's models: the case itself, its decisions and measures, and the measure plan with goals."""

from sirkel.cases.models.case import (
    Birthplace,
    BreakGlassAccess,
    Case,
    CaseAssignment,
    LegalBasis,
    LivesWith,
    Measure,
    MeasureKind,
    MeasureStatus,
    Phase,
    Sex,
)
from sirkel.cases.models.decisions import (
    ChildAgreement,
    DecidedMeasure,
    Decision,
    DecisionChange,
    DecisionReason,
    DecisionSource,
    ReasonGroup,
    YouthConsent,
)
from sirkel.cases.models.imports import ImportJob, ImportStatus
from sirkel.cases.models.innsyn import HandoverHow, Innsyn, RecipientRole
from sirkel.cases.models.plans import Goal, MeasurePlan, PlanEntry, PlanVersion

__all__ = [
    "HandoverHow",
    "Innsyn",
    "RecipientRole",
    "Birthplace",
    "BreakGlassAccess",
    "Case",
    "CaseAssignment",
    "ChildAgreement",
    "DecidedMeasure",
    "Decision",
    "DecisionChange",
    "DecisionReason",
    "DecisionSource",
    "Goal",
    "ImportJob",
    "ImportStatus",
    "LegalBasis",
    "LivesWith",
    "Measure",
    "MeasureKind",
    "MeasurePlan",
    "MeasureStatus",
    "Phase",
    "PlanEntry",
    "PlanVersion",
    "ReasonGroup",
    "Sex",
    "YouthConsent",
]
