"""Why a message waits or failed, in plain words, shown with its status.

Reasons come in the words of the standard that produced them (TS 23.040's
TP-Status texts, +CMS ERROR meanings, a provider's answer); the operator
reads them here as what happened to the phone or the network. A reason
without a plain form is shown as it came; a delivered message needs none.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QStyledItemDelegate

_T = "Reasons"
#: The text a cell shows when it says more than its value (a status with its reason).
ShownTextRole = Qt.ItemDataRole.UserRole + 21
#: Standard texts (TP-Status, +CMS ERROR) -> plain words.
PLAIN = {
    "short message forwarded by the SC to the SME but the SC is unable to confirm delivery":
        QT_TRANSLATE_NOOP("Reasons", "passed on to the phone; the network cannot confirm delivery"),
    "short message replaced by the SC": QT_TRANSLATE_NOOP("Reasons", "replaced by a newer message"),
    "congestion": QT_TRANSLATE_NOOP("Reasons", "the network is busy"),
    "SME busy": QT_TRANSLATE_NOOP("Reasons", "the phone is busy"),
    "no response from SME": QT_TRANSLATE_NOOP("Reasons", "the phone is off or out of reach"),
    "service rejected": QT_TRANSLATE_NOOP("Reasons", "the network refused the message"),
    "quality of service not available": QT_TRANSLATE_NOOP("Reasons", "the network service is not available"),
    "error in SME": QT_TRANSLATE_NOOP("Reasons", "the phone reported an error"),
    "remote procedure error": QT_TRANSLATE_NOOP("Reasons", "error in the network"),
    "incompatible destination": QT_TRANSLATE_NOOP("Reasons", "the number cannot receive SMS"),
    "connection rejected by SME": QT_TRANSLATE_NOOP("Reasons", "the phone refused the message"),
    "not obtainable": QT_TRANSLATE_NOOP("Reasons", "the number cannot be reached"),
    "no interworking available": QT_TRANSLATE_NOOP("Reasons", "the recipient's network cannot be reached"),
    "SM validity period expired": QT_TRANSLATE_NOOP("Reasons", "the phone was not reached before the message "
                                                    "expired"),
    "SM deleted by originating SME": QT_TRANSLATE_NOOP("Reasons", "cancelled by the sender"),
    "SM deleted by SC administration": QT_TRANSLATE_NOOP("Reasons", "deleted by the network operator"),
    "SM does not exist": QT_TRANSLATE_NOOP("Reasons", "the network does not know the message"),
    "unassigned (unallocated) number": QT_TRANSLATE_NOOP("Reasons", "the number does not exist"),
    "unknown subscriber": QT_TRANSLATE_NOOP("Reasons", "the number does not exist"),
    "unidentified subscriber": QT_TRANSLATE_NOOP("Reasons", "the number is not known to the network"),
    "destination out of service": QT_TRANSLATE_NOOP("Reasons", "the phone is out of service"),
    "call barred": QT_TRANSLATE_NOOP("Reasons", "the number is barred"),
    "operator determined barring": QT_TRANSLATE_NOOP("Reasons", "barred by the operator"),
    "memory capacity exceeded": QT_TRANSLATE_NOOP("Reasons", "the phone's memory is full"),
    "network out of order": QT_TRANSLATE_NOOP("Reasons", "the network is out of order"),
    "network failure": QT_TRANSLATE_NOOP("Reasons", "network failure"),
    "temporary failure": QT_TRANSLATE_NOOP("Reasons", "temporary network failure"),
    "no SC subscription": QT_TRANSLATE_NOOP("Reasons", "the SIM has no SMS subscription"),
    "SC busy": QT_TRANSLATE_NOOP("Reasons", "the service centre is busy"),
    "invalid SME address": QT_TRANSLATE_NOOP("Reasons", "the number is not valid"),
    "destination SME barred": QT_TRANSLATE_NOOP("Reasons", "the recipient is barred"),
}
_SUFFIX = re.compile(r"\s*\(SC (still trying|not making further attempts)\)$")
_CMS = re.compile(r"^\+CMS ERROR\s*\d*:\s*")


def plain_reason(status: str, reason: str | None) -> str:
    """The reason in plain words; empty for a delivered message."""
    if not reason or status == "delivered":
        return ""
    core = _SUFFIX.sub("", _CMS.sub("", reason.strip())).removeprefix("waiting: ")
    if core in PLAIN:
        text = QCoreApplication.translate(_T, PLAIN[core])
        if reason.rstrip().endswith("(SC still trying)"):
            text += QCoreApplication.translate(_T, "; the network keeps trying")
        return text
    return core


def status_with_reason(status_words: str, status: str, reason: str | None) -> str:
    """``failed — the phone is off or out of reach``; the status alone when there is no reason."""
    plain = plain_reason(status, reason)
    if not plain:
        return status_words
    if plain.startswith(status_words + " "):  # "cancelled by the operator"
        return plain
    return f"{status_words} — {plain}"


class ShownTextDelegate(QStyledItemDelegate):
    """Shows a cell's :data:`ShownTextRole` text, with its colour and icon; the value stays for sorting,
    copying and filters."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        shown = index.data(ShownTextRole)
        if shown:
            option.text = shown
