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
  hkbrief validate brief.json        check a content file without building
  hkbrief layouts                    list the built-in layouts
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


@main.command()
@click.argument("content", default="content.json", type=click.Path(dir_okay=True, path_type=Path))
def validate(content: Path) -> None:
    """Check CONTENT (default content.json) and print a one-line summary, or every problem found."""
    from hkbrief.content import load_brief

    brief = load_brief(content)
    languages = ", ".join(sorted(str(lang) for lang in brief.languages))
    click.echo(
        f"{content}: valid: {len(brief.sections)} sections, {len(brief.stats)} stats, "
        f"{len(brief.quotes)} quotes, {len(brief.sources)} sources; languages: {languages}"
    )


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
