"""Entry script of the PyInstaller bundle: the same as the `smsconsole` command."""

import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    # the queue writer is a process of its own: in a bundle it is this program started again, which must
    # become the writer instead of a second console
    multiprocessing.freeze_support()
    sys.exit(main())
