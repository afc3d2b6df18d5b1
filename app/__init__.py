"""SMS Console: send and receive SMS through USB GSM modems and REST providers."""

__version__ = "0.1.0"

#: The one reverse-DNS application id: desktop file, metainfo, icons, Qt.
APP_ID = "org.smsconsole.SMSConsole"
APP_NAME = "SMS Console"
#: Directory name used under the platform data/config/log directories.
APP_DIRNAME = "smsconsole"
