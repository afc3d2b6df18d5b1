"""Resetting a modem's USB device, as a replug does, without touching the plug.

:func:`usb_node` finds the USB device node (``/dev/bus/usb/BBB/DDD``) of a
serial port from sysfs: ``/sys/class/tty/<name>/device`` leads into the
device tree, and the first folder above it with ``busnum`` and ``devnum`` is
the USB device the port belongs to. :func:`reset_usb` opens that node and
asks the kernel for ``USBDEVFS_RESET``; the modem drops off the bus and comes
back (its ports may come back under other names). The sysfs and ``/dev``
roots and the ioctl are parameters, so tests point them at a fake tree.

Resetting needs write access to the node, which only root has unless a udev
rule gives it (see ``packaging/linux/udev``): without it the reset is
reported as not permitted, in words, and the watchdog goes on to its next step.
"""

from __future__ import annotations

import errno
import fcntl
import os
from dataclasses import dataclass
from typing import Callable

#: ``_IO('U', 20)`` from linux/usbdevice_fs.h.
USBDEVFS_RESET = (ord("U") << 8) | 20


@dataclass(frozen=True)
class UsbResetOutcome:
    #: The device was reset (it re-enumerates now).
    done: bool
    #: What happened, in words, for the traffic log and the gateway's information.
    text: str


def usb_node(port: str, *, sysfs: str = "/sys", dev: str = "/dev") -> str | None:
    """The ``/dev/bus/usb/BBB/DDD`` node of the USB device that serial port ``port`` belongs to, or None."""
    name = os.path.basename(os.path.realpath(port))
    device = os.path.join(sysfs, "class", "tty", name, "device")
    if not os.path.exists(device):
        return None
    folder, root = os.path.realpath(device), os.path.realpath(sysfs)
    while folder.startswith(root + os.sep):
        try:
            with open(os.path.join(folder, "busnum")) as b, open(os.path.join(folder, "devnum")) as d:
                bus, number = int(b.read().strip()), int(d.read().strip())
        except (OSError, ValueError):
            folder = os.path.dirname(folder)
            continue
        return os.path.join(dev, "bus", "usb", f"{bus:03d}", f"{number:03d}")
    return None


def reset_usb(port: str, *, sysfs: str = "/sys", dev: str = "/dev",
              ioctl: Callable[[int, int, int], object] = fcntl.ioctl) -> UsbResetOutcome:
    """Reset the USB device of serial port ``port`` (blocking for a moment: run it off the event loop)."""
    node = usb_node(port, sysfs=sysfs, dev=dev)
    if node is None:
        return UsbResetOutcome(False, f"no USB reset: {port} is not a USB device (no USB node found in sysfs)")
    try:
        fd = os.open(node, os.O_WRONLY | os.O_CLOEXEC)
    except PermissionError:
        return UsbResetOutcome(False, f"USB reset not permitted: {node} is not writable by this user (a udev rule "
                                      "giving the dialout group write access to the modem's USB node allows it)")
    except OSError as exc:
        return UsbResetOutcome(False, f"no USB reset: {node} cannot be opened ({os.strerror(exc.errno or 0)})")
    try:
        ioctl(fd, USBDEVFS_RESET, 0)
    except OSError as exc:
        if exc.errno in (errno.EPERM, errno.EACCES):
            return UsbResetOutcome(False, f"USB reset not permitted: the kernel refused to reset {node} "
                                          f"({os.strerror(exc.errno)})")
        return UsbResetOutcome(False, f"USB reset of {node} failed: {os.strerror(exc.errno or 0)}")
    finally:
        os.close(fd)
    return UsbResetOutcome(True, f"USB device {node} reset")
