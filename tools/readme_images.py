"""Render the README's pictures: each built-in layout's deck as a contact sheet, the one-pagers, the example on
a brand template (tests/template_fixtures.py makes it) and the contact sheet `hkbrief preview` draws.

Needs LibreOffice (soffice) and poppler (pdftoppm). Run from the repository root: python tools/readme_images.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from hkbrief.build import OutputFormat, build
from hkbrief.model import BILINGUAL, Language

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def pages(pdf: Path, out: Path, dpi: int) -> list[Path]:
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out / pdf.stem)], check=True)
    return sorted(out.glob(f"{pdf.stem}*.png"))


def contact_sheet(images: list[Path], target: Path, columns: int = 4, gap: int = 10) -> None:
    tiles = [Image.open(p).convert("RGB") for p in images]
    w, h = tiles[0].size
    rows = -(-len(tiles) // columns)
    sheet = Image.new("RGB", (columns * w + (columns + 1) * gap, rows * h + (rows + 1) * gap), (214, 219, 223))
    for index, tile in enumerate(tiles):
        row, col = divmod(index, columns)
        sheet.paste(tile, (gap + col * (w + gap), gap + row * (h + gap)))
    sheet.save(target, optimize=True)


def template_picture(work: Path, profile: Path) -> None:
    """Six slides of the example on the brand fixture: cover, a section, figures, a quote, sources, takeaways."""
    sys.path.insert(0, str(ROOT / "tests"))
    from template_fixtures import branded

    template = branded(work / "brand.pptx")
    result = build(ROOT / "content.json", "default", work / "brand", (OutputFormat.PPTX,), template=template)
    [pptx] = result.written
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(work / "brand"), str(pptx)], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    slides = pages(work / "brand" / f"{pptx.stem}.pdf", work / "brand", 48)
    from pptx import Presentation

    names = [slide.name or "" for slide in Presentation(pptx).slides]
    titles = [slide.shapes.title.text_frame.text if slide.shapes.title is not None else "" for slide in
              Presentation(pptx).slides]
    wanted = [0, 2]
    for prefix in ("Key figures", "Sources", "Key takeaways"):
        wanted += [next(i for i, title in enumerate(titles) if title.startswith(prefix))]
    quote = next(i for i, name in enumerate(names) if "quote" in name.lower())
    wanted = sorted(set(wanted) | {quote})
    contact_sheet([slides[i] for i in wanted], DOCS / "deck-on-template.png", columns=3)


def preview_picture(work: Path) -> None:
    """The contact sheet `hkbrief preview` writes, reduced to 128 colours to keep the repository small."""
    subprocess.run([sys.executable, "-m", "hkbrief", "preview", str(ROOT / "content.json"), "--out",
                    str(work / "preview")], check=True, stdout=subprocess.DEVNULL)
    sheet = Image.open(work / "preview" / "preview" / "contact-sheet.png").convert("RGB")
    sheet.quantize(colors=128).save(DOCS / "preview-contact-sheet.png", optimize=True)


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        profile = work / "profile"
        editions = (("default", None, "default", True), ("compact", None, "compact", True),
                    ("print", None, "print", True), ("default", Language.ZH_HANT, "zh-hant", False),
                    ("stacked", BILINGUAL, "bilingual", True), ("print", BILINGUAL, "bilingual-columns", False))
        for layout, language, suffix, deck in editions:
            out = work / suffix
            result = build(ROOT / "content.json", layout, out, (OutputFormat.PPTX, OutputFormat.PDF), language)
            pptx = next(p for p in result.written if p.suffix == ".pptx")
            pdf = next(p for p in result.written if p.suffix == ".pdf")
            page = pages(pdf, work, 60)[0]
            Image.open(page).save(DOCS / f"onepager-{suffix}.png", optimize=True)
            if deck:
                subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                                "pdf", "--outdir", str(work / "deck"), str(pptx)], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                slides = pages(work / "deck" / f"{pptx.stem}.pdf", work / "deck", 36)
                contact_sheet(slides, DOCS / f"deck-{suffix}.png")
                for old in slides:
                    old.unlink()
            print(f"docs: {suffix}", file=sys.stderr)
        template_picture(work, profile)
        print("docs: template", file=sys.stderr)
        preview_picture(work)
        print("docs: preview contact sheet", file=sys.stderr)


if __name__ == "__main__":
    main()
