"""The JSON Schema (draft 2020-12) of content files, generated from :mod:`hkbrief.model`.

The schema is read off the model's dataclasses and their type hints, so a field added to the model appears in the
schema without anyone writing it twice; ``tests/test_schema.py`` keeps the committed copy
(``schema/content.schema.json``, which content files name in ``"$schema"``) equal to what this module generates.
It is for editors: completion, hover text and errors as you type. The loader (:mod:`hkbrief.content`) stays the
authority and checks more than a schema can say (references between items, characters, lengths).

How model types map to JSON: a :class:`~hkbrief.model.Text` is a string or a map of languages to strings; a
``tuple[X, ...]`` is an array; a field with a default is optional; ``X | None`` is optional too; an enum is its
values; a date is ``YYYY-MM-DD``; a :class:`~hkbrief.model.FeatureRef` is ``"stat:<id>"`` or ``"quote:<id>"``;
fields named ``id`` or ``source`` and lists of ``stats``/``quotes`` hold ids.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import inspect
import json
import types
import typing
from typing import Any

from hkbrief import model
from hkbrief.content import ID_PATTERN

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Field names whose plain strings are ids of other items (or of the item itself).
_ID_FIELDS = frozenset({"id", "source"})
_ID_LIST_FIELDS = frozenset({"stats", "quotes"})
# Lists the loader requires to be non-empty; the model's types cannot say "at least one".
_NON_EMPTY = frozenset({("Brief", "sections"), ("Section", "bullets"), ("Brief", "takeaways")})


def _summary(cls: type) -> str | None:
    """The first paragraph of a class's docstring, on one line (dataclasses without one get a generated one)."""
    doc = inspect.getdoc(cls) or ""
    if not doc or doc.startswith(f"{cls.__name__}("):
        return None
    return " ".join(doc.split("\n\n")[0].split()).replace("``", "`")


class _Generator:
    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}

    def ref(self, name: str) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{name}"}

    def common_defs(self) -> None:
        languages = [str(language) for language in model.Language]
        self.defs["Id"] = {"type": "string", "pattern": ID_PATTERN.pattern,
                           "description": "Lowercase letters, digits and hyphens, starting with a letter or digit."}
        self.defs["Language"] = {"enum": languages, "description": _summary(model.Language)}
        self.defs["Text"] = {
            "description": _summary(model.Text) + " Write a string, or a map of language to string.",
            "oneOf": [
                {"type": "string", "minLength": 1},
                {"type": "object", "minProperties": 1, "propertyNames": {"enum": languages},
                 "additionalProperties": {"type": "string", "minLength": 1}},
            ],
        }
        kinds = "|".join(str(kind) for kind in model.FeatureKind)
        self.defs["FeatureRef"] = {
            "type": "string", "pattern": f"^({kinds}):{ID_PATTERN.pattern[1:]}",
            "description": "An item for the one-pager to feature: " + " or ".join(
                f'"{kind}:<id>"' for kind in model.FeatureKind) + ".",
        }

    def of_type(self, hint: Any, owner: str, field_name: str) -> dict[str, Any]:
        origin = typing.get_origin(hint)
        if origin in (types.UnionType, typing.Union):
            options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
            if len(options) != 1:
                raise TypeError(f"{owner}.{field_name}: cannot express {hint} in the schema")
            return self.of_type(options[0], owner, field_name)
        if origin is tuple:
            item, *rest = typing.get_args(hint)
            if rest != [Ellipsis]:
                raise TypeError(f"{owner}.{field_name}: only tuple[X, ...] is supported, not {hint}")
            items = self.ref("Id") if field_name in _ID_LIST_FIELDS and item is str else self.of_type(
                item, owner, field_name)
            array: dict[str, Any] = {"type": "array", "items": items}
            if (owner, field_name) in _NON_EMPTY:
                array["minItems"] = 1
            return array
        if hint is model.Text:
            return self.ref("Text")
        if hint is model.FeatureRef:
            return self.ref("FeatureRef")
        if hint is model.Language:
            return self.ref("Language")
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            return {"enum": [member.value for member in hint]}
        if hint is str:
            if field_name in _ID_FIELDS:
                return self.ref("Id")
            if field_name == "url":
                return {"type": "string", "format": "uri", "pattern": "^https?://\\S+$"}
            return {"type": "string", "minLength": 1}
        if hint is bool:
            return {"type": "boolean"}
        if hint is dt.date:
            return {"type": "string", "format": "date", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"}
        if dataclasses.is_dataclass(hint):
            return self.object(hint)
        raise TypeError(f"{owner}.{field_name}: no JSON Schema for {hint!r}; teach hkbrief.schema this type")

    def object(self, cls: type) -> dict[str, Any]:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # reserve the name first, so a type that refers to itself terminates
            hints = typing.get_type_hints(cls, vars(model))
            properties: dict[str, Any] = {}
            required: list[str] = []
            for item in dataclasses.fields(cls):
                if item.name.startswith("_"):
                    continue
                properties[item.name] = self.of_type(hints[item.name], name, item.name)
                if item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING:
                    required.append(item.name)
            body: dict[str, Any] = {"type": "object"}
            if summary := _summary(cls):
                body["description"] = summary
            body.update(properties=properties, required=required, additionalProperties=False)
            self.defs[name] = body
        return self.ref(name)


def content_schema() -> dict[str, Any]:
    """The JSON Schema of a content file, as a JSON-ready dict."""
    generator = _Generator()
    generator.common_defs()
    generator.object(model.Brief)
    root = generator.defs.pop("Brief")
    root["properties"] = {"$schema": {"type": "string", "description": "The schema this file follows (for editors)."},
                          **root["properties"]}
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "hkbrief content",
        **root,
        "$defs": dict(sorted(generator.defs.items())),
    }


def schema_text() -> str:
    """The schema as the committed file holds it: two-space indents, UTF-8 characters, a final newline."""
    return json.dumps(content_schema(), indent=2, ensure_ascii=False) + "\n"


__all__ = ["SCHEMA_DIALECT", "content_schema", "schema_text"]
