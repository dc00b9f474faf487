"""What a search compares: the normal form of a phone, name or ID number, and text as pairs.

Both are pure functions of the text; the keyed hashing of them happens in the view,
so neither the index nor its key ever sees a clear value stored.
"""

from __future__ import annotations

import re

from domain.identifiers import halfwidth

# Separators people type in phone numbers, ID numbers and transliterated names.
_SEPARATORS = re.compile(r"[\s\-()（）·•.．]")
# Runs of letters, digits and CJK characters; punctuation splits words.
_WORDS = re.compile(r"\w+")


def lookup_form(value: str) -> str:
    """One spelling per person-identifier: 138 1234 5678 and +86 13812345678 meet."""
    text = _SEPARATORS.sub("", halfwidth(value)).casefold()
    for prefix in ("+86", "0086"):
        rest = text.removeprefix(prefix)
        if rest != text and rest.isdigit():
            return rest
    return text


def text_pairs(text: str) -> set[str]:
    """Every two neighbouring characters of every word: 屏幕坏点 → 屏幕, 幕坏, 坏点.

    Chinese has no spaces between words, so pairs of characters are the unit that lets
    a search for 坏点 find 屏幕有坏点 without a dictionary. A one-character word is kept
    whole so it can still be searched as a word of its own.
    """
    pairs: set[str] = set()
    for word in _WORDS.findall(halfwidth(text).casefold()):
        if len(word) == 1:
            pairs.add(word)
        pairs.update(word[i:i + 2] for i in range(len(word) - 1))
    return pairs


def query_words(query: str) -> list[set[str]]:
    """The pairs of each word of a query; a text matches when it holds all pairs of each."""
    return [text_pairs(word) for word in _WORDS.findall(halfwidth(query).casefold())]
