"""Opening a serial port (a USB modem or a pseudo-terminal) for the AT channel."""

from __future__ import annotations

import os

import serial


class PortBusy(OSError):
    """Another program holds the port."""


def open_port(path: str, baudrate: int = 115200) -> serial.Serial:
    """Open ``path`` raw, 8N1, non-blocking, exclusively (an flock, so two programs never share a modem).

    Raises FileNotFoundError when the device is not there, PortBusy when
    another program holds it, PermissionError without access (the dialout group).
    """
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path} does not exist")
    try:
        port = serial.Serial(path, baudrate=baudrate, timeout=0, write_timeout=0, exclusive=True)
    except serial.SerialException as exc:
        cause = exc.__context__ if isinstance(exc.__context__, OSError) else None
        text = str(exc)
        if "Could not exclusively lock" in text or "Resource temporarily unavailable" in text:
            raise PortBusy(f"{path} is in use by another program") from None
        if isinstance(cause, PermissionError) or "Permission denied" in text:
            raise PermissionError(f"no permission to open {path}: add the user to the dialout group") from None
        if isinstance(cause, FileNotFoundError) or "No such file" in text:
            raise FileNotFoundError(f"{path} does not exist") from None
        raise OSError(f"cannot open {path}: {text}") from None
    os.set_blocking(port.fileno(), False)
    return port


def close_port(port: serial.Serial) -> None:
    try:
        port.close()
    except (OSError, serial.SerialException):
        pass
