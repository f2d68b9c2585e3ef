"""The participants' own pages, reached by a link without an account: `/lenke/<token>/`.

The URL carries nothing but the token, so there is no other object to tamper with. The page shows the one
thing the link is for (the participant's own actions, feedback on one meeting, a parent's or the child's
view at an evaluation, their own network map) and nothing else of the case. It uses no session sign-in:
`request.user` is never read, so a signed-in caseworker opening a link is the link's holder like anyone
else, and the link reaches no staff URL. An unknown, expired or revoked token gets one and the same
"this link no longer works" page (404). Requests are limited per client address and per token
(`SIRKEL_LINK_RATE` a minute, default 30; over it: 429). Every answer is `Cache-Control: no-store` and
`Referrer-Policy: same-origin`: the token must not reach another site's logs through a Referer, nor stay
in a shared computer's cache. (Not `no-referrer`: with it a browser posts the page's forms with
`Origin: null`, which the CSRF check rightly refuses; `same-origin` sends the Referer and Origin to Sirkel
alone.)
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import urlencode

from sirkel.core.forms import add_service_errors
from sirkel.evaluation import links
from sirkel.evaluation.models import LinkPurpose, ParticipantLink
from sirkel.evaluation.public_forms import ChildViewForm, FeedbackForm, ParentViewForm
from sirkel.network.perspective_pages import draw_for_link

DEFAULT_RATE = 30  # requests a minute, per client address and per token
METHODS = ("GET", "HEAD", "POST")


def _window() -> int:
    """The current minute: the rate limit counts requests per minute."""
    return int(time.time() // 60)


def _count(key: str) -> int:
    cache.add(key, 0, timeout=120)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        return 1


def over_limit(request: HttpRequest, token: str) -> bool:
    """Count this request against the client's address and the token; True when either is over the rate.
    The token is counted by a prefix of its hash, never by itself."""
    limit = int(getattr(settings, "SIRKEL_LINK_RATE", DEFAULT_RATE))
    window = _window()
    address = request.META.get("REMOTE_ADDR", "")
    by_address = _count(f"participant-link:addr:{address}:{window}")
    by_token = _count(f"participant-link:token:{links.hash_token(token)[:24]}:{window}")
    return by_address > limit or by_token > limit


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _language(request: HttpRequest, default: str) -> str:
    chosen = request.GET.get("lang", "")
    return chosen if chosen in links.LANGUAGES else default


def gone(request: HttpRequest) -> HttpResponse:
    """One plain page for every link that does not work: never a hint whether it existed. Its body is the
    same for all of them (no CSRF token, no token, nothing of the request but the chosen language)."""
    with translation.override(_language(request, translation.get_language() or "nb")):
        response = render(request, "evaluation/public/gone.html", {"switch": _switch(request)}, status=404)
    return _private(response)


def too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "evaluation/public/too_many.html", {"switch": []}, status=429)
    response["Retry-After"] = "60"
    return _private(response)


def _switch(request: HttpRequest) -> list[dict[str, str]]:
    """The language links: the same page in Bokmål and in English (the token stays in the path only)."""
    current = translation.get_language()
    return [
        {"code": code, "name": name, "href": "?" + urlencode({"lang": code}), "current": str(code == current)}
        for code, name in (("nb", "Norsk bokmål"), ("en", "English"))
    ]


def page(request: HttpRequest, token: str) -> HttpResponse:
    if request.method not in METHODS:
        return _private(HttpResponseNotAllowed(METHODS))
    if over_limit(request, token):
        return too_many(request)
    link = links.resolve(token)
    if link is None:
        return gone(request)
    language = _language(request, link.language)
    with translation.override(language):
        try:
            response = _answer(request, link, language)
        except (PermissionDenied, Http404):
            return gone(request)
    return _private(response)


def _answer(request: HttpRequest, link: ParticipantLink, language: str) -> HttpResponse:
    links.record_use(link=link)
    context: dict[str, Any] = {
        "link": link,
        "first_name": links.first_name(link),
        "switch": _switch(request),
        "language": language,
        "saved": request.GET.get("saved") == "1",
        "form_action": "?" + urlencode({"lang": language}),
    }
    if link.purpose == LinkPurpose.ACTIONS:
        return _actions(request, link, context)
    if link.purpose == LinkPurpose.FEEDBACK:
        return _feedback(request, link, context)
    if link.purpose == LinkPurpose.MAP:
        return draw_for_link(request, link, context)
    if link.for_child:
        return _child(request, link, context)
    return _parent(request, link, context)


def _saved(request: HttpRequest, language: str) -> HttpResponse:
    """After a save: the same page again (a GET), with the thank-you note."""
    return HttpResponseRedirect(request.path + "?" + urlencode({"lang": language, "saved": "1"}))


def _actions(request: HttpRequest, link: ParticipantLink, context: dict[str, Any]) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            action_id = int(request.POST.get("action", ""))
        except ValueError:
            action_id = 0
        try:
            links.mark_action_done(link=link, action_id=action_id)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return _saved(request, context["language"])
    context.update({"actions": links.actions_for(link=link), "error": error})
    return render(request, "evaluation/public/actions.html", context, status=400 if error else 200)


def _feedback(request: HttpRequest, link: ParticipantLink, context: dict[str, Any]) -> HttpResponse:
    stored = links.feedback_of(link)
    initial = (
        {"felt_heard": stored.felt_heard, "useful": stored.useful, "comment": stored.comment}
        if stored
        else {}
    )
    form = FeedbackForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            links.save_feedback(link=link, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _saved(request, context["language"])
    context.update({"form": form, "stored": stored})
    return render(request, "evaluation/public/feedback.html", context)


def _parent(request: HttpRequest, link: ParticipantLink, context: dict[str, Any]) -> HttpResponse:
    stored = links.judgement_of(link)
    initial = {"effect": stored.effect, "text": stored.text} if stored else {}
    form = ParentViewForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            links.save_parent_view(
                link=link, effect=form.cleaned_data["effect"], text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _saved(request, context["language"])
    context.update({"form": form, "stored": stored})
    return render(request, "evaluation/public/parent.html", context)


def _child(request: HttpRequest, link: ParticipantLink, context: dict[str, Any]) -> HttpResponse:
    stored = links.judgement_of(link)
    initial = (
        {
            "scale": stored.child_scale,
            "words": stored.text,
            "wants_next": stored.child_wants_next,
            "helped_by": stored.child_helped_by,
        }
        if stored and not stored.declined
        else {}
    )
    declined = request.method == "POST" and request.POST.get("declined") == "1"
    form = ChildViewForm(
        request.POST if request.method == "POST" else None, initial=initial, declined=declined
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        view = links.ChildView(
            scale=data.get("scale") or None,
            words=data.get("words", ""),
            wants_next=data.get("wants_next", ""),
            helped_by=data.get("helped_by", ""),
            declined=declined,
        )
        try:
            links.save_child_view(link=link, view=view)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _saved(request, context["language"])
    context.update({"form": form, "stored": stored})
    return render(request, "evaluation/public/child.html", context)
