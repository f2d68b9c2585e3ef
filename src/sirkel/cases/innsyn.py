"""A party's right of access (*innsyn*): everything Sirkel holds about a case, for a parent or the youth.

The copy is one PDF, sectioned by what Sirkel holds (the case and its staff, the measures, the decisions,
the measure plan, the network register, the network measures and their meetings, the agreed actions, the
evaluations, and a summary of who has opened the case), and a zip of the PDF with the measure plan as the
family received it. The case app knows no measure process, so the processes contribute their sections
(`register`, in each app's `ready()`), as they contribute the case page's panels.

What is flagged for the caseworker to review before the copy is handed over (a flagged item is left out —
"[Unntatt: <reason>]" — unless the caseworker keeps it):

- *Contact details of another person*: a network member's or participant's phone, e-mail and address,
  unless the member is the recipient;
- *What another person said*: Sirkel has no field that marks a statement as said in confidence, so every
  statement attributed to someone other than the recipient is flagged — what the child told the service
  (unless the copy is for the youth), the network's speech and the reflecting team in a meeting, a
  judgement or a comment in an evaluation, a mentor's answer;
- *Internal note of the service*: notes marked for the service only (a measure's, the plan's, a meeting's
  internal notes, the register's notes), which may be exempt as internal documents.

Staff names are not third-party information: the people who work on the case act as public officials.
Sirkel stores no other child's data on a case (the household's children are a count). What is left out
of the copy on purpose, and why, is `EXCLUDED`; a test holds every model that hangs on a case to either
a contributor's `covers` or that list.

Producing the copy records one audit event (`export`, object type `innsyn`: the recipient's role, the
sections and the counts of redacted and kept items — no names); marking it handed over records another,
and the handover shows in the case's history.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.audit.services import record_event
from sirkel.cases.access import case_access
from sirkel.cases.models import (
    BreakGlassAccess,
    Case,
    CaseAssignment,
    Decision,
    HandoverHow,
    Innsyn,
    Measure,
    RecipientRole,
)
from sirkel.cases.plans import plan_measures, plan_of
from sirkel.core import pdf

TEMPLATE = "cases/innsyn/document.html"

CONTACT = gettext_lazy("Contact details of another person")
SAID = gettext_lazy("What another person said")
INTERNAL = gettext_lazy("Internal note of the service")

# Models that hang on a case and are not in the copy, with the reason (see the module docstring).
EXCLUDED: dict[str, str] = {
    "evaluation.participantlink": "access links: a token's hash and dates, no information about the family",
    "research.grant": "a research project's permission, not information about the case",
    "research.registration": "a research project's coding under its own legal basis, asked of the project",
    "research.assignment": "which research coder codes the file, not information about the case",
}


@dataclass(frozen=True)
class Recipient:
    """Whom the copy is for: the youth, or a parent (a network member, or a name typed in)."""

    role: str
    name: str
    member_id: int | None = None

    def is_member(self, member_id: int | None) -> bool:
        return member_id is not None and member_id == self.member_id


@dataclass(frozen=True)
class Item:
    """One line of the copy. With a `reason` it is third-party information, flagged for review; `key`
    names it stably (`label:pk:field`) so the caseworker's choice can be carried and stored."""

    label: str
    value: str
    reason: str = ""
    key: str = ""


@dataclass(frozen=True)
class Entry:
    heading: str
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    entries: list[Entry] = field(default_factory=list)


SectionBuilder = Callable[[Case, Recipient], list[Section]]
ParentsFinder = Callable[[Case], list[tuple[int, str, str]]]


@dataclass(frozen=True)
class Contributor:
    """What one app adds to the copy: its sections, and the model labels they cover."""

    name: str
    covers: tuple[str, ...]
    sections: SectionBuilder
    order: int = 50
    parents: ParentsFinder | None = None  # (member id, name, relation) of the case's parents


_CONTRIBUTORS: dict[str, Contributor] = {}


def register(contributor: Contributor) -> None:
    """Add (or replace, by name) an app's part of the copy. Called from `AppConfig.ready()`."""
    _CONTRIBUTORS[contributor.name] = contributor


def contributors() -> list[Contributor]:
    return sorted(_CONTRIBUTORS.values(), key=lambda c: (c.order, c.name))


def flagged(label: str, value: str, *, reason: Any, key: str) -> Item:
    """A third-party item (an empty value is no information, so it is not flagged)."""
    return Item(label, value, str(reason) if value else "", key if value else "")


def contact_items(obj: Any, *, recipient: Recipient, own: bool, fields: Iterable[str]) -> list[Item]:
    """The contact fields of a person (`own`: the recipient's own, shown unflagged)."""
    label = obj._meta.label_lower
    items = []
    for name in fields:
        value = str(getattr(obj, name) or "")
        if not value:
            continue
        title = str(obj._meta.get_field(name).verbose_name).capitalize()
        key = f"{label}:{obj.pk}:{name}"
        items.append(Item(title, value) if own else flagged(title, value, reason=CONTACT, key=key))
    return items


def shown(obj: Any, name: str) -> str:
    """A field's value as a reader sees it: the label of a choice, "Yes"/"No", a date, or the text."""
    value = getattr(obj, name)
    if value is None or value == "":
        return ""
    if obj._meta.get_field(name).choices:
        return str(getattr(obj, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return day(timezone.localtime(value).date())
    if isinstance(value, date):
        return day(value)
    return str(value)


def fields(obj: Any, *names: str) -> list[Item]:
    """Plain (unflagged) items for `names`, labelled by the model's own field names; empty ones left out."""
    items = [Item(str(obj._meta.get_field(n).verbose_name).capitalize(), shown(obj, n)) for n in names]
    return [i for i in items if i.value]


def flag_field(obj: Any, name: str, *, reason: Any) -> list[Item]:
    """A flagged item for one field (none when the field is empty)."""
    value = shown(obj, name)
    label = str(obj._meta.get_field(name).verbose_name).capitalize()
    return (
        [flagged(label, value, reason=reason, key=f"{obj._meta.label_lower}:{obj.pk}:{name}")]
        if value
        else []
    )


def day(value: date | None) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


# --- The case's own sections --------------------------------------------------------------------------


def _case_section(case: Case, recipient: Recipient) -> Section:
    staff = [
        u.display_name()
        for u in User.objects.filter(
            pk__in=CaseAssignment.objects.filter(case=case).values("user_id")
        ).order_by("pk")
    ]
    items = [
        Item(_("Child"), f"{case.child_given_name} {case.child_family_name}"),
        Item(_("Date of birth"), day(case.birth_date)),
        Item(_("Lives with"), str(case.get_lives_with_display())),
        Item(_("First contact"), day(case.first_contact_date)),
        Item(_("Phase"), str(case.get_phase_display())),
        Item(_("Caseworker"), case.caseworker.display_name() if case.caseworker_id else ""),
    ]
    if staff:
        items.append(Item(_("Also working on the case"), ", ".join(staff)))
    return Section("case", _("The case"), [Entry(case.service.name, [i for i in items if i.value])])


def _measure_entry(m: Measure) -> Entry:
    period = " – ".join(
        d for d in (day(m.started_on or m.planned_start), day(m.ended_on or m.expected_end)) if d
    )
    items = [
        Item(_("Status"), str(m.get_status_display())),
        Item(_("Legal basis"), str(m.get_legal_basis_display())),
        Item(_("Period"), period),
        flagged(_("Note"), m.note, reason=INTERNAL, key=f"cases.measure:{m.pk}:note"),
    ]
    return Entry(str(m.get_kind_display()), [i for i in items if i.value])


def _decision_entry(d: Decision, recipient: Recipient) -> Entry:
    child_said = d.child_said
    items = [
        Item(_("Legal basis"), str(d.get_legal_basis_display())),
        Item(_("Justification"), d.justification),
        *[Item(str(r.get_group_display()), r.text or r.key) for r in d.reasons.all()],
        *[
            Item(_("Measure"), f"{i.measure.get_kind_display()}: {i.get_change_display()}")
            for i in d.items.all()
        ],
        (
            Item(_("What the child said"), child_said)
            if recipient.role == RecipientRole.YOUTH
            else flagged(
                _("What the child said"), child_said, reason=SAID, key=f"cases.decision:{d.pk}:child_said"
            )
        ),
    ]
    heading = _("Decision of %(date)s") % {"date": day(d.decided_on)}
    return Entry(heading, [i for i in items if i.value])


def _plan_section(case: Case) -> Section | None:
    plan = plan_of(case)
    if plan is None:
        return None
    entries = [
        Entry(
            _("The plan"),
            [
                i
                for i in (
                    Item(_("Next evaluation"), day(plan.next_evaluation_on)),
                    Item(_("Evaluated every"), _("%(months)s months") % {"months": plan.evaluation_months}),
                    flagged(
                        _("Internal note"),
                        plan.internal_note,
                        reason=INTERNAL,
                        key=f"cases.measureplan:{plan.pk}:internal_note",
                    ),
                )
                if i.value
            ],
        )
    ]
    for m in plan_measures(case):
        entry = getattr(m, "plan_entry", None)
        items = [Item(_("Goal"), g.text) for g in m.goals.all()]
        if entry is not None:
            items += [
                Item(_("Content"), entry.content),
                Item(_("Who does what"), entry.responsibilities),
                Item(_("Expected duration"), entry.expected_duration),
                flagged(
                    _("Internal note"),
                    entry.internal_note,
                    reason=INTERNAL,
                    key=f"cases.planentry:{entry.pk}:internal_note",
                ),
            ]
        entries.append(Entry(str(m.get_kind_display()), [i for i in items if i.value]))
    versions = [
        f"{v.number}: {day(v.created_at.date())}{' – ' + v.change_note if v.change_note else ''}"
        for v in plan.versions.order_by("number")
    ]
    if versions:
        entries.append(Entry(_("Versions"), [Item(_("Version"), v) for v in versions]))
    return Section("plan", _("Measure plan"), entries)


def _access_section(case: Case) -> Section:
    """Who has opened the case: per staff member, how often and between which dates (from the audit)."""
    rows = (
        AuditEvent.objects.filter(object_type="case", object_id=str(case.pk), actor__isnull=False)
        .values("actor__first_name", "actor__last_name", "actor__username")
        .annotate(n=Count("pk"), first=Min("created_at"), last=Max("created_at"))
        .order_by("-n", "actor__username")
    )
    items = [
        Item(
            " ".join(filter(None, [r["actor__first_name"], r["actor__last_name"]])) or r["actor__username"],
            _("%(count)s times, %(first)s – %(last)s")
            % {"count": r["n"], "first": day(r["first"].date()), "last": day(r["last"].date())},
        )
        for r in rows
    ]
    glass = [
        Item(g.user.display_name(), _("Emergency access on %(date)s") % {"date": day(g.created_at.date())})
        for g in BreakGlassAccess.objects.filter(case=case).select_related("user").order_by("created_at")
    ]
    entries = [Entry(_("Opened the case"), items)]
    if glass:
        entries.append(Entry(_("Emergency access (break-glass)"), glass))
    return Section("access", _("Who has opened the case"), entries)


def _case_sections(case: Case, recipient: Recipient) -> list[Section]:
    measures = list(Measure.objects.filter(case=case).order_by("created_at", "pk"))
    decisions = list(
        Decision.objects.filter(case=case)
        .prefetch_related("reasons", "items__measure")
        .order_by("decided_on", "pk")
    )
    sections = [
        _case_section(case, recipient),
        Section("measures", _("Measures"), [_measure_entry(m) for m in measures]),
        Section("decisions", _("Decisions"), [_decision_entry(d, recipient) for d in decisions]),
    ]
    plan = _plan_section(case)
    return sections + ([plan] if plan else [])


register(
    Contributor(
        name="cases",
        order=0,
        covers=(
            "cases.case",
            "cases.caseassignment",
            "cases.measure",
            "cases.decision",
            "cases.decisionreason",
            "cases.decidedmeasure",
            "cases.measureplan",
            "cases.planentry",
            "cases.goal",
            "cases.planversion",
            "cases.innsyn",  # the earlier copies: in the history, their handovers audited
            "cases.breakglassaccess",  # in the summary of who has opened the case
        ),
        sections=_case_sections,
    )
)


# --- Reading and producing --------------------------------------------------------------------------


def parents_of(case: Case) -> list[tuple[int, str, str]]:
    """The network members who are the child's parents, from the contributor that knows the register."""
    return [p for c in contributors() if c.parents for p in c.parents(case)]


def recipient_for(*, case: Case, role: str, member_id: int | None, name: str) -> Recipient:
    """The recipient as chosen on the page, checked against the case. Raises ValidationError."""
    if role == RecipientRole.YOUTH:
        return Recipient(RecipientRole.YOUTH, f"{case.child_given_name} {case.child_family_name}")
    if role != RecipientRole.PARENT:
        raise ValidationError(_("Choose whom the copy is for."))
    if member_id is not None:
        for pk, member_name, _relation in parents_of(case):
            if pk == member_id:
                return Recipient(RecipientRole.PARENT, member_name, pk)
        raise ValidationError(_("Choose whom the copy is for."))
    if not name.strip():
        raise ValidationError(_("Write the parent's name."))
    return Recipient(RecipientRole.PARENT, name.strip()[:200])


def build_sections(*, case: Case, recipient: Recipient) -> list[Section]:
    """Every section of the copy, flagged items marked, before the caseworker's choices."""
    sections = [s for c in contributors() for s in c.sections(case, recipient)]
    return sections + [_access_section(case)]


def flagged_keys(sections: list[Section]) -> list[str]:
    return [i.key for s in sections for e in s.entries for i in e.items if i.reason]


def apply_choices(sections: list[Section], *, kept: set[str]) -> list[Section]:
    """The copy as handed over: a flagged item not kept reads "[Unntatt: <reason>]"."""

    def shown(item: Item) -> Item:
        if not item.reason or item.key in kept:
            return Item(item.label, item.value)
        return Item(item.label, _("[Withheld: %(reason)s]") % {"reason": item.reason}, item.reason, item.key)

    return [
        Section(s.key, s.title, [Entry(e.heading, [shown(i) for i in e.items]) for e in s.entries])
        for s in sections
    ]


def _open_for_edit(*, user: User, case: Case) -> None:
    if not case_access(user=user, case=case).can_edit:
        raise ValidationError(_("You may not make a copy of this case."))


def review(*, acting_user: User, case: Case, recipient: Recipient) -> list[Section]:
    """The sections for the review page (the case was opened, and audited, by the caller's selector)."""
    _open_for_edit(user=acting_user, case=case)
    return build_sections(case=case, recipient=recipient)


@transaction.atomic
def produce(*, acting_user: User, case: Case, recipient: Recipient, kept: Iterable[str]) -> Innsyn:
    """Record a copy for `recipient` with the flagged items in `kept` kept (all others withheld)."""
    _open_for_edit(user=acting_user, case=case)
    sections = build_sections(case=case, recipient=recipient)
    keys = flagged_keys(sections)
    chosen = sorted(set(kept) & set(keys))
    innsyn = Innsyn.objects.create(
        case=case,
        recipient_role=recipient.role,
        recipient_member_id=recipient.member_id,
        recipient_name=recipient.name,
        kept=chosen,
        flagged_count=len(keys),
        produced_by=acting_user,
    )
    record_event(
        actor=acting_user,
        service=case.service_id,
        action=AuditAction.EXPORT,
        object_type="innsyn",
        object_id=innsyn.pk,
        detail={
            "case": case.pk,
            "recipient": recipient.role,
            "sections": [s.key for s in sections],
            "redacted": len(keys) - len(chosen),
            "kept": len(chosen),
        },
    )
    return innsyn


def recipient_of(innsyn: Innsyn) -> Recipient:
    return Recipient(innsyn.recipient_role, innsyn.recipient_name, innsyn.recipient_member_id)


def document_context(*, innsyn: Innsyn) -> dict[str, Any]:
    """The context of the copy's template, the stored choices applied."""
    case = innsyn.case
    sections = build_sections(case=case, recipient=recipient_of(innsyn))
    return {
        "innsyn": innsyn,
        "case": case,
        "service_name": case.service.name,
        "recipient_name": innsyn.recipient_name,
        "recipient_role": innsyn.get_recipient_role_display(),
        "produced_by": innsyn.produced_by.display_name(),
        "sections": apply_choices(sections, kept=set(innsyn.kept)),
    }


def render_copy(*, innsyn: Innsyn) -> bytes:
    """The copy as PDF, in Bokmål whatever language the caseworker reads Sirkel in."""
    with translation.override(settings.LANGUAGE_CODE):
        return pdf.render_pdf(TEMPLATE, document_context(innsyn=innsyn))


def render_zip(*, innsyn: Innsyn) -> bytes:
    """The copy and the documents Sirkel renders for the case: the measure plan as the family received
    it. Meeting minutes are not added as files: they name the other participants and hold what they
    said, so they are in the copy itself, with its flags, instead."""
    from sirkel.cases.plan_documents import TEMPLATE as PLAN_TEMPLATE
    from sirkel.cases.plan_documents import plan_document_context

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"innsyn-{innsyn.case_id}.pdf", render_copy(innsyn=innsyn))
        if plan_of(innsyn.case) is not None:
            with translation.override(settings.LANGUAGE_CODE):
                plan = pdf.render_pdf(PLAN_TEMPLATE, plan_document_context(innsyn.case))
            archive.writestr(f"tiltaksplan-{innsyn.case_id}.pdf", plan)
    return buffer.getvalue()


def innsyns_of(*, case: Case) -> list[Innsyn]:
    return list(Innsyn.objects.filter(case=case).select_related("produced_by", "handed_over_by"))


def get_innsyn(*, case: Case, innsyn_id: int) -> Innsyn | None:
    return (
        Innsyn.objects.filter(case=case, pk=innsyn_id).select_related("produced_by", "case__service").first()
    )


def record_download(*, acting_user: User, innsyn: Innsyn, kind: str) -> None:
    """A download of the copy (`kind`: pdf or zip) is a copy out of Sirkel: audited."""
    record_event(
        actor=acting_user,
        service=innsyn.case.service_id,
        action=AuditAction.EXPORT,
        object_type="innsyn",
        object_id=innsyn.pk,
        detail={"case": innsyn.case_id, "file": kind},
    )


@transaction.atomic
def mark_handed_over(*, acting_user: User, innsyn: Innsyn, on: date, how: str) -> Innsyn:
    """Record that the copy was handed over (once). Raises ValidationError."""
    _open_for_edit(user=acting_user, case=innsyn.case)
    if innsyn.handed_over_on is not None:
        raise ValidationError(_("This copy has already been marked as handed over."))
    if how not in HandoverHow.values:
        raise ValidationError(_("Choose how the copy was handed over."))
    if on > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    innsyn.handed_over_on, innsyn.handed_over_how, innsyn.handed_over_by = on, how, acting_user
    innsyn.save(update_fields=["handed_over_on", "handed_over_how", "handed_over_by"])
    record_event(
        actor=acting_user,
        service=innsyn.case.service_id,
        action=AuditAction.UPDATE,
        object_type="innsyn",
        object_id=innsyn.pk,
        detail={"case": innsyn.case_id, "handed_over": how, "recipient": innsyn.recipient_role},
    )
    return innsyn
