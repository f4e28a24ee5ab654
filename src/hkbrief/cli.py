"""The ``hkbrief`` command: thin Click commands over :mod:`hkbrief.build`, :mod:`hkbrief.content` and layouts.

Errors from the library arrive as :class:`~hkbrief.errors.HkbriefError` and leave as one line per problem on
stderr with exit code 1; Click's own usage errors exit 2. Tracebacks only with ``--debug``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hkbrief import __version__
from hkbrief.errors import HkbriefError

EXAMPLES = """
\b
Examples:
  hkbrief build                      build dist/<slug>.pptx and .pdf from content.json
  hkbrief build brief.json --layout print --out out/
  hkbrief build --lang zh-Hant       the Traditional Chinese edition
  hkbrief build --lang bilingual     English and Traditional Chinese together
  hkbrief validate brief.json        check a content file without building
  hkbrief validate --lang zh-Hant    ...and list every field not translated
  hkbrief layouts                    list the built-in layouts
  hkbrief build --template brand.potx  the deck on an organisation's template
  hkbrief template inspect brand.potx  what a PowerPoint template holds
"""


class _Group(click.Group):
    """Turns hkbrief's errors into one line per problem and exit 1, unless --debug asks for the traceback."""

    def invoke(self, ctx: click.Context):  # noqa: ANN201 - Click's signature
        try:
            return super().invoke(ctx)
        except HkbriefError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo("hkbrief: interrupted; the output folder was left as it was", err=True)
            ctx.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # a bug in hkbrief: say so in one line, keep the traceback for --debug
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"hkbrief: internal error: {type(exc).__name__}: {exc} (run with --debug and report it)",
                       err=True)
            ctx.exit(1)


@click.group(cls=_Group, epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hkbrief")
@click.option("--debug", is_flag=True, help="Show full tracebacks instead of one-line errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Make an editable briefing deck (.pptx) and a one-page PDF brief from one content file."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


LANG_HELP = ("Edition: en, zh-Hant (zh-HK and zh are the same), or bilingual (en+zh-Hant); default: the"
             " content's meta.language.")


def _edition(value: str | None):
    """The languages ``--lang`` names, or None for the content's own; a usage error (exit 2) for anything else."""
    from hkbrief.errors import HkbriefError
    from hkbrief.model import edition_languages

    if value is None:
        return None
    try:
        return edition_languages(value)
    except HkbriefError as exc:
        raise click.BadParameter(exc.problems[0].message, param_hint="--lang") from None


@main.command()
@click.argument("content", default="content.json", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--lang", "language", default=None, metavar="EDITION",
              help=LANG_HELP + " With it, every field that edition shows in another language is listed.")
@click.option("--require-translations", is_flag=True,
              help="Fail (exit 1) if any field of the --lang edition is not translated.")
@click.option("--allow-outside-images", is_flag=True,
              help="Allow images outside the content file's folder.")
def validate(content: Path, language: str | None, require_translations: bool, allow_outside_images: bool) -> None:
    """Check CONTENT (default content.json) and print a one-line summary, or every problem found.

    With --lang, also list by JSON path every field that edition would show in another language (quotations are
    never translated; a name written as a plain string is a proper name and is not listed).
    """
    from hkbrief.content import load_brief
    from hkbrief.images import check_image_files
    from hkbrief.translation import fallbacks
    from hkbrief.translation import require_translations as require

    languages = _edition(language)
    brief = load_brief(content)
    check_image_files(brief, content, allow_outside_images)
    if require_translations:
        require(brief, languages or (brief.meta.language,), str(content))
    described = []
    for lang in sorted(brief.languages | {brief.meta.language}, key=str):
        missing = len(fallbacks(brief, (lang,)))
        described.append(f"{lang} ({missing} field{'s' if missing != 1 else ''} not translated)" if missing
                         else str(lang))
    click.echo(
        f"{content}: valid: {len(brief.sections)} sections, {len(brief.stats)} stats, "
        f"{len(brief.quotes)} quotes, {len(brief.sources)} sources; languages: {', '.join(described)}"
    )
    for fallback in fallbacks(brief, languages) if languages else ():
        click.echo(str(fallback.problem(str(content))))


@main.command()
@click.argument("content", default="content.json", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--layout", "-l", default="default", show_default=True, metavar="NAME|PATH",
              help="A built-in layout (see `hkbrief layouts`) or the path of a layout .toml file.")
@click.option("--out", "-o", "out_dir", default="dist", show_default=True, type=click.Path(path_type=Path),
              help="Folder to write the outputs into.")
@click.option("--format", "formats", default="pptx,pdf", show_default=True, metavar="pptx,pdf",
              help="Which outputs to write, comma-separated.")
@click.option("--lang", "language", default=None, metavar="EDITION", help=LANG_HELP)
@click.option("--paper", type=click.Choice(["a4", "letter"], case_sensitive=False), default=None,
              help="Paper size of the one-pager (default: the layout's).")
@click.option("--strict", is_flag=True, help="Fail instead of leaving items out of the one-pager.")
@click.option("--require-translations", is_flag=True,
              help="Fail instead of showing a field in another language when the edition's is missing.")
@click.option("--allow-outside-images", is_flag=True,
              help="Allow images outside the content file's folder.")
@click.option("--template", "template", type=click.Path(dir_okay=True, path_type=Path), default=None,
              metavar="FILE", help="Build the deck on a PowerPoint template (.pptx or .potx): its slide size,"
              " masters, layouts, theme colours and fonts.")
def build(content: Path, layout: str, out_dir: Path, formats: str, language: str | None, paper: str | None,
          strict: bool, require_translations: bool, allow_outside_images: bool, template: Path | None) -> None:
    """Build the deck (.pptx) and the one-pager (.pdf) from CONTENT (default content.json)."""
    from hkbrief.build import OutputFormat, build as run_build
    from hkbrief.layoutspec import Paper

    languages = _edition(language)
    chosen = []
    for item in (x.strip() for x in formats.split(",")):
        try:
            chosen.append(OutputFormat(item))
        except ValueError:
            raise click.BadParameter(f'"{item}" is not a format; use pptx, pdf or pptx,pdf',
                                     param_hint="--format") from None
    result = run_build(content, layout, out_dir, tuple(chosen), languages, Paper(paper) if paper else None, strict,
                       allow_outside_images, require_translations, template)
    for warning in result.warnings:
        click.echo(warning, err=True)
    if result.fallbacks:
        click.echo(result.fallbacks, err=True)
    for path in result.written:
        detail = f" ({result.slides} slides)" if path.suffix == ".pptx" else " (1 page)"
        click.echo(f"wrote {path}{detail}")


@main.group()
def template() -> None:
    """Look at a PowerPoint template (.pptx or .potx) before building on it."""


@template.command("inspect")
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--write-layout", "layout_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="LAYOUT.toml", help="Also write a starter layout file naming FILE and its layout mapping.")
def template_inspect(file: Path, layout_file: Path | None) -> None:
    """Print FILE's slide size, masters, layouts with their placeholders, theme, and the slide kinds' layouts."""
    from hkbrief.build import write_new_file
    from hkbrief.template import describe, read_template, starter_layout

    found = read_template(file)
    for line in describe(found):
        click.echo(line)
    if layout_file is not None:
        write_new_file(layout_file, starter_layout(found, layout_file).encode("utf-8"))
        click.echo(f"wrote {layout_file}")


@main.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace starter files that already exist.")
def init(folder: Path, force: bool) -> None:
    """Start a new brief in FOLDER (default: here): content, a layout, a picture and the schema."""
    from hkbrief.init import init_brief

    for path in init_brief(folder, force):
        click.echo(f"wrote {path}")
    content, layout = folder / "content.json", folder / "layout.toml"
    click.echo(f"next: edit {content}, then: hkbrief build {content} --layout {layout}")


@main.command()
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the schema to this file instead of printing it.")
def schema(out: Path | None) -> None:
    """Print the JSON Schema of content files (draft 2020-12), for editors that check JSON as you type."""
    from hkbrief.schema import schema_text

    text = schema_text()
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.FileError(str(out), exc.strerror) from None
    click.echo(f"wrote {out}", err=True)


@main.command()
def layouts() -> None:
    """List the built-in layouts: name, then what it is."""
    from hkbrief.layoutspec import builtin_layout_names, load_layout

    for name in builtin_layout_names():
        click.echo(f"{name:<10} {load_layout(name).description}")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
