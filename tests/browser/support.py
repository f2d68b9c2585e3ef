"""Shared helpers for the browser tests: the axe check, keyboard navigation and type aliases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from sirkel.accounts.models import Service, User
from sirkel.cases.models import Case
from sirkel.cases.services import create_case

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}

# Runs axe and returns plain data, so a failure message can list every violation.
AXE_RUN = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary || ''})),
  }));
}
"""

AxeCheck = Callable[[Page], None]
SignIn = Callable[..., None]
Screenshot = Callable[[Page, str], None]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """All axe violations on the page for the WCAG 2.0/2.1 A and AA rules."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated, not added as a <script>: the pages' Content-Security-Policy refuses inline script.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN, AXE_TAGS)
    return violations


def check_accessible(page: Page) -> None:
    """Fail when axe finds a serious or critical WCAG 2.1 A/AA violation on the current page."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"{len(blocking)} serious/critical accessibility violation(s) on {page.url}:"]
        for v in blocking:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
            for node in v["nodes"]:
                summary = " ".join(node["summary"].split())
                lines.append(f"    {node['target']}: {summary}")
        pytest.fail("\n".join(lines), pytrace=False)


def focused_id(page: Page) -> str:
    """The id of the focused element ('' when it has none)."""
    value: str = page.evaluate("() => document.activeElement ? document.activeElement.id : ''")
    return value


def tab_to(page: Page, selector: str, *, max_presses: int = 40) -> None:
    """Press Tab until the element matching selector has focus; fail if the tab order never reaches it."""
    target = page.locator(selector)
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if target.evaluate("(el) => el === document.activeElement"):
            return
    pytest.fail(f"{max_presses} presses of Tab never reached {selector}", pytrace=False)


# The contrast between the focused element's outline and the background of the nearest ancestor
# that paints one (WCAG 1.4.11: a focus indicator needs 3:1 against what is next to it).
FOCUS_RING_CONTRAST = """
() => {
  const rgb = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const el = document.activeElement;
  const style = getComputedStyle(el);
  if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) === 0) return 0;
  let background = [255, 255, 255];
  for (let node = el.parentElement; node; node = node.parentElement) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour.length === 3 || colour[3] === 1) {
      background = colour.slice(0, 3);
      break;
    }
  }
  const [a, b] = [luminance(rgb(style.outlineColor).slice(0, 3)), luminance(background)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
"""


def focus_ring_contrast(page: Page) -> float:
    """Contrast ratio of the focused element's outline against the background around it (0: no outline)."""
    ratio: float = page.evaluate(FOCUS_RING_CONTRAST)
    return ratio


def own_case(
    caseworker: User, *, given: str, family: str, years: int, days_older: int = 0, known_days: int = 200
) -> Case:
    """A new case in the caseworker's own service, of a child `years` old (and `days_older` days), known to
    the service for `known_days`, in the support phase."""
    today = timezone.localdate()
    return create_case(
        acting_user=caseworker,
        service=Service.objects.get(pk=caseworker.memberships.values_list("service_id", flat=True)[0]),
        caseworker=caseworker,
        child_given_name=given,
        child_family_name=family,
        birth_date=today.replace(year=today.year - years) - timedelta(days=days_older),
        first_contact_date=today - timedelta(days=known_days),
        phase="support",
    )
