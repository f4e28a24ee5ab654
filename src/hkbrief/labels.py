"""Words hkbrief itself puts on slides and pages, in each language a brief can be built in."""

from __future__ import annotations

from enum import StrEnum

from hkbrief.model import Language


class Label(StrEnum):
    AGENDA = "agenda"
    KEY_FIGURES = "key_figures"
    IN_THEIR_WORDS = "in_their_words"
    SOURCES = "sources"
    SOURCE = "source"
    CONTINUED = "continued"
    TAKEAWAYS = "takeaways"
    SECTION = "section"
    FIGURE_NOTE = "figure_note"
    QUOTE_NOTE = "quote_note"
    ALSO_QUOTED = "also_quoted"
    CONTINUES = "continues"


_LABELS: dict[Label, dict[Language, str]] = {
    Label.AGENDA: {Language.EN: "Agenda", Language.ZH_HANT: "議程"},
    Label.KEY_FIGURES: {Language.EN: "Key figures", Language.ZH_HANT: "關鍵數字"},
    Label.IN_THEIR_WORDS: {Language.EN: "In their words", Language.ZH_HANT: "引述"},
    Label.SOURCES: {Language.EN: "Sources", Language.ZH_HANT: "資料來源"},
    Label.SOURCE: {Language.EN: "Source", Language.ZH_HANT: "資料來源"},
    Label.CONTINUED: {Language.EN: "(cont.)", Language.ZH_HANT: "（續）"},
    Label.TAKEAWAYS: {Language.EN: "Key takeaways", Language.ZH_HANT: "重點摘要"},
    Label.SECTION: {Language.EN: "Section", Language.ZH_HANT: "部分"},
    Label.FIGURE_NOTE: {Language.EN: "Figure", Language.ZH_HANT: "數據"},
    Label.QUOTE_NOTE: {Language.EN: "Quote", Language.ZH_HANT: "引述"},
    Label.ALSO_QUOTED: {Language.EN: "Also quoted", Language.ZH_HANT: "其他引述"},
    Label.CONTINUES: {Language.EN: "Continues \u201c{heading}\u201d from slide {number}.",
                      Language.ZH_HANT: "續第 {number} 張投影片「{heading}」。"},
}


def label(which: Label, language: Language) -> str:
    return _LABELS[which][language]


def colon(language: Language) -> str:
    """The separator after a label: "Source: ITF", but "資料來源：ITF"."""
    return "\uff1a" if language is Language.ZH_HANT else ": "
