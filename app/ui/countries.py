"""Countries by their calling code, for the default country: proposed from the desktop's locale."""

from __future__ import annotations

from PySide6.QtCore import QLocale

#: ISO 3166 code -> calling code (the countries an operator most likely sits in; any code can be typed).
CALLING_CODES = {
    "AR": "54", "AT": "43", "AU": "61", "BE": "32", "BG": "359", "BR": "55", "CA": "1", "CH": "41", "CL": "56",
    "CN": "86", "CO": "57", "CY": "357", "CZ": "420", "DE": "49", "DK": "45", "EE": "372", "EG": "20", "ES": "34",
    "FI": "358", "FR": "33", "GB": "44", "GR": "30", "HR": "385", "HU": "36", "ID": "62", "IE": "353", "IL": "972",
    "IN": "91", "IS": "354", "IT": "39", "JP": "81", "KE": "254", "KR": "82", "LI": "423", "LT": "370",
    "LU": "352", "LV": "371", "MA": "212", "MT": "356", "MX": "52", "MY": "60", "NG": "234", "NL": "31",
    "NO": "47", "NZ": "64", "PH": "63", "PK": "92", "PL": "48", "PT": "351", "RO": "40", "RS": "381", "SA": "966",
    "SE": "46", "SG": "65", "SI": "386", "SK": "421", "TH": "66", "TR": "90", "TW": "886", "UA": "380",
    "AE": "971", "US": "1", "VN": "84", "ZA": "27",
}


def country_name(iso: str) -> str:
    locale = QLocale(QLocale.Language.AnyLanguage, QLocale.codeToTerritory(iso))
    return QLocale.territoryToString(locale.territory())


def proposed_country(locale: QLocale | None = None) -> str:
    """The ISO code of the desktop's country (from its locale), or "" when it has no calling code here."""
    locale = locale or QLocale()
    iso = QLocale.territoryToCode(locale.territory())
    return iso if iso in CALLING_CODES else ""


def country_choices() -> list[tuple[str, str, str]]:
    """(label, ISO code, calling code), by name: ``Germany (+49)``."""
    rows = [(f"{country_name(iso)} (+{code})", iso, code) for iso, code in CALLING_CODES.items()]
    return sorted(rows)
