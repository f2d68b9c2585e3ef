"""How drf-spectacular describes Sirkel's API: the Bearer token, and the errors every endpoint can give."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_doc
from drf_spectacular.utils import OpenApiParameter

from sirkel.api import idempotency
from sirkel.api.errors import PROBLEM
from sirkel.api.serializers import ProblemSerializer


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "sirkel.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token, created on the account page or with `sirkel api token`.",
        }


_DESCRIPTIONS = {
    "400": "The request has errors: `errors` says which fields and why.",
    "401": "No token, or a token that is not valid (mistyped, expired, revoked, or its user is signed out).",
    "403": "The token may only read.",
    "404": "Not found, or not yours to see: the same answer for both.",
    "406": "The `Accept` header asks for something other than JSON.",
    "409": (
        "Someone else saved since the `version` you sent, or (for a POST) a request with this "
        "`Idempotency-Key` is still being handled. Nothing was written."
    ),
    "413": "The body is larger than the server accepts.",
    "415": "The body must be JSON.",
    "422": "This `Idempotency-Key` was used for a different request.",
    "429": "Too many requests with this token; `Retry-After` says how long to wait.",
}

# The headers that come with some problems: the challenge with every 401, the wait with a 429 (DRF gives it
# whenever the throttle knows how long, which is always for the token rate).
_HEADERS: dict[str, dict[str, Any]] = {
    "401": {
        "WWW-Authenticate": {
            "required": True,
            "description": '`Bearer realm="sirkel"`: send a personal access token.',
            "schema": {"type": "string"},
        }
    },
    "429": {
        "Retry-After": {
            "description": "Seconds to wait before trying again.",
            "schema": {"type": "integer", "minimum": 0},
        }
    },
}


class SirkelAutoSchema(AutoSchema):
    """Every operation documents the problems it can answer with, as `application/problem+json`."""

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if not self.get_auth():
            return responses  # the schema and docs themselves
        method = self.method.upper()
        codes = ["400", "401", "404", "406", "429"]
        if method not in ("GET", "HEAD", "OPTIONS"):
            codes += ["403", "413", "415"]
        if method in ("PATCH", "PUT") and getattr(self.view, "versioned", False) or method == "POST":
            codes.append("409")
        if method == "POST":
            codes.append("422")
            responses.setdefault(
                "303",
                {
                    "description": (
                        "A repeat of a POST with the same `Idempotency-Key` that succeeded: `Location` is "
                        "what the first one created. Nothing more was written."
                    ),
                    "headers": {"Location": {"required": True, "schema": {"type": "string"}}},
                },
            )
        ref = self.resolve_serializer(ProblemSerializer, "response").ref
        for code in codes:
            response: dict[str, Any] = {
                "description": _DESCRIPTIONS[code],
                "content": {PROBLEM: {"schema": ref}},
            }
            if code in _HEADERS:
                response["headers"] = _HEADERS[code]
            responses.setdefault(code, response)
        return dict(sorted(responses.items()))

    def get_override_parameters(self) -> list[Any]:
        parameters: list[Any] = list(super().get_override_parameters())
        if self.method.upper() == "POST" and self.get_auth():
            parameters.append(
                OpenApiParameter(
                    name=idempotency.HEADER,
                    type={
                        "type": "string",
                        "minLength": 1,
                        "maxLength": idempotency.MAX_LENGTH,
                        "pattern": "^[ -~]+$",
                    },
                    location=OpenApiParameter.HEADER,
                    required=False,
                    description=(
                        "Any unique key (e.g. a UUID). Send the same key again when you do not know "
                        "whether the first request arrived: a repeat that succeeded answers 303 to what it "
                        "created, instead of creating it twice. Kept for a day."
                    ),
                )
            )
        return parameters

    def get_description(self) -> str:  # type: ignore[override]
        """The endpoint's own docstring or `description`; not ApiView's, which is written for developers."""
        from sirkel.api.views import ApiView

        description: str = super().get_description()
        return "" if description == get_doc(ApiView) else description
