"""Imported by the extraction pool's forkserver alone (its preload), never by the crawl: the
forkserver ignores TERM and HUP.

`timeout`, `kill -- -PGID`, systemd and a closed terminal signal the whole process group. The
forkserver died of it at once, and with it the only record of its workers' exit codes: every
worker then read as crashed (exit code 255), and the pages they were finishing were dropped as
crashed extractions. The crawl process ends the forkserver when it stops; the workers, forked
from it, set their own handling of TERM and HUP first thing (pool._worker_main).
"""

from __future__ import annotations

import signal

# whether the crawl was started with HUP ignored (`nohup`): the forkserver inherits that, and its
# workers, which inherit the forkserver's own ignoring, read it here
HANGUP_IGNORED = signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGHUP, signal.SIG_IGN)
