"""Model and form choices built from the taxonomy files, so a vocabulary is written down once (in YAML).

Labels come from the file's `nb` and `en` texts and follow the active language lazily, like
`gettext_lazy`: a choice list built at import time still shows Bokmål or English per request.

- `choices("network", "sides")`: `(key, lazy label)` pairs, for a form.
- `ChoicesFrom("network", "sides")`: the `choices=` of a model field. Django stores this reference in
  migrations instead of the evaluated list, so editing a label (or the active language while
  `makemigrations` runs) never changes the migration state.
- `TaxonomyChoices`: a vocabulary with named constants for the keys code branches on (`Side.PRIVATE`),
  used like Django's `TextChoices`, but its values and labels are the file's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Self, TypeVar, cast

from django.core.exceptions import ImproperlyConfigured
from django.utils.deconstruct import deconstructible
from django.utils.functional import Promise, lazy
from django.utils.translation import get_language

from sirkel.taxonomy.loader import load


def _label(item: dict[str, Any]) -> str:
    # Outside a request and in `makemigrations` (translations deactivated) there is no language: Bokmål.
    language = (get_language() or "nb").lower()
    text = item.get("en") if language.startswith("en") else item.get("nb")
    return str(text or item.get("nb") or item["key"])


_lazy_label = lazy(_label, str)


def label(item: dict[str, Any]) -> Promise:
    """The item's label in the active language, resolved when it is shown."""
    return cast(Promise, _lazy_label(item))


def items(vocabulary: str, key: str) -> list[dict[str, Any]]:
    """The entries of one list in one taxonomy file, e.g. `items("network", "sectors")`."""
    entries: list[dict[str, Any]] = load(vocabulary)[key]
    return entries


def keys(vocabulary: str, key: str) -> list[str]:
    return [str(item["key"]) for item in items(vocabulary, key)]


def choices(vocabulary: str, key: str) -> list[tuple[str, Promise]]:
    """`(key, lazy label)` pairs for a model field or form, in the file's order."""
    return [(str(item["key"]), label(item)) for item in items(vocabulary, key)]


@deconstructible(path="sirkel.taxonomy.choices.ChoicesFrom")
class ChoicesFrom:
    """A callable `choices=` for a model field: `choices=ChoicesFrom("network", "sides")`.

    Django (5.0+) calls it whenever it needs the choices and serialises the call itself into migrations,
    so the migration state depends on neither the labels nor the language. The valid values a database
    constraint allows are a separate, explicit `keys(...)` list, which does belong in a migration.
    """

    def __init__(self, vocabulary: str, key: str) -> None:
        self.vocabulary = vocabulary
        self.key = key

    def __call__(self) -> list[tuple[str, Promise]]:
        return choices(self.vocabulary, self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChoicesFrom) and (other.vocabulary, other.key) == (self.vocabulary, self.key)

    def __hash__(self) -> int:
        return hash((ChoicesFrom, self.vocabulary, self.key))

    def __repr__(self) -> str:
        return f"ChoicesFrom({self.vocabulary!r}, {self.key!r})"


_T = TypeVar("_T", bound="TaxonomyChoices")
_M = TypeVar("_M")  # unbound, as typeshed's EnumMeta.__iter__ has it


class _TaxonomyChoicesType(type):
    """Class-level `choices`, `values`, `labels` and iteration, as Django's `TextChoices` has them."""

    _vocabulary: tuple[str, str]

    @property
    def choices(cls) -> list[tuple[str, Promise]]:
        return choices(*cls._vocabulary)

    @property
    def values(cls) -> list[str]:
        return keys(*cls._vocabulary)

    @property
    def labels(cls) -> list[Promise]:
        return [label(item) for item in items(*cls._vocabulary)]

    @property
    def constants(cls) -> dict[str, str]:
        """The named constants: attribute name → key, e.g. `{"PRIVATE": "private", ...}`."""
        return {name: str(value) for name, value in vars(cls).items() if isinstance(value, TaxonomyChoices)}

    def __iter__(cls: type[_M]) -> Iterator[_M]:
        member = cast(Callable[[str], _M], cls)
        return (member(value) for value in keys(*cast(_TaxonomyChoicesType, cls)._vocabulary))

    def __len__(cls) -> int:
        return len(items(*cls._vocabulary))

    def __contains__(cls, value: object) -> bool:
        return isinstance(value, str) and value in keys(*cls._vocabulary)


class constant:
    """A named key in a `TaxonomyChoices` class body: `PRIVATE = constant("private")`.

    The class replaces it with the member when it is created, and refuses a key the file does not have.
    """

    def __init__(self, value: str) -> None:
        self.value = value

    def __get__(self, instance: object, owner: type[_T]) -> _T:
        # This tells the type checker that `Side.PRIVATE` is a `Side`. At run time the class has already
        # replaced the descriptor with the member, so this is only a fallback.
        return owner(self.value)


class TaxonomyChoices(str, metaclass=_TaxonomyChoicesType):
    """One list of a taxonomy file as a `TextChoices`-like type.

        class Side(TaxonomyChoices, vocabulary="network", key="sides"):
            PRIVATE = constant("private")
            PUBLIC = constant("public")

    A member is a `str` equal to its key (so it compares, filters, serialises and stores as the key)
    with `.value` and `.label`. `Side.values`, `Side.choices`, `Side.labels` and `for side in Side` give
    every entry of the file, named or not; `Side("private")` is the member, and a key the file does not
    have raises `ValueError` like an enum. Name only the keys code branches on.
    """

    _vocabulary: ClassVar[tuple[str, str]]

    def __init_subclass__(cls, *, vocabulary: str, key: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._vocabulary = (vocabulary, key)
        known = keys(vocabulary, key)
        for name, value in list(vars(cls).items()):
            if isinstance(value, constant):
                if value.value not in known:
                    raise ImproperlyConfigured(
                        f"{cls.__name__}.{name} is {value.value!r}, which is not a key of "
                        f"{key!r} in taxonomy/data/{vocabulary}.yaml (keys: {', '.join(known)})"
                    )
                setattr(cls, name, cls(value.value))

    def __new__(cls, value: str) -> Self:
        if value not in keys(*cls._vocabulary):
            raise ValueError(f"{value!r} is not a valid {cls.__name__}")
        return super().__new__(cls, value)

    @property
    def value(self) -> str:
        return str.__str__(self)

    @property
    def label(self) -> Promise:
        vocabulary, key = self._vocabulary
        return label(next(item for item in items(vocabulary, key) if item["key"] == self))

    # Django templates call callables; a member is a value, like a TextChoices member.
    do_not_call_in_templates: ClassVar[bool] = True
