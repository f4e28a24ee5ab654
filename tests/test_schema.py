"""The content schema: generated from the model, committed in step, and agreeing with the loader on real files."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
from click.testing import CliRunner

from hkbrief.cli import main
from hkbrief.content import brief_from_json
from hkbrief.errors import ContentError
from hkbrief.init import starter_files
from hkbrief.schema import content_schema, schema_text

from conftest import CONTENT, ROOT

COMMITTED = ROOT / "schema" / "content.schema.json"


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_the_committed_copy_is_what_the_model_generates():
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        "schema/content.schema.json is out of step with the model: run `hkbrief schema -o schema/content.schema.json`")


def test_the_schema_is_a_valid_draft_2020_12_schema():
    schema = content_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_every_model_field_is_in_the_schema():
    import dataclasses

    from hkbrief import model

    schema = content_schema()
    for cls in (model.Meta, model.Section, model.Stat, model.Quote, model.Source, model.Image):
        properties = schema["$defs"][cls.__name__]["properties"]
        assert set(properties) == {f.name for f in dataclasses.fields(cls)}, cls.__name__
    assert set(schema["properties"]) == {"$schema"} | {f.name for f in dataclasses.fields(model.Brief)
                                                        if not f.name.startswith("_")}


def test_content_json_names_the_committed_schema_and_validates():
    data = json.loads(CONTENT.read_text(encoding="utf-8"))
    assert (CONTENT.parent / data["$schema"]).resolve() == COMMITTED.resolve()
    validator().validate(data)
    brief_from_json(data, "content.json")  # the loader accepts "$schema"


def test_the_starter_brief_validates_and_names_its_schema_copy():
    files = {item.name: item.data for item in starter_files()}
    data = json.loads(files["content.json"])
    validator().validate(data)
    assert files[data["$schema"].removeprefix("./")] == COMMITTED.read_bytes()


BROKEN = [
    ("a missing title", lambda d: d["meta"].pop("title")),
    ("an unknown key", lambda d: d["meta"].__setitem__("tittle", "x")),
    ("no sections", lambda d: d.__setitem__("sections", [])),
    ("a section with no bullets", lambda d: d["sections"][0].__setitem__("bullets", [])),
    ("a bad id", lambda d: d["stats"][0].__setitem__("id", "Industry Fund")),
    ("an unknown language", lambda d: d["meta"]["title"].__setitem__("fr", "Hong Kong")),
    ("a number for text", lambda d: d["stats"][0].__setitem__("value", 10)),
    ("a date in another format", lambda d: d["meta"].__setitem__("date", "25/11/2026")),
    ("an unfeaturable kind", lambda d: d["featured"].append("section:super-connector")),
    ("a language outside the set", lambda d: d["meta"].__setitem__("language", "fr")),
]


@pytest.mark.parametrize(("what", "breaks"), BROKEN, ids=[what for what, _ in BROKEN])
def test_broken_copies_fail_the_schema_and_the_loader(content_data, what, breaks):
    broken = copy.deepcopy(content_data)
    breaks(broken)
    assert list(validator().iter_errors(broken)), f"the schema accepted {what}"
    with pytest.raises(ContentError):
        brief_from_json(broken, "content.json")


def test_schema_key_must_be_a_string(content_data):
    content_data["$schema"] = 3
    with pytest.raises(ContentError, match=r'\["\$schema"\]: expected the path'):
        brief_from_json(content_data, "content.json")


def test_the_schema_command_prints_or_writes_it(tmp_path):
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0 and result.output == schema_text()
    out = tmp_path / "content.schema.json"
    result = CliRunner().invoke(main, ["schema", "-o", str(out)])
    assert result.exit_code == 0 and out.read_text(encoding="utf-8") == schema_text()
