"""Serializers every app's endpoints share: the problem body, and fields with Sirkel's conventions."""

from __future__ import annotations

from rest_framework import serializers


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


class VersionField(serializers.IntegerField):
    """The version the client read. A write with an older one answers 409 and changes nothing."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2_147_483_647)
        kwargs.setdefault(
            "help_text",
            "The `version` you read. If someone saved since, the answer is 409 and nothing changes.",
        )
        super().__init__(**kwargs)  # type: ignore[arg-type]
