"""Chat benchmark: ``POST /v1/chat/completions`` (built-in advisor) with a Python load generator.

Starts the petstore server (temp SQLite database, ``--pets`` seeded pets, a USER account made
with ``petstore user create`` and logged in with ``POST /v1/auth/tokens``) and the bare FastAPI
hello-world of ``bench/hello_app.py`` side by side, exactly as ``bench/run.py`` does. Then runs,
each after a short warm-up, ``--concurrency`` asyncio workers (uvloop, ``httpx.AsyncClient``,
``--concurrency`` keep-alive connections in all) for ``--duration`` seconds::

    hello (1st)  ->  chat  ->  chat_stream  ->  hello (2nd)

``chat``
    Non-streaming completions (``"stream": false``). Every worker sends the next of 8 fixed
    questions (recommendations by species, size and budget, care questions, the adoption
    process). Reports completions/s and p50/p90/p99 latency; anything but a 201 with a
    ``chat.completion`` body is an error.
``chat_stream``
    The same questions with ``"stream": true``. Per stream: time to the response headers, to
    the first ``data:`` event (the role chunk), to the first content token (the first chunk
    whose delta has non-empty ``content``) and to the end of the stream; streams/s. A stream is
    an error unless it is a 201 ``text/event-stream`` that has content, a final chunk with a
    ``finish_reason`` and ends with ``data: [DONE]``.
``hello``
    ``GET /hello`` on the hello app with the same client and workers: the baseline is the mean
    of the two hello runs, and ``chat`` completions/s / baseline is the printed ratio (so the
    ratio is measured with the same, fairly slow, Python client; ``wrk`` in ``bench/run.py``
    drives hello several times faster).

By default each worker has its own ``AsyncClient`` with a pool of one connection:
``--pool shared`` puts all workers on one client whose pool holds ``--concurrency``
connections, which is the textbook set-up but makes httpx itself the bottleneck (its pool
bookkeeping costs grow with the number of connections, encode/httpx#3215: on a 2-core machine
hello drops from ~1,200 to ~540 req/s at 16 connections), and that would flatter the ratios.

Before measuring, every question is asked once without and once with streaming: both must
succeed and give the same text (a mismatch is reported, not fatal). The CPU columns split the
machine's busy cores into the measured server, this process (the client) and everything else
(which should be ~0: the machine is small, and the client competes with the server for it).

Run from anywhere (paths are resolved from this file)::

    .venv/bin/python bench/chat.py [--duration 10] [--concurrency 16] [--json PATH]

Exit status: 0 when every scenario ran cleanly (this is a measurement, not a test), 2 when a
scenario had errors (the figures are then not trustworthy), 1 on a set-up failure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
import orjson
import uvloop

if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `import bench.run`

from bench.run import (  # after the sys.path line above (ruff allows that)
    REPO_ROOT,
    BenchError,
    CpuSnapshot,
    Server,
    cpu_split,
    log_tail,
    server_env,
    sigterm_as_interrupt,
    start_servers,
    stop_server,
    venv_tool,
    wait_for_idle,
)

CHAT_PATH = "/v1/chat/completions"
HELLO_PATH = "/hello"
MODEL = "PET_ADVISOR_1"
USERNAME = "bench-chat"
EMAIL = "bench-chat@example.com"
TOKEN_TTL_S = 86_400  # the server's maximum: the token outlives any run
REQUEST_TIMEOUT_S = 30.0
DRIFT_WARNING = 0.15  # the two hello runs differ by more: the machine was not steady
OTHER_CPU_WARNING = 0.15  # cores used by other processes during a run that taint it
DONE_LINE = "data: [DONE]"

# Rotated through by every scenario: four recommendations (species, size, budget and other
# wishes: each is a database query), two care questions and two about the adoption process.
QUESTIONS: tuple[str, ...] = (
    "I'm looking for a small dog for my apartment, under $300. What do you recommend?",
    "Do you have any cats that are good with kids? Our budget is up to $250.",
    "Can you suggest a young rabbit, vaccinated, for less than $150?",
    "We want a large dog, neutered and vaccinated, budget of $600. Which ones are available?",
    "How often should I feed my new pet, and how many treats are OK?",
    "Which vaccinations does a new pet need, and when should we first see a vet?",
    "How does the adoption process work here? What are the steps?",
    "Can I cancel an adoption after I placed the order, and what does the adoption fee cover?",
)


# --------------------------------------------------------------------------- results


@dataclass(slots=True)
class Outcome:
    """One request. Times are ``perf_counter`` seconds; the stream marks are None elsewhere."""

    ok: bool
    error: str | None
    start: float
    end: float
    status: int = 0  # HTTP status; 0 when no response came (a transport error)
    headers: float | None = None  # response headers received
    first_event: float | None = None  # first ``data:`` line (the role chunk)
    first_content: float | None = None  # first ``data:`` line with non-empty content
    events: int = 0  # ``data:`` lines, [DONE] included
    question: int = -1  # index into QUESTIONS; -1 for hello


@dataclass
class ScenarioResult:
    scenario: str
    url: str
    concurrency: int
    elapsed_s: float
    requests: int
    ok: int
    per_s: float  # successful requests (completions, streams) per second
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    errors: dict[str, int] = field(default_factory=dict)
    # Streaming only: percentiles from the request's start to each mark.
    headers_p50_ms: float | None = None
    headers_p99_ms: float | None = None
    first_event_p50_ms: float | None = None
    first_event_p99_ms: float | None = None
    first_content_p50_ms: float | None = None
    first_content_p99_ms: float | None = None
    events_per_stream: float | None = None
    # Chat only: per question (same order as QUESTIONS): answers, p50/p99 latency in ms.
    per_question: list[dict[str, float]] = field(default_factory=list)
    server_cpu: float = 0.0  # cores the measured server used
    client_cpu: float = 0.0  # cores this process (the load generator) used
    other_cpu: float = 0.0  # cores used by everything else: should be ~0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted values (0.0 for none)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summarize(
    scenario: str,
    url: str,
    concurrency: int,
    outcomes: Sequence[Outcome],
    elapsed: float,
    streaming: bool,
) -> ScenarioResult:
    good = [o for o in outcomes if o.ok]
    latencies = sorted((o.end - o.start) * 1000 for o in good)
    errors = Counter(o.error or "unknown" for o in outcomes if not o.ok)
    result = ScenarioResult(
        scenario=scenario,
        url=url,
        concurrency=concurrency,
        elapsed_s=elapsed,
        requests=len(outcomes),
        ok=len(good),
        per_s=len(good) / elapsed if elapsed > 0 else 0.0,
        p50_ms=percentile(latencies, 50),
        p90_ms=percentile(latencies, 90),
        p99_ms=percentile(latencies, 99),
        mean_ms=sum(latencies) / len(latencies) if latencies else 0.0,
        errors=dict(errors.most_common()),
    )
    if any(o.question >= 0 for o in outcomes):
        for index in range(len(QUESTIONS)):
            mine = sorted((o.end - o.start) * 1000 for o in good if o.question == index)
            result.per_question.append(
                {"ok": len(mine), "p50_ms": percentile(mine, 50), "p99_ms": percentile(mine, 99)}
            )
    if streaming:

        def marks(attr: str) -> list[float]:
            values = (getattr(o, attr) for o in good)
            return sorted((v - o.start) * 1000 for o, v in zip(good, values, strict=True) if v)

        headers, first_event, first_content = (
            marks("headers"),
            marks("first_event"),
            marks("first_content"),
        )
        result.headers_p50_ms = percentile(headers, 50)
        result.headers_p99_ms = percentile(headers, 99)
        result.first_event_p50_ms = percentile(first_event, 50)
        result.first_event_p99_ms = percentile(first_event, 99)
        result.first_content_p50_ms = percentile(first_content, 50)
        result.first_content_p99_ms = percentile(first_content, 99)
        result.events_per_stream = sum(o.events for o in good) / len(good) if good else 0.0
    return result


# --------------------------------------------------------------------------- requests

Send = Callable[[], Awaitable[Outcome]]
MakeSender = Callable[[httpx.AsyncClient, int], Send]


def chat_bodies(stream: bool) -> list[bytes]:
    return [
        orjson.dumps(
            {"model": MODEL, "messages": [{"role": "USER", "content": q}], "stream": stream}
        )
        for q in QUESTIONS
    ]


def has_content(data_line: str) -> bool:
    """Whether a ``data: {chunk}`` line carries a non-empty content delta."""
    try:
        chunk = orjson.loads(data_line[5:])
        return bool(chunk["choices"][0]["delta"].get("content"))
    except (orjson.JSONDecodeError, KeyError, IndexError, TypeError, AttributeError):
        return False


def finish_reason(data_line: str) -> str | None:
    try:
        reason = orjson.loads(data_line[5:])["choices"][0]["finish_reason"]
    except (orjson.JSONDecodeError, KeyError, IndexError, TypeError):
        return None
    return reason if isinstance(reason, str) else None


def hello_sender(client: httpx.AsyncClient, offset: int = 0) -> Send:
    del offset  # one URL

    async def send() -> Outcome:
        start = time.perf_counter()
        try:
            response = await client.get(HELLO_PATH)
        except httpx.HTTPError as exc:
            return Outcome(False, type(exc).__name__, start, time.perf_counter())
        end = time.perf_counter()
        status = response.status_code
        if status != 200:
            return Outcome(False, f"HTTP {status}", start, end, status)
        return Outcome(True, None, start, end, status)

    return send


def rotation(stream: bool, offset: int) -> Iterator[tuple[int, bytes]]:
    """(question index, request body), endlessly, starting with question number ``offset``."""
    numbered = list(enumerate(chat_bodies(stream)))
    return itertools.islice(itertools.cycle(numbered), offset % len(QUESTIONS), None)


def completion_sender(client: httpx.AsyncClient, offset: int = 0) -> Send:
    bodies = rotation(False, offset)

    async def send() -> Outcome:
        question, body = next(bodies)
        outcome = Outcome(False, None, time.perf_counter(), 0.0, question=question)
        try:
            response = await client.post(CHAT_PATH, content=body)
        except httpx.HTTPError as exc:
            outcome.error = type(exc).__name__
        else:
            outcome.status = response.status_code
            if response.status_code != 201:
                outcome.error = f"HTTP {response.status_code}"
            elif b'"chat.completion"' not in response.content:
                outcome.error = "not a chat.completion body"
            else:
                outcome.ok = True
        outcome.end = time.perf_counter()
        return outcome

    return send


def stream_sender(client: httpx.AsyncClient, offset: int = 0) -> Send:
    bodies = rotation(True, offset)

    async def send() -> Outcome:
        question, body = next(bodies)
        outcome = Outcome(False, None, time.perf_counter(), 0.0, question=question)
        previous = last = ""
        try:
            async with client.stream("POST", CHAT_PATH, content=body) as response:
                outcome.headers = time.perf_counter()
                outcome.status = response.status_code
                if response.status_code != 201:
                    await response.aread()
                    outcome.error = f"HTTP {response.status_code}"
                elif not response.headers.get("content-type", "").startswith("text/event-stream"):
                    await response.aread()
                    outcome.error = "not text/event-stream"
                else:
                    async for line in response.aiter_lines():
                        if not line.startswith("data:"):
                            continue  # the blank line after each event
                        now = time.perf_counter()
                        outcome.events += 1
                        if outcome.first_event is None:
                            outcome.first_event = now
                        if outcome.first_content is None and has_content(line):
                            outcome.first_content = now
                        previous, last = last, line
        except httpx.HTTPError as exc:
            outcome.error = type(exc).__name__
        outcome.end = time.perf_counter()
        if outcome.error is None:
            if last != DONE_LINE:
                outcome.error = "stream did not end with data: [DONE]"
            elif outcome.first_content is None:
                outcome.error = "stream without content"
            elif finish_reason(previous) is None:
                outcome.error = "no finish_reason before [DONE]"
            else:
                outcome.ok = True
        return outcome

    return send


# --------------------------------------------------------------------------- load generator


async def drive(senders: Sequence[Send], duration: float) -> tuple[list[Outcome], float]:
    """One worker per sender sends back to back until ``duration`` has passed; returns every
    outcome and the seconds from the start to the last answer (in-flight requests finish)."""
    outcomes: list[Outcome] = []
    start = time.perf_counter()
    deadline = start + duration

    async def worker(send: Send) -> None:
        while time.perf_counter() < deadline:
            outcome = await send()
            outcomes.append(outcome)
            if outcome.status == 0:
                await asyncio.sleep(0.01)  # a transport error: do not spin on a dead server

    await asyncio.gather(*(worker(send) for send in senders))
    return outcomes, time.perf_counter() - start


def new_client(base_url: str, connections: int, token: str | None) -> httpx.AsyncClient:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.AsyncClient(
        base_url=base_url,
        headers=headers,
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        timeout=httpx.Timeout(REQUEST_TIMEOUT_S),
    )


async def measure(
    scenario: str,
    server: Server,
    path: str,
    make_sender: MakeSender,
    token: str | None,
    args: argparse.Namespace,
) -> ScenarioResult:
    """One scenario on a fresh client: warm-up, then the measured run."""
    url = server.base_url + path
    print(f"- {scenario}: warm-up {args.warmup} s, then {args.duration} s ... ", end="", flush=True)
    # wait_for_idle sleeps (it samples /proc/stat): keep it off the event loop.
    await asyncio.to_thread(wait_for_idle, args.wait_idle)
    async with contextlib.AsyncExitStack() as stack:
        if args.pool == "shared":  # one client, one pool of --concurrency connections
            client = await stack.enter_async_context(
                new_client(server.base_url, args.concurrency, token)
            )
            shared = make_sender(client, 0)
            senders = [shared] * args.concurrency
        else:  # a client of one connection per worker
            senders = [
                make_sender(
                    await stack.enter_async_context(new_client(server.base_url, 1, token)), k
                )
                for k in range(args.concurrency)
            ]
        if args.warmup > 0:
            await drive(senders, args.warmup)
        before = CpuSnapshot.take(server.process.pid)
        outcomes, elapsed = await drive(senders, args.duration)
        after = CpuSnapshot.take(server.process.pid)
    if server.process.poll() is not None:
        raise BenchError(f"{server.name} died during {scenario}:\n{log_tail(server)}")
    result = summarize(
        scenario, url, args.concurrency, outcomes, elapsed, streaming=scenario == "chat_stream"
    )
    result.server_cpu, result.client_cpu, result.other_cpu = cpu_split(before, after)
    unit = {"chat": "completions/s", "chat_stream": "streams/s"}.get(scenario, "req/s")
    extra = ""
    if result.first_content_p50_ms is not None:
        extra = (
            f", first token p50 {result.first_content_p50_ms:.1f} ms "
            f"p99 {result.first_content_p99_ms or 0.0:.1f} ms"
        )
    print(
        f"{result.per_s:,.0f} {unit}, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms"
        f"{extra} (CPU: server {result.server_cpu:.2f}, client {result.client_cpu:.2f}, "
        f"other {result.other_cpu:.2f} cores)"
    )
    if result.error_count:
        print(f"  !!! {scenario}: {describe_errors(result)}")
    if result.other_cpu > OTHER_CPU_WARNING:
        print(f"  !!! {scenario}: other processes used {result.other_cpu:.2f} cores meanwhile")
    return result


def describe_errors(result: ScenarioResult) -> str:
    kinds = ", ".join(f"{count} x {kind}" for kind, count in result.errors.items())
    return f"{result.error_count} errors out of {result.requests} requests ({kinds})"


# --------------------------------------------------------------------------- set-up


def create_user(petstore: str, env: dict[str, str], password: str) -> None:
    """The USER account the chat scenarios log in as (before the server starts)."""
    done = subprocess.run(
        [petstore, "user", "create", "--username", USERNAME, "--email", EMAIL, "--password-stdin"],
        env=env,
        cwd=REPO_ROOT,
        input=password + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(
            f"user create failed (exit {done.returncode}):\n{done.stdout[-2000:]}"
            f"{done.stderr[-4000:]}"
        )
    print(f"  user create: {done.stdout.strip()}")


def run_cli(args: Sequence[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(
        list(args),
        env=env,
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(
            f"{what} failed (exit {done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-4000:]}"
        )
    for line in done.stdout.strip().splitlines():
        print(f"  {what}: {line}")


def login(server: Server, password: str) -> str:
    response = httpx.post(
        server.base_url + "/v1/auth/tokens",
        json={"username": USERNAME, "password": password},
        timeout=30.0,
    )
    if response.status_code != 200:
        raise BenchError(f"login as {USERNAME} failed: HTTP {response.status_code}")
    body = response.json()
    if "chat:write" not in str(body.get("scope", "")).split():
        raise BenchError(f"the token for {USERNAME} lacks chat:write: {body.get('scope')!r}")
    token: str = body["token"]
    return token


def preflight(server: Server, token: str) -> list[dict[str, Any]]:
    """Ask every question once as JSON and once streamed; both must work and agree."""
    rows: list[dict[str, Any]] = []
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30.0) as client:
        for question, plain, streamed in zip(
            QUESTIONS, chat_bodies(False), chat_bodies(True), strict=True
        ):
            response = client.post(CHAT_PATH, content=plain)
            if response.status_code != 201:
                raise BenchError(f"{question!r}: HTTP {response.status_code} {response.text[:500]}")
            body = response.json()
            text: str = body["choices"][0]["message"]["content"]
            if not text:
                raise BenchError(f"{question!r}: empty answer")
            deltas: list[str] = []
            lines: list[str] = []
            with client.stream("POST", CHAT_PATH, content=streamed) as stream:
                if stream.status_code != 201:
                    raise BenchError(f"{question!r} (stream): HTTP {stream.status_code}")
                for line in stream.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    lines.append(line)
                    if line != DONE_LINE:
                        delta = orjson.loads(line[5:])["choices"][0]["delta"]
                        deltas.append(delta.get("content") or "")
            if not lines or lines[-1] != DONE_LINE:
                raise BenchError(f"{question!r} (stream): no data: [DONE] at the end")
            same = "".join(deltas) == text
            rows.append(
                {
                    "question": question,
                    "completion_tokens": body["usage"]["completionTokens"],
                    "answer_chars": len(text),
                    "stream_events": len(lines),
                    "stream_matches_json": same,
                    "answer_start": text.splitlines()[0][:80],
                }
            )
            flag = "" if same else "  !!! streamed text differs from the JSON answer"
            print(
                f"  {body['usage']['completionTokens']:>4} tokens, {len(lines):>4} events: "
                f"{question[:60]!r}{flag}"
            )
    return rows


# --------------------------------------------------------------------------- report


def report(results: list[ScenarioResult], baseline: float) -> tuple[str, list[dict[str, Any]]]:
    header = (
        f"{'scenario':<12} {'per s':>8} {'ratio':>7} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} "
        f"{'errors':>7}  {'cpu srv/cli/oth':>15}"
    )
    lines = [header, "-" * len(header)]
    rows: list[dict[str, Any]] = []
    for result in results:
        ratio = result.per_s / baseline if baseline else 0.0
        flag = "  !!! INVALID" if result.error_count else ""
        cpu = f"{result.server_cpu:.2f}/{result.client_cpu:.2f}/{result.other_cpu:.2f}"
        lines.append(
            f"{result.scenario:<12} {result.per_s:>8,.0f} {ratio:>7.3f} {result.p50_ms:>8.1f} "
            f"{result.p90_ms:>8.1f} {result.p99_ms:>8.1f} {result.error_count:>7}  {cpu:>15}{flag}"
        )
        rows.append({**asdict(result), "ratio": ratio, "error_count": result.error_count})
    lines.append(
        f"baseline (mean of the hello runs, same client): {baseline:,.0f} req/s; per s = "
        "completions/s (chat), streams/s (chat_stream), req/s (hello)"
    )
    for result in results:
        if result.first_content_p50_ms is None:
            continue
        lines += [
            "",
            f"{result.scenario}: time from sending the request to   {'p50 ms':>8} {'p99 ms':>8}",
            f"  response headers                            "
            f"{result.headers_p50_ms or 0.0:>8.1f} {result.headers_p99_ms or 0.0:>8.1f}",
            f"  first event (the role chunk)                "
            f"{result.first_event_p50_ms or 0.0:>8.1f} {result.first_event_p99_ms or 0.0:>8.1f}",
            f"  first content token                         "
            f"{result.first_content_p50_ms:>8.1f} {result.first_content_p99_ms or 0.0:>8.1f}",
            f"  end of the stream (data: [DONE])            "
            f"{result.p50_ms:>8.1f} {result.p99_ms:>8.1f}",
            f"  {result.events_per_stream or 0.0:.0f} data: events per stream on average",
        ]
    per_question = [r for r in results if r.per_question]
    if per_question:
        names = "  ".join(f"{r.scenario + ' p50/p99 ms':>24}" for r in per_question)
        lines += ["", f"{'#':>2} {'question':<50} {names}"]
        for index, question in enumerate(QUESTIONS):
            stats = [r.per_question[index] for r in per_question]
            cells = "  ".join(f"{q['p50_ms']:>13.1f} / {q['p99_ms']:>8.1f}" for q in stats)
            lines.append(f"{index + 1:>2} {question[:50]:<50} {cells}")
    return "\n".join(lines), rows


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per scenario")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent workers")
    parser.add_argument("--pets", type=int, default=10_000, help="pets to seed")
    parser.add_argument(
        "--pool",
        choices=("per-worker", "shared"),
        default="per-worker",
        help="per-worker: one httpx.AsyncClient of one connection per worker (default); "
        "shared: one AsyncClient whose pool holds --concurrency connections (httpx's pool "
        "costs the client a lot more CPU per request then: encode/httpx#3215)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=30.0,
        help="before each scenario, wait up to this many seconds for other processes to leave "
        "the CPU alone (0: do not wait)",
    )
    parser.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (db, logs)")
    args = parser.parse_args(argv)
    if args.duration < 1 or args.concurrency < 1 or args.pets < 1 or args.warmup < 0:
        parser.error("--duration, --concurrency and --pets must be >= 1, --warmup >= 0")
    return args


async def measure_all(
    args: argparse.Namespace, pet_server: Server, hello_server: Server, token: str
) -> list[ScenarioResult]:
    return [
        await measure("hello", hello_server, HELLO_PATH, hello_sender, None, args),
        await measure("chat", pet_server, CHAT_PATH, completion_sender, token, args),
        await measure("chat_stream", pet_server, CHAT_PATH, stream_sender, token, args),
        await measure("hello", hello_server, HELLO_PATH, hello_sender, None, args),
    ]


def benchmark(args: argparse.Namespace, tmp: Path, servers: list[Server]) -> dict[str, Any]:
    env = server_env(tmp)
    env["PETSTORE_ACCESS_TOKEN_TTL_SECONDS"] = str(TOKEN_TTL_S)
    petstore = venv_tool("petstore")

    print(f"seeding {args.pets} pets into {tmp / 'bench.db'} ...", flush=True)
    run_cli([petstore, "migrate"], env, "migrate")
    run_cli([petstore, "seed", "--pets", str(args.pets)], env, "seed")
    password = secrets.token_urlsafe(24)
    create_user(petstore, env, password)

    pet_server, hello_server = start_servers(tmp, env, servers)
    token = login(pet_server, password)
    print(
        f"servers up (petstore :{pet_server.port}, hello :{hello_server.port}); logged in as "
        f"{USERNAME!r}; checking the {len(QUESTIONS)} questions once each:"
    )
    questions = preflight(pet_server, token)

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        results = runner.run(measure_all(args, pet_server, hello_server, token))

    hellos = [r.per_s for r in results if r.scenario == "hello"]
    baseline = sum(hellos) / len(hellos)
    drift = abs(hellos[0] - hellos[1]) / baseline if baseline else 0.0
    by_name = {r.scenario: r for r in results}
    table, rows = report(results, baseline)
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "settings": {
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "concurrency": args.concurrency,
            "pets": args.pets,
            "model": MODEL,
            "client": (
                f"httpx {httpx.__version__} AsyncClient on uvloop {metadata.version('uvloop')}"
            ),
            "pool": args.pool,
            "wait_idle_s": args.wait_idle,
        },
        "questions": questions,
        "baseline_rps": baseline,
        "hello_drift": drift,
        "completions_per_hello": by_name["chat"].per_s / baseline if baseline else 0.0,
        "streams_per_hello": by_name["chat_stream"].per_s / baseline if baseline else 0.0,
        "scenarios": rows,
        "table": table,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="petstore-bench-chat-"))
    servers: list[Server] = []
    show_logs = True  # on any failure but a deliberate interrupt
    try:
        with sigterm_as_interrupt():
            summary = benchmark(args, tmp, servers)
        show_logs = False
    except BenchError as exc:
        print(f"\nbenchmark failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        show_logs = False
        print("\ninterrupted; stopping the servers", file=sys.stderr)
        return 130
    finally:
        for server in servers:
            stop_server(server)
        if show_logs:
            for server in servers:
                print(
                    f"--- last lines of the {server.name} log:\n{log_tail(server)}", file=sys.stderr
                )
        if args.keep_tmp:
            print(f"temp dir kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(summary["table"])
    print(
        f"\ncompletions/s / hello req/s = {summary['completions_per_hello']:.3f}   "
        f"streams/s / hello req/s = {summary['streams_per_hello']:.3f}   "
        f"(hello measured with the same Python client)"
    )
    if summary["hello_drift"] > DRIFT_WARNING:
        print(
            f"WARNING: the two hello runs differ by {summary['hello_drift']:.0%}: "
            "the machine was not steady, treat the ratios with care"
        )
    busy = [row["scenario"] for row in summary["scenarios"] if row["other_cpu"] > OTHER_CPU_WARNING]
    if busy:
        print(
            f"WARNING: other processes used more than {OTHER_CPU_WARNING} cores during: "
            f"{', '.join(busy)}; the machine was not idle, treat those figures with care"
        )
    if not all(q["stream_matches_json"] for q in summary["questions"]):
        print("WARNING: for some questions the streamed text differs from the JSON answer")
    invalid = [row["scenario"] for row in summary["scenarios"] if row["error_count"]]
    if invalid:
        banner = "!" * 72
        print(
            f"\n{banner}\n!!! ERRORS in: {', '.join(invalid)} -- "
            f"those figures are NOT valid\n{banner}"
        )

    text = json.dumps(summary, indent=2) + "\n"
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text)
        print(f"\nresults written to {args.json}")
    return 2 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
