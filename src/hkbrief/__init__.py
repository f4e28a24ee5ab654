"""hkbrief: an editable briefing deck and a one-page PDF brief from one structured source."""

__version__ = "0.1.0"
