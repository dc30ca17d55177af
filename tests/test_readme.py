"""README.md and README.ja.md are kept in step: the same commands, sections and inline code, and links that resolve.

A change to one README that the other does not follow fails here (the Japanese one is the first many users read).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMENT_LANGUAGES = ("bash", "powershell", "yaml", "sh")


def read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def fenced_blocks(text: str) -> list[tuple[str, list[str]]]:
    blocks, lines, language, inside = [], [], "", False
    for line in text.split("\n"):
        if line.startswith("```"):
            if inside:
                blocks.append((language, lines))
            else:
                language, lines = line[3:].strip(), []
            inside = not inside
        elif inside:
            lines.append(line)
    assert not inside, "a code block is not closed"
    return blocks


def without_comments(language: str, lines: list[str]) -> list[str]:
    """Comments after # may be translated; everything else in a code block must be the same."""
    if language not in COMMENT_LANGUAGES:
        return [line.rstrip() for line in lines]
    kept = []
    for line in lines:
        kept.append("#" if re.match(r"^\s*#", line) else re.sub(r"\s+#\s.*$", "", line).rstrip())
    return kept


def headings(text: str) -> list[str]:
    found, inside = [], False
    for line in text.split("\n"):
        if line.startswith("```"):
            inside = not inside
        elif not inside and re.match(r"^#{1,6} ", line):
            found.append(line.split()[0])
    return found


def prose(text: str) -> str:
    return re.sub(r"```.*?```", "", text, flags=re.S)


def test_the_code_blocks_are_the_same() -> None:
    english, japanese = fenced_blocks(read("README.md")), fenced_blocks(read("README.ja.md"))
    assert len(english) == len(japanese)
    for (language, en_lines), (ja_language, ja_lines) in zip(english, japanese, strict=True):
        assert language == ja_language
        assert without_comments(language, en_lines) == without_comments(language, ja_lines)


def test_the_sections_are_the_same() -> None:
    assert headings(read("README.md")) == headings(read("README.ja.md"))
    assert len(headings(read("README.md"))) >= 15


def test_the_inline_code_and_urls_are_the_same() -> None:
    def spans(text: str) -> Counter[str]:
        return Counter(re.sub(r"\s+", " ", s) for s in re.findall(r"`([^`]+)`", prose(text)))

    def urls(text: str) -> Counter[str]:
        return Counter(re.findall(r"https?://[^\s)`\"]+", text))

    english, japanese = read("README.md"), read("README.ja.md")
    assert spans(english) == spans(japanese)
    assert urls(english) == urls(japanese)


@pytest.mark.parametrize("name", ["README.md", "README.ja.md"])
def test_every_relative_link_resolves(name: str) -> None:
    targets = re.findall(r"\]\(([^)\s]+)\)", prose(read(name)))
    relative = [t for t in targets if not re.match(r"^[a-z]+:", t) and not t.startswith("#")]
    assert relative, "the READMEs link each other and their screenshots"
    missing = [t for t in relative if not (ROOT / t.split("#")[0]).exists()]
    assert not missing, missing


def test_each_readme_links_the_other() -> None:
    assert "(README.ja.md)" in read("README.md").split("\n## ")[0]
    assert "(README.md)" in read("README.ja.md").split("\n## ")[0]
