"""Line breaking: lines never wider than the frame, nothing lost, and breaks a reader of English or Chinese expects."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from hkbrief import linebreak, textfit
from hkbrief.errors import FitError
from hkbrief.linebreak import Break, break_lines, break_lines_balanced, find_breaks

ARIAL = textfit.font_stack("Arial")
MEASURE = ARIAL.measure(12)

ENGLISH = (
    "Hong Kong's new Top Talent Pass Scheme drew 63,000 applications in its first year, the Labour and Welfare "
    "Bureau said on Tuesday. Officials expect the well-established scheme to add 90,000 people by 2027–28."
)
CHINESE = (
    "香港特別行政區政府今日公布「高端人才通行證計劃」的首年成績，共收到六萬三千宗申請。"
    "勞工及福利局表示：「計劃進展理想！」（詳情見附件）政府會繼續檢討《人才清單》，吸引更多專才……"
)
MIXED = "政府推出 Top Talent Pass Scheme（高才通），吸引 global talent 來港，首年收到 63,000 宗申請。"

NO_LINE_START = "，。、；：？！）」』〉》】〕…,.;:!?)]}%"
NO_LINE_END = "（「『〈《【〔([{"


def assert_fits(lines: list[str], max_width: float, measure=MEASURE) -> None:
    for line in lines:
        assert measure(line) <= max_width, f"{line!r} is {measure(line):.2f} pt, over {max_width:.2f} pt"


def without_spaces(text: str) -> str:
    """The text without the white space a break may drop (no-break spaces stay)."""
    return "".join(ch for ch in text if ch not in linebreak.BREAKABLE_SPACES)


def assert_nothing_lost(text: str, lines: list[str]) -> None:
    """Every line is a piece of the text, in order, and together they hold all of it but breaking spaces."""
    position = 0
    for line in lines:
        found = text.find(line, position)
        assert found >= 0, f"{line!r} is not in the text after position {position}"
        assert without_spaces(text[position:found]) == "", f"{text[position:found]!r} was dropped"
        position = found + len(line)
    assert without_spaces(text[position:]) == ""


# English


@pytest.mark.parametrize("width", [40.0, 75.5, 120.0, 200.0, 333.3, 1000.0])
def test_english_lines_fit_and_keep_every_word(width):
    lines = break_lines(ENGLISH, width, MEASURE)
    assert_fits(lines, width)
    assert_nothing_lost(ENGLISH, lines)
    assert all(line == line.strip() for line in lines)


def test_lines_are_filled_greedily_at_spaces():
    text = "one two three four five six seven eight nine ten"
    width = MEASURE("one two three four") + 0.01
    lines = break_lines(text, width, MEASURE)
    assert lines[0] == "one two three four"
    assert " ".join(lines) == text


def test_a_word_longer_than_the_line_is_cut_between_characters_instead_of_overflowing():
    word = "pneumonoultramicroscopicsilicovolcanoconiosis"
    lines = break_lines(f"a {word} b", 60, MEASURE)
    assert_fits(lines, 60)
    assert lines[0] == "a" and lines[-1].endswith(" b")
    assert "".join(lines[1:]).removesuffix(" b") == word
    assert len(lines) > 3


def test_breaks_after_hyphens_and_en_dashes_but_not_inside_numbers():
    assert break_lines("well-known", MEASURE("well-kno"), MEASURE) == ["well-", "known"]
    assert break_lines("2020–21", MEASURE("2020–2"), MEASURE) == ["2020–", "21"]
    assert Break(4, 4) not in find_breaks("2020-21")
    assert Break(1, 1) not in find_breaks("-5 degrees")
    assert find_breaks("and/or") == []
    assert find_breaks("and/or", break_after_slash=True) == [Break(4, 4)]


def test_no_break_at_a_no_break_space():
    text = "worth HK$10\u00a0billion"
    lines = break_lines(text, MEASURE("worth HK$10\u00a0bil"), MEASURE)
    assert lines == ["worth", "HK$10\u00a0billion"]


def test_combining_marks_stay_with_their_letter_when_a_word_is_cut():
    word = "e\u0301" * 40
    lines = break_lines(word, 50, MEASURE)
    assert "".join(lines) == word
    assert all(not line.startswith("\u0301") for line in lines)


# Chinese


@pytest.mark.parametrize("width", [36.0, 50.0, 61.0, 100.0, 150.5, 250.0, 400.0])
def test_chinese_breaks_between_characters_and_keeps_kinsoku(width):
    lines = break_lines(CHINESE, width, MEASURE)
    assert_fits(lines, width)
    assert "".join(lines) == CHINESE
    for previous, line in pairwise(lines):
        assert line[0] not in NO_LINE_START, f"line starts with {line[0]!r}: {previous!r} / {line!r}"
        assert previous[-1] not in NO_LINE_END, f"line ends with {previous[-1]!r}: {previous!r} / {line!r}"


def test_chinese_fills_lines_to_whole_characters():
    text = "香港特別行政區政府今日公布"
    assert break_lines(text, 12 * 5 + 0.5, MEASURE) == ["香港特別行", "政區政府今", "日公布"]


def test_closing_punctuation_is_carried_with_the_character_before_it():
    lines = break_lines("一二三四，五六", 12 * 4 + 1, MEASURE)
    assert lines == ["一二三", "四，五六"]


def test_opening_punctuation_moves_to_the_next_line():
    lines = break_lines("一二三「四五」", 12 * 4 + 1, MEASURE)
    assert lines == ["一二三", "「四五」"]


def test_ellipsis_and_dash_pairs_stay_together():
    assert Break(3, 3) not in find_breaks("好好好……好")
    assert Break(4, 4) not in find_breaks("好好好——好")


def test_a_run_of_ideographs_breaks_between_each_two_and_kinsoku_holds_at_its_ends():
    """Ideographs are found a run at a time; what is found must be as if each were looked at alone: a break
    between any two (supplementary-plane ones such as 𨋢 included), none before the closing punctuation after
    the run or after the opening punctuation before it, and the usual rules where it meets other text."""
    text = "「香港𨋢豈」，中文 and 㐀一-二"
    found = [item.end for item in find_breaks(text) if item.end == item.resume]
    # before 港 𨋢 豈 (not before 」 or ，), before 中 (after ，), 文, 一, before and after the hyphen
    assert found == [2, 3, 4, 7, 8, 15, 16, 17]
    assert [item for item in find_breaks(text) if item.end != item.resume] == [Break(9, 10), Break(13, 14)]
    assert find_breaks("香港") == [Break(1, 1)] and find_breaks("香") == []


@pytest.mark.parametrize("width", [40.0, 66.6, 90.0, 130.0, 210.0])
def test_mixed_english_and_chinese(width):
    lines = break_lines(MIXED, width, MEASURE)
    assert_fits(lines, width)
    assert_nothing_lost(MIXED, lines)
    assert all(line[0] not in NO_LINE_START for line in lines[1:])
    assert "Talent" in " ".join(lines).split() or width < MEASURE("Talent")


# Hard breaks, white space, edge cases


def test_explicit_newlines_are_hard_breaks():
    assert break_lines("first\nsecond\r\nthird\u2028fourth\vfifth", 500, MEASURE) == [
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
    ]
    assert break_lines("a\n\nb\n", 500, MEASURE) == ["a", "", "b", ""]
    assert break_lines("", 500, MEASURE) == [""]


def test_breaking_spaces_are_dropped_and_nothing_else():
    lines = break_lines("  indented text   with  gaps   ", MEASURE("  indented text") + 0.1, MEASURE)
    assert lines == ["  indented text", "with  gaps"]


def test_every_line_fits_for_random_text():
    rng = random.Random(20240601)
    alphabet = list("abcdefghij klmnop-qrs tuv,wx.yz ") + list("香港政府，。「」（）") + ["  ", "—", "\u00a0"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        width = rng.uniform(14, 300)
        lines = break_lines(text, width, MEASURE)
        assert_fits(lines, width)
        assert_nothing_lost(text, lines)


def test_a_measure_that_is_not_additive_still_never_overflows():
    def kerned(text: str) -> float:
        return MEASURE(text) + 0.8 * text.count("o")  # every "o" widens its line a little

    text = "look how good those wooden doors go " * 5
    lines = break_lines(text, 90, kerned)
    assert_fits(lines, 90, kerned)
    assert " ".join(lines).split() == text.split()


def test_a_character_wider_than_the_line_is_a_fit_error():
    with pytest.raises(FitError) as raised:
        break_lines("香港", 8, MEASURE)
    assert isinstance(raised.value, linebreak.CharacterTooWideError)
    assert raised.value.character == "香"
    assert "12.00 pt wide" in str(raised.value)


def test_max_width_must_be_positive():
    with pytest.raises(ValueError):
        break_lines("text", 0, MEASURE)
    with pytest.raises(ValueError):
        break_lines("text", float("nan"), MEASURE)


def test_another_scripts_rules_plug_in_as_a_break_finder():
    def spaces_only(text: str) -> list[Break]:
        return [item for item in find_breaks(text) if item.end != item.resume]

    lines = break_lines("香港 政府 well-known", MEASURE("香港 政府 well-"), MEASURE, find_breaks=spaces_only)
    assert lines == ["香港 政府", "well-known"]


# Balanced titles


def test_balanced_title_avoids_a_lonely_last_word():
    measure = ARIAL.measure(28)
    title = "Hong Kong's new talent scheme, explained"
    width = measure("Hong Kong's new talent scheme,") + 2
    greedy = break_lines(title, width, measure, mend_last_line=False)
    balanced = break_lines_balanced(title, width, measure)
    assert greedy == ["Hong Kong's new talent scheme,", "explained"]
    assert len(balanced) == len(greedy)
    assert len(balanced[-1].split()) > 1
    assert " ".join(balanced) == title
    assert max(map(measure, balanced)) < max(map(measure, greedy))
    assert_fits(balanced, width, measure)


def test_balanced_chinese_title_splits_evenly():
    measure = ARIAL.measure(24)
    title = "香港推出高端人才通行證計劃一周年回顧"
    width = 24 * 15 + 1
    assert [len(line) for line in break_lines(title, width, measure)] == [15, 3]
    assert [len(line) for line in break_lines_balanced(title, width, measure)] == [9, 9]


def test_balancing_keeps_one_line_titles_and_hard_breaks():
    measure = ARIAL.measure(20)
    assert break_lines_balanced("Short title", 500, measure) == ["Short title"]
    assert break_lines_balanced("First part\nsecond part", 500, measure) == ["First part", "second part"]


def test_balancing_never_cuts_a_word_greedy_kept_whole():
    measure = ARIAL.measure(20)
    title = "Internationalisation of professional services"
    width = measure("Internationalisation of professional") + 1
    balanced = break_lines_balanced(title, width, measure)
    assert " ".join(balanced).split() == title.split()


# Last lines


def test_a_lone_short_last_word_takes_a_word_from_the_line_before():
    measure = ARIAL.measure(12)
    text = "Joint research centres could speed breakthroughs and help start-ups grow"
    width = measure("Joint research centres could speed breakthroughs and help start-ups") + 1
    assert break_lines(text, width, measure, mend_last_line=False)[-1] == "grow"
    lines = break_lines(text, width, measure)
    assert lines == ["Joint research centres could speed breakthroughs and help", "start-ups grow"]
    assert_fits(lines, width, measure)


def test_a_chinese_last_line_of_two_characters_or_fewer_takes_characters_from_the_line_before():
    measure = ARIAL.measure(12)
    text = "世界級基建、頂尖大學和蓬勃的初創生態，令香港成為全球創科領導者。"
    width = 12 * 31 + 1  # the greedy fill leaves 「者。」 alone on the last line
    assert break_lines(text, width, measure, mend_last_line=False)[-1] == "者。"
    lines = break_lines(text, width, measure)
    assert len(lines) == 2 and not linebreak.is_stranded(lines[-1]), lines
    assert "".join(lines) == text
    assert lines[-1].startswith("導") or len(lines[-1].rstrip("。")) >= 3


def test_a_long_last_word_or_a_full_line_before_is_left_alone():
    measure = ARIAL.measure(12)
    long_word = "Two words internationalisation"
    width = measure("internationalisation") + 1
    assert break_lines(long_word, width, measure) == ["Two words", "internationalisation"]
    # the line before is a single word: taking it would strand that line instead
    assert break_lines("Antidisestablishment cat", measure("Antidisestablishment") + 1, measure) == [
        "Antidisestablishment", "cat"]


@pytest.mark.parametrize("seed", range(20))
def test_mending_the_last_line_never_adds_a_line_or_overflows(seed):
    rng = random.Random(seed)
    words = ENGLISH.split() + list(CHINESE[:40])
    text = " ".join(rng.choice(words) for _ in range(rng.randint(3, 40)))
    width = rng.uniform(60, 400)
    mended = break_lines(text, width, MEASURE)
    plain = break_lines(text, width, MEASURE, mend_last_line=False)
    assert len(mended) == len(plain)
    assert_fits(mended, width)
    assert_nothing_lost(text, mended)


def _balanced_by_full_breaking(text: str, max_width: float, measure, tolerance: float = 0.01) -> list[str]:
    """Balancing as it was first written: every trial width broken into lines in full."""
    greedy = break_lines(text, max_width, measure)
    if len(greedy) < 2:
        return greedy
    pieces, previous = [], 0
    for item in [*find_breaks(text), Break(len(text), len(text))]:
        pieces.append(text[previous:item.end])
        previous = item.resume
    low = min(max_width, max(measure(piece) for piece in pieces))
    narrowest = break_lines(text, low, measure)
    if len(narrowest) <= len(greedy):
        return narrowest
    high, best = max_width, greedy
    while high - low > tolerance:
        middle = (low + high) / 2
        attempt = break_lines(text, middle, measure)
        if len(attempt) <= len(greedy):
            high, best = middle, attempt
        else:
            low = middle
    return best


@pytest.mark.parametrize("seed", range(6))
def test_balancing_counts_lines_and_breaks_the_answer_once_with_the_same_result(seed):
    """The search counts lines at each trial width (pieces measured once) and breaks only its answer in full;
    the lines must be those of breaking every trial width in full."""
    rng = random.Random(seed)
    words = ["Hong", "Kong's", "innovation", "ecosystem", "start-ups", "I&T", "a", "global", "hub", "for",
             "technology", "Greater", "Bay", "Area", "talent"]
    for _ in range(20):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(2, 18)))
        width = rng.uniform(60, 400)
        assert break_lines_balanced(text, width, MEASURE) == _balanced_by_full_breaking(text, width, MEASURE), text


@pytest.mark.parametrize("text", [ENGLISH, CHINESE, MIXED, ENGLISH + "\n" + CHINESE])
def test_a_paragraph_measured_once_breaks_at_every_width_and_size_as_break_lines_does(text):
    """One MeasuredParagraph, measured at 1 pt, set at many sizes and widths (as the one-pager's column-share
    search and a frame's shrinking set it): the same lines, and as many, as breaking it afresh each time."""
    stack = textfit.font_stack("Arial")
    measured = linebreak.MeasuredParagraph(text, stack.measure(1.0))
    rng = random.Random(7)
    for _ in range(120):
        size = rng.choice([7.5, 9, 10.5, 12, 13.6, 18])
        width = rng.uniform(40, 420)
        at_size = stack.measure(size)
        expected = break_lines(text, width, at_size)
        assert measured.break_lines(width, at_size, size) == expected
        assert measured.line_count(width, at_size, size) == len(expected)
        assert measured.break_lines_balanced(width, at_size, size) == break_lines_balanced(text, width, at_size)
