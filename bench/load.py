"""The load test: gunicorn with the README's worker count, driven by a separate client process.

``python -m bench.load URL SECONDS USERS COOKIE NUMBERS`` is the client: USERS threads, each signed in with
the session COOKIE, loop for SECONDS over a mix of agent work (the queue, a ticket, a search, an internal
note) and print one JSON line with every request's latency and status.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
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
    requests: int
    rps: float
    p50: float
    p99: float
    errors: int


def run_load(*, seconds: int, users: int, cookie: str, numbers: list[str], env: dict[str, str]) -> LoadResult:
    """Start gunicorn, run the client process against it, stop gunicorn; return the figures."""
    port = 8765
    server = subprocess.Popen(  # noqa: S603 (our own fixed command line)
        [sys.executable, "-m", "gunicorn", "helpdesk.wsgi", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        _wait_for(port)
        client = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.load", f"http://127.0.0.1:{port}", str(seconds), str(users), cookie,
             ",".join(numbers)],
            cwd=ROOT, env=env, capture_output=True, check=True, timeout=seconds + 120,
        )  # fmt: skip
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    samples = json.loads(client.stdout.decode().strip().splitlines()[-1])
    return _summary(samples, users=users, seconds=seconds)


def _wait_for(port: int) -> None:
    for _attempt in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/scp/login")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _summary(samples: list[list[float]], *, users: int, seconds: int) -> LoadResult:
    latencies = sorted(latency for latency, _status in samples)
    errors = sum(1 for _latency, status in samples if status >= 400 or status == 0)
    count = len(latencies) or 1
    return LoadResult(
        users=users,
        seconds=seconds,
        requests=len(latencies),
        rps=len(latencies) / seconds,
        p50=latencies[count // 2] if latencies else 0.0,
        p99=latencies[min(len(latencies) - 1, int(count * 0.99))] if latencies else 0.0,
        errors=errors,
    )


# --- the client process --------------------------------------------------------------------------


class Agent:
    """One simulated agent: a keep-alive connection, the session cookie, and the pages they work through."""

    def __init__(self, base: str, cookie: str, numbers: list[str], seed: int) -> None:
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        self.cookies = {"sessionid": cookie}
        self.numbers = numbers
        self.rng = random.Random(seed)
        self.samples: list[list[float]] = []

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> bytes:
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
        self.samples.append([(time.perf_counter() - started) * 1000, status])
        return content

    def step(self) -> None:
        """One action of the mix: 40% queue, 35% ticket, 15% search, 10% internal note."""
        choice = self.rng.random()
        number = self.rng.choice(self.numbers)
        if choice < 0.40:
            self.request("GET", f"/scp/?page={self.rng.randint(1, 20)}")
        elif choice < 0.75:
            self.request("GET", f"/scp/tickets/{number}/")
        elif choice < 0.90:
            self.request("GET", "/scp/?" + urlencode({"q": self.rng.choice(["printer", "stampante", number])}))
        else:
            self.note(number)

    def note(self, number: str) -> None:
        """Open a ticket and post an internal note through its reply form."""
        page = self.request("GET", f"/scp/tickets/{number}/")
        token, last = TOKEN.search(page), LAST_MESSAGE.search(page)
        if token is None:
            return
        form = {"csrfmiddlewaretoken": token.group(1).decode(), "reply_type": "internal", "body": "Load test note."}
        form["last_message_id"] = last.group(1).decode() if last else ""
        self.request("POST", f"/scp/tickets/{number}/reply", form)


def _client(base: str, seconds: int, users: int, cookie: str, numbers: list[str]) -> None:
    agents = [Agent(base, cookie, numbers, seed) for seed in range(users)]
    deadline = time.monotonic() + seconds

    def work(agent: Agent) -> None:
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
    _client(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5].split(","))
