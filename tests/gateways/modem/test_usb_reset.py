"""Finding a serial port's USB device in sysfs and resetting it, against a fake sysfs tree."""

from __future__ import annotations

import errno
import os

import pytest

from app.gateways.modem.usb_reset import USBDEVFS_RESET, reset_usb, usb_node

from .conftest import fake_tree


def test_usb_node_is_found_from_the_tty_through_its_interface(tmp_path):
    sysfs, dev, port = fake_tree(tmp_path, bus=3, dev=12)
    assert usb_node(port, sysfs=sysfs, dev=dev) == f"{dev}/bus/usb/003/012"
    assert usb_node(f"{dev}/ttyUSB9", sysfs=sysfs, dev=dev) is None


def test_reset_asks_the_kernel_for_usbdevfs_reset_on_the_node(tmp_path):
    sysfs, dev, port = fake_tree(tmp_path)
    calls = []
    outcome = reset_usb(port, sysfs=sysfs, dev=dev,
                        ioctl=lambda fd, request, arg: calls.append((os.readlink(f"/proc/self/fd/{fd}"), request)))
    assert outcome.done and outcome.text == f"USB device {dev}/bus/usb/001/007 reset"
    assert calls == [(f"{dev}/bus/usb/001/007", USBDEVFS_RESET)] and USBDEVFS_RESET == 0x5514


def test_refused_reset_is_reported_as_not_permitted(tmp_path):
    sysfs, dev, port = fake_tree(tmp_path)

    def refuse(fd, request, arg):
        raise PermissionError(errno.EPERM, "Operation not permitted")

    outcome = reset_usb(port, sysfs=sysfs, dev=dev, ioctl=refuse)
    assert not outcome.done
    assert outcome.text == (f"USB reset not permitted: the kernel refused to reset {dev}/bus/usb/001/007 "
                            "(Operation not permitted)")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_node_without_write_access_is_reported_as_not_permitted(tmp_path):
    sysfs, dev, port = fake_tree(tmp_path)
    os.chmod(f"{dev}/bus/usb/001/007", 0o444)
    outcome = reset_usb(port, sysfs=sysfs, dev=dev)
    assert not outcome.done and outcome.text.startswith("USB reset not permitted: ")
    assert "udev rule" in outcome.text


def test_real_ioctl_on_something_that_is_no_usb_node_fails_in_words(tmp_path):
    sysfs, dev, port = fake_tree(tmp_path)
    outcome = reset_usb(port, sysfs=sysfs, dev=dev)  # the fake node is a plain file: the kernel says ENOTTY
    assert not outcome.done
    assert outcome.text == f"USB reset of {dev}/bus/usb/001/007 failed: {os.strerror(errno.ENOTTY)}"


def test_a_pty_is_not_a_usb_device():
    master, slave = os.openpty()
    try:
        outcome = reset_usb(os.ttyname(slave))
    finally:
        os.close(master)
        os.close(slave)
    assert not outcome.done and "is not a USB device" in outcome.text
