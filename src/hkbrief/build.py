"""Load, arrange, render, then write both outputs atomically.

Both files are rendered to memory first, then :mod:`hkbrief.replace` writes them beside their targets and renames
them into place under a journal, so a failed build leaves the previous outputs exactly as they were and the next
build finishes (or cleans up after) an interrupted one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, assert_never

from hkbrief import typography
from hkbrief.content import load_brief
from hkbrief.errors import HkbriefError, OutputError, shown
from hkbrief.layoutspec import Layout, Paper, load_layout
from hkbrief.model import Brief, Language, Meta
from hkbrief.replace import replace_files
from hkbrief.translation import fallback_summary, require_translations

if TYPE_CHECKING:
    from hkbrief.plan import DeckPlan, PagePlan


class OutputFormat(StrEnum):
    PPTX = "pptx"
    PDF = "pdf"
    SLIDES_PDF = "slides-pdf"

    @property
    def suffix(self) -> str:
        """What follows the stem in the file name: the slides as PDF must not take the one-pager's name."""
        match self:
            case OutputFormat.PPTX:
                return ".pptx"
            case OutputFormat.PDF:
                return ".pdf"
            case OutputFormat.SLIDES_PDF:
                return "-slides.pdf"


DEFAULT_LAYOUT = "default"


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build wrote, and what it has to tell the user: ``warnings`` (notices about the content, then what
    arranging the outputs reported: layout caps, omissions), one line each."""

    written: tuple[Path, ...]
    slides: int = 0
    omitted: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    fallbacks: str | None = None  # the one line saying how many fields fell back to another language
    stages: tuple[tuple[str, float], ...] = ()  # (stage, seconds) in the order they ran, for --verbose
    formats: tuple[OutputFormat, ...] = ()  # the format of each written file, in the same order

    def format_of(self, path: Path) -> OutputFormat | None:
        return dict(zip(self.written, self.formats)).get(path)


class Stopwatch:
    """Times the stages of a build (load, arrange, render ...) for ``--verbose``."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, float]] = []

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages.append((name, time.perf_counter() - started))


@dataclass(frozen=True, slots=True)
class Arranged:
    """The plans of one brief, with what the outputs will be called; images live as long as the ``arranged`` block."""

    brief: Brief
    layout: Layout
    stem: str
    deck: DeckPlan | None
    page: PagePlan | None
    warnings: tuple[str, ...]
    fallbacks: str | None = None


HASH_SLUG_PREFIX = "brief-"
HASH_SLUG_DIGITS = 8  # 32 bits of the title: two different titles share a name about once in four billion pairs


def slug(title: str) -> str:
    """A file name from a title: ``Hong Kong: A Global Hub`` -> ``hong-kong-a-global-hub``.

    A title with no Latin letters or digits (``香港：全球創新科技樞紐``) gets ``brief-`` and a short hash of the
    title instead, so that two Chinese-only briefs never overwrite each other and a brief keeps its name from
    build to build.
    """
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    stem = words[:60].rstrip("-")
    if len(re.sub(r"[^a-z]", "", stem)) >= 2:
        return stem
    digest = hashlib.sha256(unicodedata.normalize("NFC", title).strip().encode("utf-8")).hexdigest()
    return HASH_SLUG_PREFIX + digest[:HASH_SLUG_DIGITS]


# What an edition adds to a file name: a layout named like one of these gets "-layout" after its name, so that
# the bilingual edition in the default layout and the English edition in a layout called "bilingual" differ.
_EDITION_WORDS = frozenset({"bilingual", *(str(language).lower() for language in Language)})


def output_stem(meta: Meta, languages: Language | tuple[Language, ...], name: str | None = None,
                layout_name: str = DEFAULT_LAYOUT, template_name: str | None = None) -> str:
    """The outputs' file name without its suffix.

    ``name`` (from the command line) wins, then ``meta.slug``, then a slug of the English title (or of the title
    in the brief's language when there is no English one). The edition in the brief's own language takes the
    stem as it is; another single-language edition adds its language (``-zh-hant``), the bilingual edition
    ``-bilingual``. A layout other than the default adds its name (``-print``) and a template given for the build
    its file name (``-brand``), so no two builds of one brief into one folder overwrite each other.
    """
    if isinstance(languages, Language):
        languages = (languages,)
    stem = name or meta.slug or slug(meta.title.resolve(Language.EN, meta.language))
    if len(languages) > 1:
        stem = f"{stem}-bilingual"
    elif languages[0] is not meta.language:
        stem = f"{stem}-{str(languages[0]).lower()}"
    if layout_name != DEFAULT_LAYOUT:
        layout_slug = slug(layout_name)
        stem = f"{stem}-{layout_slug}-layout" if layout_slug in _EDITION_WORDS else f"{stem}-{layout_slug}"
    if template_name:
        stem = f"{stem}-{slug(template_name)}"
    return stem


STEM_PATTERN = re.compile(r"^[^/\\\x00-\x1f:*?\"<>|]{1,120}$")


def check_stem(name: str) -> str:
    """A ``--name`` usable as a file name on every system: no folders, no characters Windows refuses."""
    if not STEM_PATTERN.match(name) or name.strip(" .") != name or name in (".", ".."):
        raise OutputError("is not a usable file name: give a name without a folder, without / \\ : * ? \" < > |"
                          " and not starting or ending with a dot or a space", f"--name {shown(name)}")
    lowered = name.lower()
    for suffix in (".pptx", ".pdf"):
        if lowered.endswith(suffix):
            raise OutputError(f"give the name without {suffix}: hkbrief adds the extension for each format",
                              f"--name {shown(name)}")
    return name


@contextlib.contextmanager
def arranged(
    content: Path,
    layout: str,
    formats: Collection[OutputFormat],
    language: Language | tuple[Language, ...] | None = None,
    paper: Paper | None = None,
    strict: bool = False,
    allow_outside_images: bool = False,
    stopwatch: Stopwatch | None = None,
    require_translated: bool = False,
    name: str | None = None,
    template: Path | str | None = None,
) -> Iterator[Arranged]:
    """Load and arrange a brief into the plans ``formats`` need, without writing anything.

    Section images are prepared into a scratch folder that lasts as long as the ``with`` block, so the plans'
    image frames can be drawn inside it (by ``build``, ``preview`` or ``watch``). With a PowerPoint template
    (``template``, or the layout's ``template`` key) the deck is arranged on its layouts, in its palette and fonts;
    the one-pager keeps the layout's own.
    """
    from hkbrief.arrange import Edition, FontBook, Typesetter, arrange_deck, arrange_page
    from hkbrief.arrange.coverage import check_coverage
    from hkbrief.arrange.master import with_master_look
    from hkbrief.images import prepare_images, prepare_logo

    clock = stopwatch or Stopwatch()
    with clock.stage("load"):
        brief = load_brief(content)
        languages = _languages(language, brief)
        if require_translated:
            require_translations(brief, languages, str(content))
        spec = load_layout(layout)
        on_template = _read_template(spec, template)
        deck_spec = spec
        if on_template is not None:
            from hkbrief.arrange.templated import adapt_layout

            deck_spec = adapt_layout(spec, on_template, on_template.choice)
    with clock.stage("check"):
        edition = Edition(brief, languages[0], str(content), languages[1] if len(languages) > 1 else None)
        typesetter = Typesetter(FontBook(spec.theme.east_asian_family))
        check_coverage(edition, typesetter, spec, str(content))
        if deck_spec is not spec:
            check_coverage(edition, typesetter, deck_spec, str(content))
    deck = page = None
    warnings: tuple[str, ...] = ()
    with tempfile.TemporaryDirectory(prefix="hkbrief-") as scratch:
        with clock.stage("images"):
            images = prepare_images(brief, content, Path(scratch), allow_outside_images)
            logo = (prepare_logo(spec.theme.logo, spec.theme.logo.name, f"{spec.path}: theme.logo", Path(scratch))
                    if spec.theme.logo is not None else None)
        if OutputFormat.PPTX in formats or OutputFormat.SLIDES_PDF in formats:
            with clock.stage("arrange deck"):
                deck = arrange_deck(edition, deck_spec, typesetter, images, on_template, logo)
                if on_template is None:
                    deck = with_master_look(deck, spec)
            warnings += deck.messages
        if OutputFormat.PDF in formats:
            with clock.stage("arrange one-pager"):
                page = arrange_page(edition, spec, typesetter, paper, strict, logo)
            warnings += page.messages
        warnings = typography.quotation_notices(brief, str(content)) + warnings
        if on_template is not None:
            warnings = on_template.messages + warnings
        warnings = tuple(dict.fromkeys(warnings))  # the layout's notes travel with both plans: say them once
        stem = output_stem(brief.meta, languages, name, spec.name, Path(template).stem if template else None)
        yield Arranged(brief, spec, stem, deck, page, warnings,
                       fallback_summary(brief, languages, str(content)))


def render_output(plans: Arranged, output: OutputFormat) -> bytes:
    """The bytes of one output from its plan."""
    match output:
        case OutputFormat.PPTX:
            from hkbrief.render.pptx import render_deck

            return render_deck(plans.deck)
        case OutputFormat.PDF:
            from hkbrief.render.pdf import render_page

            return render_page(plans.page)
        case OutputFormat.SLIDES_PDF:
            from hkbrief.render.slides_pdf import render_slides

            return render_slides(plans.deck)
        case _:
            assert_never(output)


@dataclass(frozen=True, slots=True)
class RenderedBuild:
    """A build's outputs rendered to memory, not yet written: what :func:`write_rendered` needs to finish it."""

    files: tuple[tuple[Path, bytes], ...]  # (target, bytes) in format order
    out_dir: Path
    result: BuildResult  # all but the notes that writing adds; ``stages`` so far


def build(*args: Any, **kwargs: Any) -> BuildResult:
    """Build the requested outputs, with :func:`render_build`'s arguments; raises :class:`HkbriefError` (and
    writes nothing) on any problem."""
    return write_rendered(render_build(*args, **kwargs))


def render_build(
    content: Path | str = "content.json",
    layout: str = DEFAULT_LAYOUT,
    out_dir: Path | str = "dist",
    formats: tuple[OutputFormat, ...] = (OutputFormat.PPTX, OutputFormat.PDF),
    language: Language | tuple[Language, ...] | None = None,
    paper: Paper | None = None,
    strict: bool = False,
    allow_outside_images: bool = False,
    require_translated: bool = False,
    name: str | None = None,
    out_file: Path | None = None,
    template: Path | str | None = None,
) -> RenderedBuild:
    """The requested outputs rendered to memory; :func:`write_rendered` writes them (:func:`build` does both).
    Raises :class:`HkbriefError` on any problem.

    ``language`` is one language or the languages of the edition (``BILINGUAL``); ``require_translated`` makes
    any field that would fall back to another language an error instead of a one-line note. Files are called
    ``<stem><suffix>`` in ``out_dir`` (see :func:`output_stem`, which ``name`` feeds); or, for a single format,
    exactly ``out_file``. ``template`` builds the deck on a PowerPoint template (over the layout's own). A batch
    renders in its workers and writes in one process, so no worker waits on the disk or on another's lock on
    the output folder.
    """
    content = Path(content)
    formats = tuple(OutputFormat(f) for f in formats)  # callers may pass the plain names ("pptx")
    out_dir = Path(out_dir) if out_file is None else out_file.parent
    _check_out_dir(out_dir)
    if name is not None:
        check_stem(name)
    clock = Stopwatch()
    rendered: list[tuple[Path, bytes]] = []
    with arranged(content, layout, formats, language, paper, strict, allow_outside_images, clock,
                  require_translated, name, template) as plans:
        for output in formats:
            with clock.stage(f"render {output}"):
                target = out_file if out_file is not None else out_dir / f"{plans.stem}{output.suffix}"
                rendered.append((target, render_output(plans, output)))
    return RenderedBuild(tuple(rendered), out_dir, BuildResult(
        tuple(path for path, _ in rendered),
        len(plans.deck.slides) if plans.deck else 0,
        plans.page.omitted if plans.page and OutputFormat.PDF in formats else (),
        plans.warnings,
        plans.fallbacks,
        tuple(clock.stages),
        tuple(formats),
    ))


def write_rendered(rendered: RenderedBuild) -> BuildResult:
    """Write a rendered build's files (all replaced or none, see ``replace``); its result, with what recovering
    an earlier interrupted build said first among the warnings."""
    clock = Stopwatch()
    with clock.stage("write"):
        recovered = replace_files(list(rendered.files), rendered.out_dir)
    result = rendered.result
    return replace(result, warnings=tuple(recovered) + result.warnings, stages=result.stages + tuple(clock.stages))


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What ``check`` found: the brief, and per edition checked, its languages, slides and one-pager omissions."""

    brief: Brief
    editions: tuple[tuple[Language, ...], ...]
    slides: tuple[int, ...]
    omitted: tuple[tuple[str, ...], ...]
    warnings: tuple[str, ...]


def check(
    content: Path | str = "content.json",
    layout: str = DEFAULT_LAYOUT,
    language: Language | tuple[Language, ...] | None = None,
    paper: Paper | None = None,
    strict: bool = False,
    allow_outside_images: bool = False,
    require_translated: bool = False,
    template: Path | str | None = None,
) -> CheckResult:
    """Everything ``build`` does short of writing: read the content, check images and glyph coverage, arrange and
    render the deck and the one-pager in memory. Raises what ``build`` would raise.

    ``language`` as for ``build``; None checks the edition in every language the content holds, the brief's own
    first.
    """
    content = Path(content)
    brief = load_brief(content)
    if language is None:
        editions = tuple((lang,) for lang in sorted(brief.languages | {brief.meta.language},
                                                    key=lambda lang: (lang is not brief.meta.language, str(lang))))
    else:
        editions = (_languages(language, brief),)
    slides, omitted, warnings = [], [], ()
    for languages in editions:
        formats = (OutputFormat.PPTX, OutputFormat.PDF)
        with arranged(content, layout, formats, languages, paper, strict, allow_outside_images, None,
                      require_translated, None, template) as plans:
            for output in formats:
                render_output(plans, output)
        slides.append(len(plans.deck.slides))
        omitted.append(plans.page.omitted)
        warnings = tuple(dict.fromkeys(warnings + plans.warnings))
    return CheckResult(brief, editions, tuple(slides), tuple(omitted), warnings)


def _languages(language: Language | tuple[Language, ...] | None, brief: Brief) -> tuple[Language, ...]:
    if language is None:
        return (brief.meta.language,)
    return (language,) if isinstance(language, Language) else tuple(language)



def _read_template(layout: Layout, override: Path | str | None):
    """The template the deck is built on: ``--template`` over the layout's ``template`` key (None: no template)."""
    from dataclasses import replace

    from hkbrief.layoutspec import TemplateChoice

    choice = layout.template
    if override is not None:
        base = choice or TemplateChoice(str(override), "--template")
        choice = replace(base, file=str(override), where=str(override))
    if choice is None:
        return None
    from hkbrief.arrange.templated import template_deck
    from hkbrief.template import read_template

    where = str(override) if override is not None else _shown_path(choice.file)
    return template_deck(read_template(choice.file, where), choice, layout.fonts)


def _shown_path(path: str) -> str:
    """A path as messages give it: relative to the working folder when it is inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def write_new_file(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet (a starter layout): written beside it, then linked into place, so
    an existing file is never replaced and a failed write leaves nothing behind."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise OutputError("already exists; nothing was written (choose another name)", str(path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError("its folder does not exist", str(path))
    handle, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(name, 0o666 & ~_umask())
        os.link(name, path)
    except FileExistsError:
        raise OutputError("already exists; nothing was written (choose another name)", str(path)) from None
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", str(path)) from None
    finally:
        Path(name).unlink(missing_ok=True)


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError("is a file, not a folder; choose another --out", str(out_dir))


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


__all__ = ["Arranged", "BuildResult", "CheckResult", "HkbriefError", "OutputFormat", "Stopwatch", "arranged", "build", "check", "check_stem",
           "output_stem", "render_output", "slug", "write_new_file"]
