"""The load test: gunicorn with the README's worker count, driven by a separate client process.

``python -m bench.load URL SECONDS THINK COOKIES NUMBERS`` is the client: one thread per session cookie in
COOKIES, each an agent signed in on their own, loops for SECONDS over a mix of agent work (a queue page, a
ticket, a search, an internal note), pausing a random 0.5-1.5 x THINK seconds between actions as a person
reading the page does, and prints one JSON line with every request's latency, status and kind. The same mix
runs for WARM_UP_SECONDS first without being recorded, so that each gunicorn worker has loaded its code.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 5  # README: (2 x cores) + 1 on the 2-core machine the targets are set for
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
LAST_MESSAGE = re.compile(rb'name="last_message_id" value="([^"]*)"')


@dataclass(frozen=True)
class LoadResult:
    """Requests per second, latency percentiles (ms) and failed requests of the load test."""

    users: int
    seconds: int
    think: float
    requests: int
    rps: float
    p50: float
    p99: float
    errors: int
    kinds: dict[str, tuple[int, float, float]]  # per kind of request: count, p50 and p99 ms


def run_load(*, seconds: int, think: float, cookies: list[str], numbers: list[str], env: dict[str, str]) -> LoadResult:
    """Start gunicorn, run the client process against it, stop gunicorn; return the figures."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 (our own fixed command line)
        [sys.executable, "-m", "gunicorn", "helpdesk.wsgi", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        _wait_for(server, port)
        client = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.load", f"http://127.0.0.1:{port}", str(seconds), str(think),
             ",".join(cookies), ",".join(numbers)],
            cwd=ROOT, env=env, capture_output=True, check=True, timeout=seconds + WARM_UP_SECONDS + 120,
        )  # fmt: skip
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    samples = json.loads(client.stdout.decode().strip().splitlines()[-1])
    return _summary(samples, users=len(cookies), seconds=seconds, think=think)


def _free_port() -> int:
    """A port nobody listens on, so that a server left over from an earlier run is never measured instead."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(server: subprocess.Popen[bytes], port: int) -> None:
    for _attempt in range(100):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/scp/login")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _summary(samples: list[list[Any]], *, users: int, seconds: int, think: float) -> LoadResult:
    latencies = sorted(latency for latency, _status, _kind in samples)
    errors = sum(1 for _latency, status, _kind in samples if status >= 400 or status == 0)
    kinds = {}
    for kind in sorted({kind for _latency, _status, kind in samples}):
        times = sorted(latency for latency, _status, each in samples if each == kind)
        kinds[kind] = (len(times), _at(times, 0.5), _at(times, 0.99))
    return LoadResult(
        users=users,
        seconds=seconds,
        think=think,
        requests=len(latencies),
        rps=len(latencies) / seconds,
        p50=_at(latencies, 0.5),
        p99=_at(latencies, 0.99),
        errors=errors,
        kinds=kinds,
    )


def _at(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


# --- the client process --------------------------------------------------------------------------


class Agent:
    """One simulated agent: a keep-alive connection, the session cookie, and the pages they work through."""

    def __init__(self, base: str, cookie: str, numbers: list[str], seed: int, think: float) -> None:
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        self.cookies = {"sessionid": cookie}
        self.numbers = numbers
        self.rng = random.Random(seed)
        self.think = think
        self.samples: list[list[Any]] = []  # latency ms, status, kind of request

    def request(self, kind: str, method: str, path: str, body: dict[str, str] | None = None) -> bytes:
        """Send one request, record its latency and status, keep any cookie it sets."""
        headers = {"Cookie": "; ".join(f"{key}={value}" for key, value in self.cookies.items()), "Host": "127.0.0.1"}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = "http://127.0.0.1" + path
        started = time.perf_counter()
        status, content = 0, b""
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            content, status = response.read(), response.status
            for header in response.headers.get_all("Set-Cookie") or []:
                key, _sep, rest = header.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        except (OSError, http.client.HTTPException):
            self.connection.close()
        self.samples.append([(time.perf_counter() - started) * 1000, status, kind])
        return content

    def step(self) -> None:
        """One action of the mix (40% queue, 35% ticket, 15% search, 10% internal note), then a pause."""
        choice = self.rng.random()
        number = self.rng.choice(self.numbers)
        if choice < 0.40:
            self.request("queue", "GET", self.queue_page())
        elif choice < 0.75:
            self.request("ticket", "GET", f"/scp/tickets/{number}/")
        elif choice < 0.90:
            words = self.rng.choice(["printer", "stampante", "outlook crashes", number])
            self.request("search", "GET", "/scp/?" + urlencode({"q": words}))
        else:
            self.note(number)
        if self.think:
            time.sleep(self.think * self.rng.uniform(0.5, 1.5))

    def queue_page(self) -> str:
        """A queue as agents open them: mostly the first pages, sometimes filtered or sorted."""
        queue = self.rng.choice(QUEUES)
        query = {"page": str(min(self.rng.randint(1, 3), self.rng.randint(1, 40)))}
        if self.rng.random() < 0.25:
            query["priority"] = str(self.rng.randint(1, 4))
        if self.rng.random() < 0.25:
            query["sort"] = self.rng.choice(["-created", "-priority", "due"])
        return f"/scp/queues/{queue}/?{urlencode(query)}" if queue != "open" else f"/scp/?{urlencode(query)}"

    def note(self, number: str) -> None:
        """Open a ticket and post an internal note through its reply form."""
        page = self.request("ticket", "GET", f"/scp/tickets/{number}/")
        token, last = TOKEN.search(page), LAST_MESSAGE.search(page)
        if token is None:
            return
        form = {"csrfmiddlewaretoken": token.group(1).decode(), "reply_type": "internal", "body": "Load test note."}
        form["last_message_id"] = last.group(1).decode() if last else ""
        self.request("note", "POST", f"/scp/tickets/{number}/reply", form)


QUEUES = ["open", "open", "open", "mine", "unassigned", "overdue", "answered", "closed"]


WARM_UP_SECONDS = 10  # the same mix first, not recorded: each worker loads its code and templates once


def _client(base: str, seconds: int, think: float, cookies: list[str], numbers: list[str]) -> None:
    agents = [Agent(base, cookie, numbers, seed, think) for seed, cookie in enumerate(cookies)]
    warm_until = time.monotonic() + WARM_UP_SECONDS
    deadline = warm_until + seconds

    def work(agent: Agent) -> None:
        while time.monotonic() < warm_until:
            agent.step()
        agent.samples.clear()
        while time.monotonic() < deadline:
            agent.step()

    threads = [threading.Thread(target=work, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps([sample for agent in agents for sample in agent.samples]))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    _client(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4].split(","), sys.argv[5].split(","))
