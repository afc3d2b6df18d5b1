"""Prints, as JSON, what Qt Core answers through ICU: collation, locale case mapping, time-zone names, codecs.

Run by test_icu_data.py twice - with PySide6's own ICU data and with the bundle's trimmed data - to
compare the answers. The first key names the ICU data library the process loaded.
"""

import json
from functools import cmp_to_key

from PySide6.QtCore import (QCollator, QDate, QDateTime, QLocale, QStringConverter, QStringDecoder,
                            QStringEncoder, Qt, QTime, QTimeZone)

WORDS = ["Äpfel", "apfel", "Zebra", "Öl", "ol", "Ähre", "ıi", "İstanbul", "çay", "ch", "cz",
         "日本", "中文", "한국", "ångström", "zoo", "a10", "A2", "a1"]
SUMMER = QDateTime(QDate(2026, 7, 15), QTime(12, 0))


def answers() -> dict:
    with open("/proc/self/maps", encoding="utf-8") as maps:
        loaded = sorted({line.split()[-1] for line in maps if "libicudata" in line})
    out: dict = {"icudata": loaded}
    for name in ["de_DE", "sv_SE", "tr_TR", "cs_CZ", "zh_CN", "ja_JP", "en_US", "C"]:
        collator = QCollator(QLocale(name))
        out[f"collation {name}"] = sorted(WORDS, key=cmp_to_key(collator.compare))
        collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        collator.setNumericMode(True)
        out[f"numeric collation {name}"] = sorted(WORDS, key=cmp_to_key(collator.compare))
    for name in ["tr_TR", "lt_LT", "el_GR", "de_DE"]:
        locale = QLocale(name)
        out[f"case {name}"] = [locale.toUpper("istanbul ﬁ straße ίκα"), locale.toLower("İSTANBUL IÌ ΟΔΟΣ")]
    for zone_id in ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]:
        zone = QTimeZone(zone_id.encode())
        for name in ["de_DE", "en_US", "ja_JP", "fr_FR"]:
            locale = QLocale(name)
            for kind in QTimeZone.NameType:
                out[f"zone {zone_id} {name} {kind.name}"] = [
                    zone.displayName(QTimeZone.TimeType.StandardTime, kind, locale),
                    zone.displayName(SUMMER, kind, locale),
                ]
            out[f"date {zone_id} {name}"] = locale.toString(
                QDateTime(SUMMER.date(), SUMMER.time(), zone), "dddd d MMMM yyyy HH:mm t tttt")
    for codec in ["Shift_JIS", "KOI8-R", "windows-1252", "GB18030", "ISO-8859-7", "EUC-KR", "IBM037", "Big5"]:
        encoder, decoder = QStringEncoder(codec), QStringDecoder(codec)
        out[f"codec {codec}"] = [encoder.isValid(), encoder.name(), decoder.isValid()]
    out["codecs"] = sorted(QStringConverter.availableCodecs())
    return out


if __name__ == "__main__":
    print(json.dumps(answers(), ensure_ascii=False, indent=1))
