"""Serializers every app's endpoints share: the problem body, and fields with Sirkel's conventions."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, TypeVar

from django.db import models
from rest_framework import serializers
from rest_framework.fields import Field

_M = TypeVar("_M", bound=models.Model)


class ProblemSerializer(serializers.Serializer[dict[str, object]]):
    """An error, as RFC 9457 describes it; `errors` names the fields that need attention."""

    type = serializers.CharField(help_text="Always `about:blank`: the status says what kind of error.")
    title = serializers.CharField(help_text="The status in words, in the request's language.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong and what to do, in plain language.")
    # A declared field is taken out of the class body, so it does not shadow `Serializer.errors`.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For 400: messages by field (`__all__` for the request as a whole).",
    )


MAX_ID = 2_147_483_647  # the largest id an endpoint accepts in a body or a filter


class IdField(serializers.IntegerField):
    """The id of a row, in a body or a filter, that the endpoint looks up itself (within the case)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class VersionField(serializers.IntegerField):
    """The version the client read. A write with an older one answers 409 and changes nothing."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault(
            "help_text",
            "The `version` you read. If someone saved since, the answer is 409 and nothing changes.",
        )
        super().__init__(**kwargs)  # type: ignore[arg-type]


class OutputSerializer(serializers.ModelSerializer[_M]):
    """A read-only view of a model for an API response, documented as it really answers.

    DRF drops `allow_blank` from a read-only model field, so a choice or URL field the model lets be
    empty ("" — no contact frequency given, no video link) was documented as never empty, and the schema
    contradicted the answers. Here the blank stays documented: a choice field lists "" among its values,
    and a URL field is a string that may be empty.
    """

    def build_standard_field(
        self, field_name: str, model_field: Any
    ) -> tuple[type[Field[Any, Any, Any, Any]], dict[str, Any]]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if getattr(model_field, "blank", False) and field_class is serializers.URLField:
            field_class = serializers.CharField
        return field_class, kwargs

    def include_extra_kwargs(
        self, kwargs: MutableMapping[str, Any], extra_kwargs: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        allow_blank = kwargs.get("allow_blank", False)
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if allow_blank:
            kwargs["allow_blank"] = True
        return kwargs
