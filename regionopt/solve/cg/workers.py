"""Pricing in this process or in forked worker processes, streamed.

Exact pricing is single-threaded CP-SAT, and CP-SAT threads in one process do not run side
by side, hence processes. Workers are forked, so they share the problem data without copying
it; each builds a root's model once and keeps it. Exact pricing is streamed (``submit`` a
root, take any finished ``result``), so a slow call never holds another worker idle;
``depth`` calls (two by default) are in flight per worker. Workers talk over plain pipes
(``multiprocessing.Pool``'s handler threads cost more per call than a call's own work).
"""

from __future__ import annotations

import collections
import math
import multiprocessing
import multiprocessing.connection
import multiprocessing.process
import signal
from collections.abc import Sequence
from typing import cast

import numpy as np

from regionopt.solve.cg.exact import ExactPricer
from regionopt.solve.cg.pricing_problem import PricingProblem

PriceResult = tuple[int, float, list[np.ndarray], float]
"""(root index, proven upper bound on its pricing value, member sets found best last, work
seconds)."""


def _price_root(
    pricers: dict[int, ExactPricer],
    prob: PricingProblem,
    k: int,
    pi: np.ndarray,
    time_limit_s: float,
    floor: float = -math.inf,
    deterministic: bool = False,
) -> PriceResult:
    """Exact pricing of root ``k``, building (and keeping) its CP-SAT model on first use."""
    pricer = pricers.get(k)
    if pricer is None:
        pricer = pricers[k] = ExactPricer(prob, prob.roots[k])
    bound, found, _ = pricer.price(pi, time_limit_s, floor, deterministic=deterministic)
    return k, bound, found, pricer.work_s


def _worker_loop(
    conn: multiprocessing.connection.Connection, prob: PricingProblem, deterministic: bool
) -> None:
    """A pricing process: answer ("price", k, pi, t, floor) and ("closures", ks, pi) until None.

    Ctrl-C is the main process's to handle (it ends the workers), so workers ignore it.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pricers: dict[int, ExactPricer] = {}
    while True:
        try:
            task = conn.recv()
        except EOFError:  # the main process has gone
            return
        if task is None:
            return
        try:
            if task[0] == "price":
                _, k, pi, time_limit_s, floor = task
                conn.send(_price_root(pricers, prob, k, pi, time_limit_s, floor, deterministic))
            else:
                _, ks, pi = task
                conn.send([prob.closure(prob.roots[k], pi) for k in ks])
        except Exception as exc:  # handed to the main process, which raises it
            conn.send(exc)


class PricingPool:
    """Closure and exact pricing of roots, in this process or in worker processes.

    ``deterministic``: exact pricing stops on CP-SAT's deterministic time, and results come
    back in the order they were submitted (not the order they finish), so a run does the
    same work whatever the timing.
    """

    def __init__(
        self,
        prob: PricingProblem,
        workers: int,
        *,
        deterministic: bool = False,
        depth: int = 2,
        affinity: bool = False,
    ) -> None:
        self.prob = prob
        self.deterministic = deterministic
        self.depth = depth
        """Calls in flight per worker: with answers taken in order, a deeper queue keeps a
        worker busy while the other's long call is awaited."""
        self.affinity = affinity
        """Root ``k`` always goes to worker ``k % workers``, which keeps its model and cuts
        (otherwise to the least busy worker)."""
        self._order: collections.deque[int] = collections.deque()
        """The worker of every call in flight, in the order they were submitted."""
        self.pricers: dict[int, ExactPricer] = {}
        self._queued: collections.deque[tuple[int, np.ndarray, float, float]] = collections.deque()
        self._conns: list[multiprocessing.connection.Connection] = []
        self._procs: list[multiprocessing.process.BaseProcess] = []
        self._busy: list[int] = []
        self.in_flight = 0
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            for _ in range(workers):
                here, there = context.Pipe()
                proc = context.Process(
                    target=_worker_loop, args=(there, prob, deterministic), daemon=True
                )
                proc.start()
                there.close()
                self._conns.append(here)
                self._procs.append(proc)
                self._busy.append(0)

    @property
    def workers(self) -> int:
        """Worker processes running (0: pricing runs in this process)."""
        return len(self._conns)

    @property
    def parallelism(self) -> int:
        """How many calls run side by side (a call's work takes 1 / this of the time)."""
        return max(len(self._conns), 1)

    @property
    def slots(self) -> int:
        """How many calls may be in flight at once (``depth`` per worker, so none waits)."""
        return self.depth * len(self._conns) if self._conns else 1

    def submit(self, k: int, pi: np.ndarray, time_limit_s: float, floor: float = -math.inf) -> None:
        """Start exact pricing of root ``k`` (its result comes back from ``result``)."""
        self.in_flight += 1
        if not self._conns:
            self._queued.append((k, pi, time_limit_s, floor))
            return
        w = k % len(self._conns) if self.affinity else int(np.argmin(self._busy))
        self._busy[w] += 1
        self._order.append(w)
        self._conns[w].send(("price", k, pi, time_limit_s, floor))

    def _receive(self, w: int) -> object:
        self._busy[w] -= 1
        out = self._conns[w].recv()
        if isinstance(out, BaseException):
            raise out
        return out

    def result(self) -> PriceResult:
        """The result of a submitted call: the first one done, or when deterministic the
        first one submitted."""
        if self.in_flight == 0:
            raise RuntimeError("no pricing call in flight")
        self.in_flight -= 1
        if not self._conns:
            k, pi, t, floor = self._queued.popleft()
            return _price_root(self.pricers, self.prob, k, pi, t, floor, self.deterministic)
        if self.deterministic:
            # A worker answers its calls in order, so its next answer is its oldest call's.
            w = self._order.popleft()
        else:
            waiting = [c for c, b in zip(self._conns, self._busy, strict=True) if b]
            conn = multiprocessing.connection.wait(waiting)[0]
            w = self._conns.index(conn)  # type: ignore[arg-type]
            self._order.remove(w)
        return self._receive(w)  # type: ignore[return-value]

    def price(self, ks: Sequence[int], pi: np.ndarray, time_limit_s: float) -> list[PriceResult]:
        """Exact pricing of each root in ``ks``, in order."""
        for k in ks:
            self.submit(k, pi, time_limit_s)
        done = {}
        for _ in ks:
            res = self.result()
            done[res[0]] = res
        return [done[k] for k in ks]

    def closures(self, pi: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """The closure bound and member set of every root, split over the workers."""
        roots = self.prob.roots
        if not self._conns or self.in_flight:
            found = [self.prob.closure(root, pi) for root in roots]
        else:
            n = len(self._conns)
            for w, conn in enumerate(self._conns):
                self._busy[w] += 1
                conn.send(("closures", range(w, len(roots), n), pi))
            parts = [cast(list[tuple[float, np.ndarray]], self._receive(w)) for w in range(n)]
            found = [parts[k % n][k // n] for k in range(len(roots))]
        return np.array([v for v, _ in found], dtype=float), [c for _, c in found]

    def close(self) -> None:
        """End the worker processes (at once: a call in flight is not waited for)."""
        for proc in self._procs:
            proc.terminate()
        for proc in self._procs:
            proc.join()
        for conn in self._conns:
            conn.close()
        self._conns, self._procs, self._busy = [], [], []
        self._order.clear()


__all__ = ["PriceResult", "PricingPool"]
