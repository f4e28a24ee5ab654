"""The ``hkbrief`` command: thin Click commands over :mod:`hkbrief.build`, :mod:`hkbrief.content` and layouts.

Errors from the library arrive as :class:`~hkbrief.errors.HkbriefError` and leave as one line per problem on
stderr with exit code 1; Click's own usage errors exit 2. Tracebacks only with ``--debug``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hkbrief import __version__
from hkbrief.collector import collect_rarely
from hkbrief.errors import HkbriefError

EXAMPLES = """
\b
Examples:
  hkbrief build                      build dist/<slug>.pptx and .pdf from content.json
  hkbrief build brief.json --layout print --out out/
  hkbrief build --lang zh-Hant       the Traditional Chinese edition
  hkbrief build --lang bilingual     English and Traditional Chinese together
  hkbrief validate brief.json        check a content file as build would, writing nothing
  hkbrief validate --lang zh-Hant    ...and list every field not translated
  hkbrief layouts                    list the built-in layouts
  hkbrief init mission/              start a new brief (content, layout, picture, schema)
  hkbrief preview                    PNGs of every slide and a contact sheet in dist/preview/
  hkbrief watch --serve              rebuild on every save; the preview live in a browser
  hkbrief build briefs/ --jobs 2     every brief in a folder, two at a time
  hkbrief build -o out/mission.pptx  just the deck, under that name
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
        except KeyboardInterrupt as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            # hkbrief.replace says what the folder holds when Ctrl-C came during the replacement itself
            state = getattr(exc, "state", None) or "interrupted; the output folder was left as it was"
            click.echo(f"hkbrief: {state}", err=True)
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
    collect_rarely()
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
@click.option("--layout", "-l", default="default", show_default=True, metavar="NAME|PATH",
              help="The layout to arrange with, as for build.")
@click.option("--lang", "language", default=None, metavar="EDITION",
              help=LANG_HELP + " With it, only that edition is checked and every field it shows in another"
                               " language is listed; without it, the edition in every language the content holds.")
@click.option("--paper", type=click.Choice(["a4", "letter"], case_sensitive=False), default=None,
              help="Paper size of the one-pager (default: the layout's).")
@click.option("--strict", is_flag=True, help="Fail where build --strict would (items left out of the one-pager).")
@click.option("--require-translations", is_flag=True,
              help="Fail (exit 1) if any field of the --lang edition is not translated.")
@click.option("--template", "template", type=click.Path(dir_okay=True, path_type=Path), default=None,
              metavar="FILE", help="Check the deck as built on this PowerPoint template, as for build.")
@click.option("--allow-outside-images", is_flag=True,
              help="Allow images outside the content file's folder.")
def validate(content: Path, layout: str, language: str | None, paper: str | None, strict: bool,
             require_translations: bool, template: Path | None, allow_outside_images: bool) -> None:
    """Check CONTENT (default content.json) as build would, writing nothing, and print a one-line summary, or
    every problem found.

    Besides the fields, it checks images and that every character is in a bundled font, and arranges and renders
    the deck and the one-pager in memory with the layout, so text that does not fit is reported here too. With
    --lang, also list by JSON path every field that edition would show in another language (quotations are never
    translated; a name written as a plain string is a proper name and is not listed).
    """
    from hkbrief.build import check
    from hkbrief.layoutspec import Paper
    from hkbrief.translation import fallbacks

    languages = _edition(language)
    result = check(content, layout, languages, Paper(paper) if paper else None, strict, allow_outside_images,
                   require_translations, template)
    for warning in result.warnings:
        click.echo(warning, err=True)
    brief = result.brief
    fitted = "; ".join(f"{'+'.join(map(str, edition))}: {slides} slides and a one-page PDF"
                       + (f" ({len(left)} featured items left out)" if left else "")
                       for edition, slides, left in zip(result.editions, result.slides, result.omitted))
    described = []
    for lang in sorted(brief.languages | {brief.meta.language}, key=str):
        missing = len(fallbacks(brief, (lang,)))
        described.append(f"{lang} ({missing} field{'s' if missing != 1 else ''} not translated)" if missing
                         else str(lang))
    click.echo(
        f"{content}: valid: {len(brief.sections)} sections, {len(brief.stats)} stats, "
        f"{len(brief.quotes)} quotes, {len(brief.sources)} sources; languages: {', '.join(described)}; "
        f"fits layout {layout}: {fitted}"
    )
    for fallback in fallbacks(brief, languages) if languages else ():
        click.echo(str(fallback.problem(str(content))))


def _complete_layout(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    """Shell completion for --layout: the built-in names, then layout files (the shell completes paths)."""
    from click.shell_completion import CompletionItem

    from hkbrief.layoutspec import builtin_layout_names

    names = [CompletionItem(n) for n in builtin_layout_names() if n.startswith(incomplete)]
    return names + [CompletionItem(incomplete, type="file")]


def layout_option(function):
    return click.option("--layout", "-l", default="default", show_default=True, metavar="NAME|PATH",
                        shell_complete=_complete_layout,
                        help="A built-in layout (see `hkbrief layouts`) or the path of a layout .toml file.")(function)


def verbosity_options(function):
    function = click.option("--verbose", "-v", is_flag=True, help="Also print how long each stage took.")(function)
    return click.option("--quiet", "-q", is_flag=True, help="Print errors only.")(function)


def _console(quiet: bool, verbose: bool):
    from hkbrief.console import Console, Verbosity

    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose contradict each other; give one")
    return Console(Verbosity.QUIET if quiet else Verbosity.VERBOSE if verbose else Verbosity.NORMAL)


def template_option(function):
    return click.option("--template", "template", type=click.Path(dir_okay=True, path_type=Path), default=None,
                        metavar="FILE", help="Build the deck on a PowerPoint template (.pptx or .potx): its slide"
                        " size, masters, layouts, theme colours and fonts.")(function)


FORMAT_NAMES = "pptx, pdf, slides-pdf"


def parse_formats(text: str) -> tuple:
    """``PPTX, pdf`` -> (PPTX, PDF): any case, spaces ignored, each format once, in the order given."""
    from hkbrief.build import OutputFormat

    chosen: list[OutputFormat] = []
    for item in (x.strip().lower() for x in text.split(",")):
        if not item:
            continue
        try:
            output = OutputFormat(item)
        except ValueError:
            raise click.BadParameter(f'"{item}" is not a format; use {FORMAT_NAMES}, or several separated by'
                                     " commas (pptx,pdf)", param_hint="--format") from None
        if output not in chosen:
            chosen.append(output)
    if not chosen:
        raise click.BadParameter(f"name at least one format: {FORMAT_NAMES}", param_hint="--format")
    return tuple(chosen)


FILE_SUFFIXES = {".pptx": ("pptx",), ".pdf": ("pdf", "slides-pdf")}


def resolve_out(out: Path, formats: tuple | None, name: str | None, several: bool) -> tuple[Path, Path | None, tuple]:
    """``--out`` as (folder, file or None, formats). A path ending in .pptx or .pdf that is not an existing folder
    is a file name: honoured for exactly one format (inferred from the suffix when --format is not given),
    refused otherwise; never made into a folder."""
    from hkbrief.build import OutputFormat

    suffix = out.suffix.lower()
    if suffix not in FILE_SUFFIXES or out.is_dir():
        return out, None, formats or (OutputFormat.PPTX, OutputFormat.PDF)
    hint = "--out"
    if several:
        raise click.BadParameter(f"{out} is a file name, but several briefs are being built; give a folder",
                                 param_hint=hint)
    if name is not None:
        raise click.BadParameter(f"{out} already names the file; leave out --name, or give --out a folder",
                                 param_hint=hint)
    if formats is None:
        formats = (OutputFormat(FILE_SUFFIXES[suffix][0]),)
    if len(formats) != 1:
        raise click.BadParameter(f"{out} is a file name, which holds one output, but --format asks for "
                                 f"{len(formats)}; give one format, or give --out a folder", param_hint=hint)
    if str(formats[0]) not in FILE_SUFFIXES[suffix]:
        raise click.BadParameter(f"{out} ends in {out.suffix} but --format is {formats[0]}; make them agree",
                                 param_hint=hint)
    return out.parent, out, formats


@main.command()
@click.argument("contents", nargs=-1, metavar="[CONTENT|FOLDER]...",
                type=click.Path(dir_okay=True, path_type=Path))
@layout_option
@click.option("--out", "-o", "out", default="dist", show_default=True, type=click.Path(path_type=Path),
              help="Folder to write into; or, for one output, its file name (ending in .pptx or .pdf).")
@click.option("--format", "formats", default=None, metavar="FORMATS",
              help=f"Which outputs to write, comma-separated, any case: {FORMAT_NAMES}  [default: pptx,pdf]")
@click.option("--name", "name", default=None, metavar="STEM",
              help="Call the outputs STEM.pptx, STEM.pdf, STEM-slides.pdf (default: from the title).")
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
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="With several briefs: how many to build at once, in parallel processes (0: one per core).")
@verbosity_options
def build(contents: tuple[Path, ...], layout: str, out: Path, formats: str | None, name: str | None,
          language: str | None, paper: str | None, strict: bool, require_translations: bool,
          allow_outside_images: bool, template: Path | None, jobs: int, quiet: bool, verbose: bool) -> None:
    """Build the deck (.pptx) and the one-pager (.pdf) from CONTENT (default content.json).

    Give several content files, or a folder of them, to build them all; one that fails does not stop the others.
    """
    from hkbrief.batch import BuildOptions, expand_inputs
    from hkbrief.build import check_stem
    from hkbrief.layoutspec import Paper

    console = _console(quiet, verbose)
    languages = _edition(language)
    paths = expand_inputs(contents or (Path("content.json"),))
    several = len(paths) > 1
    if name is not None and several:
        raise click.BadParameter("one name cannot be given to several briefs' outputs; leave it out",
                                 param_hint="--name")
    if name is not None:
        check_stem(name)
    out_dir, out_file, chosen = resolve_out(out, parse_formats(formats) if formats is not None else None, name,
                                            several)
    options = BuildOptions(layout, out_dir, chosen, languages, Paper(paper) if paper else None, strict,
                           allow_outside_images, name, out_file, require_translations, template)
    if several:
        _build_many(paths, options, jobs, console)
        return
    from hkbrief.build import build as run_build

    result = run_build(paths[0], layout, out_dir, chosen, languages, options.paper, strict, allow_outside_images,
                       require_translations, name, out_file, template)
    _report(result, console)


def _report(result, console) -> None:
    from hkbrief.console import stage_times

    for warning in result.warnings:
        console.warning(warning)
    if result.fallbacks:
        console.warning(result.fallbacks)
    for path in result.written:
        console.result(f"wrote {path}{_detail(path, result)}")
    console.detail(stage_times(result.stages))


def _detail(path: Path, result) -> str:
    from hkbrief.build import OutputFormat

    match result.format_of(path):
        case OutputFormat.PPTX:
            return f" ({result.slides} slides)"
        case OutputFormat.SLIDES_PDF:
            return f" ({result.slides} pages, one per slide)"
    return " (1 page)"


def _build_many(paths: list[Path], options, jobs: int, console) -> None:
    """Build every brief, with a progress bar on a terminal, every error named, and a summary line."""
    import os as _os

    from hkbrief.batch import default_jobs, run_batch
    from hkbrief.console import Verbosity, stage_times

    workers = jobs or default_jobs()
    show_bar = console.verbosity >= Verbosity.NORMAL and _os.isatty(2)
    with click.progressbar(length=len(paths), label="building", file=sys.stderr, show_pos=True,
                           hidden=not show_bar, item_show_func=lambda o: o.content.name if o else None) as bar:
        summary = run_batch(paths, options, workers, on_done=lambda outcome: bar.update(1, outcome))
    for outcome in summary.outcomes:
        if outcome.ok:
            for path in outcome.result.written:
                console.detail(f"wrote {path}{_detail(path, outcome.result)}")
            console.detail(f"{outcome.content}: {stage_times(outcome.result.stages)}")
        for problem in outcome.problems:
            console.error(problem)
    console.summary(summary.line(), bool(summary.failed))
    if summary.failed:
        raise click.exceptions.Exit(1)


def edition_options(function):
    """--lang, --paper, --strict and --allow-outside-images, as build has them."""
    for option in reversed([
        click.option("--lang", "language", default=None, metavar="EDITION", help=LANG_HELP),
        click.option("--paper", type=click.Choice(["a4", "letter"], case_sensitive=False), default=None,
                     help="Paper size of the one-pager (default: the layout's)."),
        click.option("--strict", is_flag=True, help="Fail instead of leaving items out of the one-pager."),
        click.option("--allow-outside-images", is_flag=True, help="Allow images outside the content file's folder."),
    ]):
        function = option(function)
    return function


@main.command()
@click.argument("content", default="content.json", type=click.Path(dir_okay=True, path_type=Path))
@layout_option
@click.option("--out", "-o", "out_dir", default="dist", show_default=True, type=click.Path(path_type=Path),
              help="The pictures go into OUT/preview/.")
@edition_options
@template_option
@click.option("--engine", type=click.Choice(["plan", "libreoffice"], case_sensitive=False), default="plan",
              show_default=True, help="plan: draw the plan (fast, no office suite); libreoffice: render the .pptx"
              " with LibreOffice, as a viewer would, for checking.")
@verbosity_options
def preview(content: Path, layout: str, out_dir: Path, language: str | None, paper: str | None, strict: bool,
            allow_outside_images: bool, template: Path | None, engine: str, quiet: bool, verbose: bool) -> None:
    """PNGs of every slide and of the one-pager, and a contact sheet, from CONTENT (default content.json)."""
    from hkbrief.console import stage_times
    from hkbrief.layoutspec import Paper
    from hkbrief.preview import Engine, preview as run_preview

    console = _console(quiet, verbose)
    result = run_preview(content, layout, out_dir, _edition(language), Paper(paper) if paper else None, strict,
                         allow_outside_images, Engine(engine.lower()), template)
    for warning in result.warnings:
        console.warning(warning)
    console.result(f"wrote {result.contact_sheet} ({len(result.slides)} slides and the one-pager, "
                   f"{result.seconds:.2f} s)")
    console.detail(f"slides: {result.slides[0].parent / 'slide-NN.png'}, one-pager: {result.one_pager}"
                   if result.slides else f"one-pager: {result.one_pager}")
    console.detail(stage_times(result.stages))


@main.command()
@click.argument("content", default="content.json", type=click.Path(dir_okay=True, path_type=Path))
@layout_option
@click.option("--out", "-o", "out_dir", default="dist", show_default=True, type=click.Path(path_type=Path),
              help="Folder to write into (the served preview goes into OUT/preview/).")
@click.option("--format", "formats", default="pptx,pdf", show_default=True, metavar="FORMATS",
              help=f"Which outputs to rebuild, comma-separated, any case: {FORMAT_NAMES}.")
@click.option("--name", "name", default=None, metavar="STEM", help="Call the outputs STEM.pptx, STEM.pdf ...")
@edition_options
@template_option
@click.option("--serve", is_flag=True, help="Also show the preview in a browser, on 127.0.0.1 only.")
@click.option("--port", type=click.IntRange(0, 65535), default=8017, show_default=True,
              help="Port for --serve (0: any free port).")
@verbosity_options
def watch(content: Path, layout: str, out_dir: Path, formats: str, name: str | None, language: str | None,
          paper: str | None, strict: bool, allow_outside_images: bool, template: Path | None, serve: bool, port: int,
          quiet: bool, verbose: bool) -> None:
    """Rebuild CONTENT (default content.json) whenever it, its layout, an image, a font or a template changes.

    One line per build, with its time; errors are shown and watching goes on. Stop with Ctrl-C.
    """
    import threading

    from hkbrief.build import build as run_build, check_stem
    from hkbrief.console import stage_times
    from hkbrief.layoutspec import Paper
    from hkbrief.watch import Watcher, WatchState, report_line

    console = _console(quiet, verbose)
    chosen = parse_formats(formats)
    if name is not None:
        check_stem(name)
    lang = _edition(language)
    size = Paper(paper) if paper else None
    state = WatchState()

    def rebuild() -> tuple[str, tuple[str, ...]]:
        result = run_build(content, layout, out_dir, chosen, lang, size, strict, allow_outside_images, name=name,
                           template=template)
        details = [stage_times(result.stages), *result.warnings]
        if serve:
            from hkbrief.preview import preview as run_preview

            shown = run_preview(content, layout, out_dir, lang, size, strict, allow_outside_images,
                                template=template)
            details.append(f"preview {shown.seconds * 1000:.0f} ms")
        slides = f"{result.slides} slides, " if result.slides else ""
        return f"{slides}{len(result.written)} files", tuple(details)

    def on_report(report) -> None:
        state.publish(report)
        if report.ok:
            console.result(report_line(report))
            for detail in report.details:
                console.detail(f"  {detail}")
        else:
            console.error(report_line(report))

    watcher = Watcher(content, layout, rebuild, on_report, extra_files=[template] if template else [])
    server = None
    if serve:
        from hkbrief.serve import start_server

        try:
            server, url = start_server(state, out_dir / "preview", f"hkbrief: {content}", port)
        except OSError as exc:
            raise click.UsageError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror}; choose another --port"
                                   " (0 picks a free one)") from None
        console.info(f"serving the preview at {url} (this machine only)")
    console.info(f"watching {content} and its layout, images and fonts; Ctrl-C stops")
    stop = threading.Event()
    try:
        watcher.run(stop)
    except KeyboardInterrupt:
        console.info("stopped watching")
    finally:
        stop.set()
        if server is not None:
            server.shutdown()
            server.server_close()


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
