"""The window's language: Qt translators for the console's words and Qt's own.

The language is, in this order: ``$SMSCONSOLE_LANGUAGE`` (``de``, ``en``,
``de_AT``... or ``system``), the choice made in the Settings dialog (kept in
QSettings under ``ui/language``), else the system's. The English file always
goes in first: it holds the plural forms ("1 message", "2 messages") the
source texts write as "message(s)"; a translation goes in on top of it, so a
word it lacks falls back to English with its plurals right.

Compiled files live in ``resources/translations/`` (``smsconsole_<lang>.qm``);
their sources (``.ts``) beside them are refreshed with
``python resources/translations/refresh.py``.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from app.resources import resource_path

#: Environment variable that chooses the language, overriding the setting.
LANGUAGE_ENV = "SMSCONSOLE_LANGUAGE"
#: QSettings key of the language chosen in the Settings dialog ("" or "system": the system's).
LANGUAGE_KEY = "ui/language"
#: Languages the console ships, by code, in their own words.
LANGUAGES = {"en": "English", "de": "Deutsch"}

_installed: list[QTranslator] = []


def translations_dir() -> str:
    return str(resource_path("translations"))


def chosen_language() -> str:
    """The language asked for by the environment or the settings; "" for the system's."""
    value = os.environ.get(LANGUAGE_ENV) or str(QSettings().value(LANGUAGE_KEY, "") or "")
    return "" if value.strip().lower() == "system" else value.strip()


def install_translators(app: QCoreApplication, language: str | None = None) -> QLocale:
    """Put the translators for ``language`` (None: :func:`chosen_language`) in place of earlier ones.

    Returns the locale the window speaks; widgets made afterwards use it.
    """
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    language = chosen_language() if language is None else language
    locale = QLocale(language) if language else QLocale.system()
    QLocale.setDefault(locale)
    folder = translations_dir()
    english = QTranslator(app)
    if english.load("smsconsole_en", folder):
        _add(app, english)
    if locale.language() != QLocale.Language.English:
        ours = QTranslator(app)
        if ours.load(locale, "smsconsole", "_", folder):
            _add(app, ours)
            qt = QTranslator(app)  # Qt's own words: standard buttons, file dialogs
            if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
                _add(app, qt)
    return locale


def _add(app: QCoreApplication, translator: QTranslator) -> None:
    app.installTranslator(translator)
    _installed.append(translator)


def current_language() -> str:
    """The code of the language the window speaks now ("en" when no translation is in place)."""
    for translator in reversed(_installed):
        code = translator.language()
        if code and not code.startswith("en"):
            return code.split("_")[0]
    return "en"
