"""Whether a message that just arrived or changed belongs in a filtered list.

The store answers the filters for the pages it loads; live events are
checked here, the same way: every search word must begin a word of the text
or one of the numbers, ignoring case and accents.
"""

from __future__ import annotations

import re
import unicodedata

from app.engine.views import MessageView
from app.store.search import MessageFilter

_WORD = re.compile(r"\w+", re.UNICODE)
_PHONE = re.compile(r"\+\d[\d \-()/.]*\d")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    text = _PHONE.sub(lambda m: re.sub(r"\D", "", m.group(0)), text)
    return _WORD.findall(_fold(text))


def text_matches(query: str, msg: MessageView) -> bool:
    have = words(f"{msg.text} {msg.sender} {msg.recipient}")
    return all(any(w.startswith(q) for w in have) for q in words(query))


def counterpart(msg: MessageView) -> str:
    """The correspondent: who sent it to us, or whom we sent it to."""
    return msg.sender if msg.direction == "in" else msg.recipient


def matches(flt: MessageFilter, msg: MessageView) -> bool:
    if flt.direction and msg.direction != flt.direction:
        return False
    if flt.unread and (msg.direction != "in" or msg.read):
        return False
    if flt.gateway and msg.gateway != flt.gateway:
        return False
    if flt.statuses and msg.status not in flt.statuses:
        return False
    if flt.since and msg.created_at < flt.since:
        return False
    if flt.until and msg.created_at >= flt.until:
        return False
    if flt.job_id and msg.job_id != flt.job_id:
        return False
    if flt.counterpart and counterpart(msg) != flt.counterpart:
        return False
    return not flt.text.strip() or text_matches(flt.text, msg)
