"""End a helper process when the process that started it ends, even by ``kill -9``.

Import workers come from a fork server, so they are children of that server and not of
the process that made the pool: ``PR_SET_PDEATHSIG`` would watch the wrong parent, and
the workers hold the pipe ends that keep the fork server and the resource tracker alive.
Without a watch, a killed ``customlabels`` left four processes behind for good. A pidfd
(Linux 5.3+) becomes readable the moment its process ends; elsewhere the pid is polled.
"""

from __future__ import annotations

import os
import select
import threading
import time

POLL_SECONDS = 0.5


def exit_when_process_ends(pid: int) -> None:
    """Start a daemon thread that ends this process as soon as process ``pid`` has ended."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(0)
    except (AttributeError, OSError):
        pidfd = None
    thread = threading.Thread(
        target=_watch, args=(pid, pidfd), name=f"exit-with-{pid}", daemon=True
    )
    thread.start()


def _watch(pid: int, pidfd: int | None) -> None:
    if pidfd is not None:
        select.select([pidfd], [], [])
    else:
        while _alive(pid):
            time.sleep(POLL_SECONDS)
    # os._exit, not sys.exit: this is not the main thread, and nothing here is worth
    # flushing for a process whose work has no one left to receive it.
    os._exit(0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
