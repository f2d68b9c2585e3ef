"""The OpenAPI document: served without a token, valid OpenAPI 3, and complete: every endpoint under
/api/v1/ in the URL configuration is in it, each with its id, summary, Bearer security and problems. The
documentation page loads nothing from outside."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from drf_spectacular.validation import validate_schema

from sirkel.api.errors import PROBLEM

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture
def schema(db: None) -> dict[str, Any]:
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content
    document: dict[str, Any] = response.json()
    return document


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), path, operation


def _route(pattern: object) -> str:
    """A URL pattern's piece of path in the schema's notation: `cases/<id:case_id>/` → `cases/{case_id}/`."""
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern))
    if isinstance(pattern, RegexPattern):
        regex = str(pattern).lstrip("^").rstrip("$").replace("\\Z", "")
        return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", regex)
    raise AssertionError(f"unknown kind of URL pattern: {pattern!r}")


def _urls(patterns: list[Any], prefix: str = "/") -> Iterator[str]:
    for entry in patterns:
        path = prefix + _route(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _urls(entry.url_patterns, path)
        elif isinstance(entry, URLPattern):
            yield path


def api_urls() -> set[str]:
    return {path for path in _urls(get_resolver().url_patterns) if path.startswith("/api/v1/")}


def test_the_schema_is_served_without_a_token_and_is_valid_openapi_3(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # type: ignore[no-untyped-call]  # raises on any violation of OpenAPI 3


def test_the_schema_passes_openapi_spec_validator(schema: dict[str, Any]) -> None:
    """A second, independent validator of the OpenAPI 3 document (the first is drf-spectacular's)."""
    from openapi_spec_validator import validate

    validate(schema)


def test_every_api_url_is_in_the_schema(schema: dict[str, Any]) -> None:
    urls = api_urls()
    assert "/api/v1/cases/" in urls  # the walk over the URL configuration finds the endpoints at all
    missing = sorted(urls - set(schema["paths"]))
    assert not missing, f"endpoints under /api/v1/ that the schema does not describe: {missing}"


def test_every_operation_is_named_summarised_secured_and_documents_its_problems(
    schema: dict[str, Any],
) -> None:
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    found = list(operations(schema))
    assert found
    ids = [operation.get("operationId") for _method, _path, operation in found]
    assert len(set(ids)) == len(ids), "operationIds must be unique"
    for method, path, operation in found:
        where = f"{method} {path}"
        assert operation.get("operationId"), f"{where} has no operationId"
        assert operation.get("summary"), f"{where} has no summary"
        assert {"bearerAuth": []} in operation.get("security", []), f"{where} is not secured by bearerAuth"
        for code in ("401", "404"):
            response = operation["responses"].get(code)
            assert response is not None, f"{where} does not document {code}"
            assert PROBLEM in response.get("content", {}), f"{where}: {code} is not {PROBLEM}"
            assert response["content"][PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}
        assert "WWW-Authenticate" in operation["responses"]["401"].get("headers", {}), where
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            assert {"403", "413", "415"} <= set(operation["responses"]), f"{where} lacks write problems"


def test_a_list_is_documented_as_the_page_it_answers(schema: dict[str, Any]) -> None:
    ok = schema["paths"]["/api/v1/cases/"]["get"]["responses"]["200"]
    ref = ok["content"]["application/json"]["schema"]
    page = schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[-1]]
    assert page["type"] == "object"
    assert set(page["required"]) == {"count", "next", "results"}
    assert page["properties"]["results"]["type"] == "array"


def test_a_patch_body_keeps_its_required_version(schema: dict[str, Any]) -> None:
    """Endpoints validate a PATCH with the whole serializer, so `version` is required there too."""
    checked = 0
    for method, path, operation in operations(schema):
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        if method != "PATCH" or "$ref" not in body.get("schema", {}):
            continue
        component = schema["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[-1]]
        if "version" in component.get("properties", {}):
            assert "version" in component.get("required", []), f"{method} {path}"
            checked += 1
    assert checked


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.urls.append(value)


def test_the_docs_page_is_served_without_a_token_and_loads_only_local_assets(db: None) -> None:
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    parser = _Assets()
    parser.feed(html)
    assert parser.urls, "the page loads no scripts or styles at all"
    # Sirkel's static files, and the page's own start-up script (served apart for the CSP: no inline script).
    outside = [url for url in parser.urls if not url.startswith("/static/") and url != "/api/docs/?script="]
    assert "/api/docs/?script=" in parser.urls
    assert not outside, f"assets from elsewhere than /static/: {outside}"
    assert not re.search(r"""(?:src|href|url)\s*[=:(]\s*["']?(?:https?:)?//""", html), "an absolute URL"
