"""Throughput benchmark: the petstore server against a bare FastAPI hello-world, with ``wrk``.

Both servers run side by side in the same run with the same uvicorn settings (one worker,
uvloop, httptools, no access log, no proxy-headers middleware). Scenarios, in order::

    hello (1st)  ->  pet_by_id  ->  pet_list  ->  order_create  ->  order_pay_flow  ->  hello (2nd)

Each gets a short warm-up, then a measured ``wrk -t1 -c<connections> -d<duration>s --latency``
run. The baseline is the mean of the two hello runs (this cancels slow drift of the machine),
and each petstore scenario is reported as a ratio of that baseline.

The two write scenarios run as a staff account (created with ``petstore user create --staff``
before the server starts, logged in with ``POST /v1/auth/tokens``). ``order_create`` orders a
different AVAILABLE pet on every request; ``order_pay_flow`` orders a pet, then pays that order
(its Lua script reads the order's id, amount and currency from the 201 body) and also reports
completed flows (successful payments) per second. Each pet can be ordered once, so the
AVAILABLE pets are split into disjoint pools (per scenario, and per warm-up and measured run);
a script that runs out of pets sends ``GET /healthz`` instead and counts it as "exhausted",
which marks the scenario invalid (seed more ``--pets`` or shorten ``--duration``).

Run from anywhere (paths are resolved from this file)::

    .venv/bin/python bench/run.py [--duration 10] [--connections 32] [--pets 10000]

Exit status: 0 when every scenario ran cleanly (targets met or not: this is a measurement,
not a test), 2 when a scenario had socket errors or non-2xx/3xx answers (the figures are then
not trustworthy), 1 on a set-up failure.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"

# Minimum req/s as a fraction of the hello baseline.
TARGETS: dict[str, float] = {"pet_by_id": 0.5, "pet_list": 0.3}

ID_PAGES = 10  # pages of 100 ids fetched for the pet_by_id scenario (~1000 ids)
# Share of the AVAILABLE pets given to order_create; order_pay_flow gets the rest. A flow takes
# one pet per two requests (and a payment costs more than an order), so it needs fewer per second.
ORDER_CREATE_SHARE = 0.6
WRITE_SCENARIOS = ("order_create", "order_pay_flow")
STAFF_USERNAME = "bench-staff"
STAFF_EMAIL = "bench@example.com"
TOKEN_TTL_S = 86_400  # the server's maximum: the token outlives any run
CARD_SOURCE: dict[str, Any] = {
    "object": "card",
    "name": "Bench",
    "number": "4242424242424242",
    "cvc": "123",
    "expMonth": 12,
    "expYear": 2030,
}
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
OTHER_CPU_WARNING = 0.15  # cores used by other processes during a run that taint it
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class BenchError(RuntimeError):
    """A set-up step failed; the message says which."""


@dataclass
class WrkResult:
    scenario: str
    url: str
    requests_per_s: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int
    socket_errors: dict[str, int] = field(default_factory=dict)
    server_cpu: float = 0.0  # cores the measured server used (all its threads)
    wrk_cpu: float = 0.0  # cores wrk used
    other_cpu: float = 0.0  # cores used by everything else on the machine: should be ~0
    # Write scenarios: what the Lua script counted (orders_ok, payments_ok, exhausted, ...).
    counters: dict[str, int] = field(default_factory=dict)
    flows_per_s: float | None = None  # order_pay_flow: successful payments per second

    @property
    def script_problems(self) -> int:
        """Requests the Lua script could not make or understand: they taint the figures."""
        return self.counters.get("exhausted", 0) + self.counters.get("unparsed", 0)

    @property
    def error_count(self) -> int:
        return self.non_2xx_3xx + sum(self.socket_errors.values()) + self.script_problems


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"


# --------------------------------------------------------------------------- tools


def venv_tool(name: str) -> str:
    """A console script next to the running interpreter (the venv's ``bin``), else from PATH."""
    candidate = Path(sys.executable).parent / name  # not resolved: keep the venv's bin dir
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BenchError(f"cannot find {name!r} next to {sys.executable} or on PATH")
    return found


def ensure_wrk() -> str:
    """Path of ``wrk``, installing Debian's package first when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is not installed; installing the Debian package 'wrk' ...", flush=True)
    prefix: list[str] = []
    if os.geteuid() != 0:
        sudo = shutil.which("sudo")
        if sudo is None:
            raise BenchError("wrk is missing and we are not root (no sudo): apt-get install wrk")
        prefix = [sudo, "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "wrk"]):
        done = subprocess.run([*prefix, *command], env=env, check=False)
        if done.returncode != 0:
            raise BenchError(f"{' '.join(command)} failed with exit status {done.returncode}")
    found = shutil.which("wrk")
    if found is None:
        raise BenchError("apt-get installed wrk but it is not on PATH")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def run_cli(
    args: Sequence[str], env: dict[str, str], what: str, stdin_text: str | None = None
) -> None:
    done = subprocess.run(
        list(args),
        env=env,
        cwd=REPO_ROOT,
        input=stdin_text,
        stdin=subprocess.DEVNULL if stdin_text is None else None,
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


# --------------------------------------------------------------------------- servers


def start_server(
    name: str, args: Sequence[str], env: dict[str, str], tmp: Path, port: int
) -> Server:
    log_path = tmp / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            list(args),
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Own session: a Ctrl-C at the terminal reaches only us; we stop the servers.
            start_new_session=True,
        )
    return Server(name, process, port, log_path)


def log_tail(server: Server, lines: int = 30) -> str:
    try:
        text = server.log_path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def wait_ready(server: Server, path: str, timeout: float = STARTUP_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    url = server.base_url + path
    last_error = "no attempt"
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise BenchError(
                    f"{server.name} exited with status {server.process.returncode} before "
                    f"answering:\n{log_tail(server)}"
                )
            try:
                response = client.get(url)
                if response.status_code == 200:
                    return
                last_error = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                last_error = type(exc).__name__
            time.sleep(0.2)
    raise BenchError(
        f"{server.name} did not answer {url} within {timeout:.0f} s ({last_error}):\n"
        f"{log_tail(server)}"
    )


def stop_server(server: Server) -> None:
    """SIGTERM the server's process group, wait, then SIGKILL what is left."""
    process = server.process
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        print(f"  {server.name} ignored SIGTERM for {STOP_TIMEOUT_S:.0f} s; sending SIGKILL")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_S)


# --------------------------------------------------------------------------- pet ids


def collect_pet_ids(server: Server, pages: int = ID_PAGES) -> list[str]:
    """About ``pages * 100`` real ids, from pages spread over the whole listing."""
    url = server.base_url + "/v1/pets"
    with httpx.Client(timeout=10.0) as client:
        first = client.get(url, params={"limit": 100, "page": 1})
        first.raise_for_status()
        total_pages = int(first.json()["pagination"]["totalPages"])
        if total_pages == 0:
            raise BenchError("the pet listing is empty: did the seed run?")
        wanted = sorted({1 + (k * (total_pages - 1)) // max(pages - 1, 1) for k in range(pages)})
        ids: list[str] = [pet["id"] for pet in first.json()["data"]]
        for page in wanted:
            if page == 1:
                continue
            response = client.get(url, params={"limit": 100, "page": page})
            response.raise_for_status()
            ids.extend(pet["id"] for pet in response.json()["data"])
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise BenchError("no pet ids collected")
    return unique


def write_lua(ids: Sequence[str], path: Path) -> None:
    """A wrk script that asks for ``GET /v1/pets/{id}`` with a pseudo-random id each time."""
    rows = ",\n".join(f'  "{pet_id}"' for pet_id in ids)
    path.write_text(
        "-- generated by bench/run.py\n"
        f"local ids = {{\n{rows}\n}}\n"
        "local n = #ids\n"
        "math.randomseed(20240601)\n"
        "request = function()\n"
        '  return wrk.format("GET", "/v1/pets/" .. ids[math.random(n)])\n'
        "end\n"
    )


def collect_available_pet_ids(server: Server) -> list[str]:
    """Every AVAILABLE pet's id, from ``GET /v1/pets?status=AVAILABLE`` page by page."""
    url = server.base_url + "/v1/pets"
    ids: list[str] = []
    with httpx.Client(timeout=10.0) as client:
        page, total_pages = 1, 1
        while page <= total_pages:
            response = client.get(url, params={"status": "AVAILABLE", "limit": 100, "page": page})
            response.raise_for_status()
            body = response.json()
            total_pages = int(body["pagination"]["totalPages"])
            ids.extend(pet["id"] for pet in body["data"] if pet["status"] == "AVAILABLE")
            page += 1
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise BenchError("no AVAILABLE pets to order: did the seed run?")
    return unique


# --------------------------------------------------------------------------- write scenarios


def create_staff(petstore: str, env: dict[str, str], password: str) -> None:
    """The staff account the write scenarios log in as (before the server starts)."""
    run_cli(
        [
            petstore,
            "user",
            "create",
            "--staff",
            "--username",
            STAFF_USERNAME,
            "--email",
            STAFF_EMAIL,
            "--password-stdin",
        ],
        env,
        "user create",
        stdin_text=password + "\n",
    )


def login(server: Server, password: str) -> str:
    """An access token for the staff account."""
    response = httpx.post(
        server.base_url + "/v1/auth/tokens",
        json={"username": STAFF_USERNAME, "password": password},
        timeout=30.0,
    )
    if response.status_code != 200:
        raise BenchError(f"login as {STAFF_USERNAME} failed: HTTP {response.status_code}")
    token: str = response.json()["token"]
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+", token):
        raise BenchError("the access token has unexpected characters")
    return token


@dataclass(frozen=True)
class PetPool:
    """The pets one write scenario may order: disjoint files for its warm-up and measured run."""

    warmup_file: Path
    measured_file: Path
    warmup: int
    measured: int


def split_pools(ids: Sequence[str], args: argparse.Namespace, tmp: Path) -> dict[str, PetPool]:
    """Disjoint slices of the AVAILABLE pets: order_create's, then order_pay_flow's; each split
    between warm-up and measured run in proportion to their durations."""
    cut = round(len(ids) * ORDER_CREATE_SHARE)
    warm_share = args.warmup / (args.warmup + args.duration)
    pools: dict[str, PetPool] = {}
    for scenario, part in (("order_create", ids[:cut]), ("order_pay_flow", ids[cut:])):
        warm = round(len(part) * warm_share)
        files = (tmp / f"{scenario}.warmup.ids", tmp / f"{scenario}.measured.ids")
        for path, chunk in zip(files, (part[:warm], part[warm:]), strict=True):
            path.write_text("".join(f"{pet_id}\n" for pet_id in chunk))
        pools[scenario] = PetPool(files[0], files[1], warm, len(part) - warm)
    return pools


# Shared by both write scripts. Globals (not locals) are what done() reads via thread:get().
_LUA_COMMON = r"""
local token = "@TOKEN@"
local json_headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
local ids = {}
local next_pet = 1
orders_ok = 0
payments_ok = 0
exhausted = 0
unparsed = 0

-- setup() and done() run in wrk's main Lua state; init/request/response in each thread's.
local threads = {}
function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

-- args: the file of pet ids (one a line), the number of wrk threads. Each thread takes every
-- n-th line, so no two threads order the same pet.
function init(args)
  local count = tonumber(args[2]) or 1
  local index = thread_index or 0
  local line_no = 0
  for line in io.lines(args[1]) do
    if line ~= "" then
      if line_no % count == index then ids[#ids + 1] = line end
      line_no = line_no + 1
    end
  end
end

-- The next pet's order, or nil when the pool is used up (then a GET /healthz, counted).
local function order_request()
  local pet = ids[next_pet]
  if pet == nil then
    exhausted = exhausted + 1
    return wrk.format("GET", "/healthz")
  end
  next_pet = next_pet + 1
  return wrk.format("POST", "/v1/orders", json_headers, '{"petId":"' .. pet .. '"}')
end

function done(summary, latency, requests)
  local totals = {orders_ok = 0, payments_ok = 0, exhausted = 0, unparsed = 0}
  for _, thread in ipairs(threads) do
    for name, value in pairs(totals) do
      totals[name] = value + (thread:get(name) or 0)
    end
  end
  io.write(string.format(
    "bench-lua: orders_ok=%d payments_ok=%d exhausted=%d unparsed=%d duration_us=%d\n",
    totals.orders_ok, totals.payments_ok, totals.exhausted, totals.unparsed, summary.duration))
end
"""

_LUA_ORDER_CREATE = r"""
request = order_request

function response(status, headers, body)
  if status == 201 then orders_ok = orders_ok + 1 end
end
"""

# A 201 to an order is parsed and queued; request() pays queued orders before it orders more,
# so each connection's order is normally paid by that same connection's next request.
_LUA_ORDER_PAY_FLOW = r"""
local source = [==[@SOURCE@]==]
local queue, head, tail = {}, 1, 0

function request()
  if head <= tail then
    local payment = queue[head]
    queue[head] = nil
    head = head + 1
    return wrk.format("POST", payment[1], json_headers, payment[2])
  end
  return order_request()
end

function response(status, headers, body)
  if status ~= 201 then return end
  if string.find(body, '"receiptId":"', 1, true) then
    payments_ok = payments_ok + 1
    return
  end
  local id = string.match(body, '"id":"([%x%-]+)"')
  local amount = string.match(body, '"totalAmount":"([%d%.]+)"')
  local currency = string.match(body, '"currency":"(%u+)"')
  if id == nil or amount == nil or currency == nil then
    unparsed = unparsed + 1
    return
  end
  orders_ok = orders_ok + 1
  tail = tail + 1
  queue[tail] = {
    "/v1/orders/" .. id .. "/payment",
    '{"amount":"' .. amount .. '","currency":"' .. currency .. '","source":' .. source .. "}",
  }
end
"""


def write_order_lua(scenario: str, token: str, path: Path) -> None:
    """The wrk script of a write scenario (its pet ids come from a file given in its args)."""
    source = json.dumps(CARD_SOURCE, separators=(",", ":"))
    body = _LUA_ORDER_CREATE if scenario == "order_create" else _LUA_ORDER_PAY_FLOW
    path.write_text(
        f"-- generated by bench/run.py: {scenario}\n"
        + _LUA_COMMON.replace("@TOKEN@", token)
        + body.replace("@SOURCE@", source)
    )


_LUA_COUNTERS = re.compile(r"^bench-lua: (.*)$", re.MULTILINE)


def parse_counters(output: str) -> dict[str, int]:
    """The ``bench-lua:`` line a write script's done() prints, as numbers."""
    found = _LUA_COUNTERS.search(output)
    if found is None:
        return {}
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", found.group(1))}


# --------------------------------------------------------------------------- CPU accounting


def process_tree_cpu(pid: int) -> float:
    """CPU-seconds (user + system, every thread) of ``pid`` and its direct children: a
    server's supervisor and its worker processes."""
    pids = [pid]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        pids.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    total = 0.0
    for one in pids:
        try:
            with open(f"/proc/{one}/stat") as stat:
                parts = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(parts[11]) + int(parts[12])) / CLOCK_TICKS  # utime, stime
    return total


@dataclass(frozen=True)
class CpuSnapshot:
    wall: float
    machine_busy: float  # CPU-seconds all cores spent outside idle/iowait since boot
    server: float  # CPU-seconds of the measured server (every thread, every worker process)
    children: float  # CPU-seconds of our waited-for children (wrk) and of this process

    @classmethod
    def take(cls, server_pid: int) -> CpuSnapshot:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
        idle = fields[3] + fields[4]
        busy = sum(fields[:8]) - idle  # user nice system idle iowait irq softirq steal
        server = process_tree_cpu(server_pid)
        own = os.times()
        return cls(
            wall=time.monotonic(),
            machine_busy=busy / CLOCK_TICKS,
            server=server,
            children=own.children_user + own.children_system + own.user + own.system,
        )


def machine_busy_cores(window: float = 1.0) -> float:
    """Cores the whole machine keeps busy over ``window`` seconds (our servers idle meanwhile)."""

    def busy() -> float:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
        return (sum(fields[:8]) - fields[3] - fields[4]) / CLOCK_TICKS

    start_busy, start = busy(), time.monotonic()
    time.sleep(window)
    return (busy() - start_busy) / (time.monotonic() - start)


def wait_for_idle(max_wait: float) -> None:
    """Hold off a measurement while other processes keep the machine busy (up to ``max_wait``)."""
    if max_wait <= 0:
        return
    deadline = time.monotonic() + max_wait
    cores = machine_busy_cores()
    if cores <= OTHER_CPU_WARNING:
        return
    print(f"(machine busy: {cores:.2f} cores; waiting up to {max_wait:.0f} s) ", end="", flush=True)
    while time.monotonic() < deadline:
        cores = machine_busy_cores()
        if cores <= OTHER_CPU_WARNING:
            return
    print(f"(still {cores:.2f} cores busy; measuring anyway) ", end="", flush=True)


def cpu_split(before: CpuSnapshot, after: CpuSnapshot) -> tuple[float, float, float]:
    """Cores used by the server, by wrk, and by anything else between two snapshots."""
    wall = after.wall - before.wall
    server = (after.server - before.server) / wall
    ours = (after.children - before.children) / wall
    machine = (after.machine_busy - before.machine_busy) / wall
    return server, ours, max(0.0, machine - server - ours)


# --------------------------------------------------------------------------- wrk

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_PERCENTILE = re.compile(r"^\s*(50|75|90|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_REQUESTS = re.compile(r"^\s*(\d+) requests in ", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def parse_wrk(output: str, scenario: str, url: str) -> WrkResult:
    rps = _RPS.search(output)
    requests = _REQUESTS.search(output)
    percentiles = {int(p): float(v) * _UNIT_MS[u] for p, v, u in _PERCENTILE.findall(output)}
    if rps is None or requests is None or set(percentiles) != {50, 75, 90, 99}:
        raise BenchError(f"could not parse wrk output for {scenario}:\n{output}")
    non_2xx = _NON_2XX.search(output)
    sockets = _SOCKET.search(output)
    socket_errors = (
        dict(zip(("connect", "read", "write", "timeout"), map(int, sockets.groups()), strict=True))
        if sockets
        else {}
    )
    return WrkResult(
        scenario=scenario,
        url=url,
        requests_per_s=float(rps.group(1)),
        p50_ms=percentiles[50],
        p75_ms=percentiles[75],
        p90_ms=percentiles[90],
        p99_ms=percentiles[99],
        requests=int(requests.group(1)),
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors={k: v for k, v in socket_errors.items() if v},
    )


def wrk(
    wrk_path: str,
    url: str,
    connections: int,
    duration: float,
    script: Path | None = None,
    script_args: Sequence[str] = (),
) -> str:
    args = [
        wrk_path,
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if script is not None:
        args += ["-s", str(script)]
    args.append(url)
    if script_args:
        args += ["--", *script_args]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"wrk failed (exit {done.returncode}) on {url}:\n{done.stderr}")
    return done.stdout


def measure(
    wrk_path: str,
    scenario: str,
    server: Server,
    path: str,
    args: argparse.Namespace,
    script: Path | None = None,
    script_args: Sequence[str] = (),
    warmup_args: Sequence[str] | None = None,
) -> WrkResult:
    """One scenario: warm-up, then the measured run. ``warmup_args`` (default: ``script_args``)
    lets the warm-up use other script arguments, e.g. its own pool of pets."""
    url = server.base_url + path
    print(f"- {scenario}: warm-up {args.warmup} s, then {args.duration} s ... ", end="", flush=True)
    wait_for_idle(args.wait_idle)
    try:
        if args.warmup > 0:
            warm = script_args if warmup_args is None else warmup_args
            wrk(wrk_path, url, args.connections, args.warmup, script, warm)
        before = CpuSnapshot.take(server.process.pid)
        output = wrk(wrk_path, url, args.connections, args.duration, script, script_args)
        after = CpuSnapshot.take(server.process.pid)
    except (BenchError, OSError) as exc:
        status = server.process.poll()
        if status is None:
            raise
        how = f"signal {signal.Signals(-status).name}" if status < 0 else f"exit status {status}"
        raise BenchError(f"{server.name} died ({how}) during {scenario}: {exc}") from exc
    result = parse_wrk(output, scenario, url)
    result.server_cpu, result.wrk_cpu, result.other_cpu = cpu_split(before, after)
    result.counters = parse_counters(output)
    if scenario in WRITE_SCENARIOS and not result.counters.get("duration_us"):
        raise BenchError(f"the {scenario} script reported no counters:\n{output}")
    flows = ""
    if scenario == "order_pay_flow":
        seconds = result.counters["duration_us"] / 1e6
        result.flows_per_s = result.counters["payments_ok"] / seconds
        flows = f"{result.flows_per_s:,.0f} flows/s, "
    print(
        f"{flows}{result.requests_per_s:,.0f} req/s, p50 {result.p50_ms:.2f} ms, "
        f"p99 {result.p99_ms:.2f} ms (CPU: server {result.server_cpu:.2f}, "
        f"wrk {result.wrk_cpu:.2f}, other {result.other_cpu:.2f} cores)"
    )
    if result.error_count:
        print(f"  !!! {scenario}: {describe_errors(result)}")
    if result.other_cpu > OTHER_CPU_WARNING:
        print(f"  !!! {scenario}: other processes used {result.other_cpu:.2f} cores meanwhile")
    return result


def describe_errors(result: WrkResult) -> str:
    parts = []
    if result.non_2xx_3xx:
        parts.append(f"{result.non_2xx_3xx} non-2xx/3xx responses")
    parts += [f"{count} socket {kind} errors" for kind, count in result.socket_errors.items()]
    if result.counters.get("exhausted"):
        parts.append(
            f"{result.counters['exhausted']} requests found no pet left to order "
            "(seed more --pets or shorten --duration)"
        )
    if result.counters.get("unparsed"):
        parts.append(f"{result.counters['unparsed']} order bodies the script could not parse")
    return ", ".join(parts) + f" out of {result.requests} requests"


# --------------------------------------------------------------------------- report


def report(results: list[WrkResult], baseline: float) -> tuple[str, list[dict[str, Any]]]:
    """The printed table and the per-scenario rows for the JSON file."""
    header = (
        f"{'scenario':<14} {'req/s':>10} {'flows/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'ratio':>7} {'target':>7}  verdict"
    )
    lines = [header, "-" * len(header)]
    rows: list[dict[str, Any]] = []
    for result in results:
        ratio = result.requests_per_s / baseline if baseline else 0.0
        target = TARGETS.get(result.scenario)
        if result.error_count:
            verdict = f"INVALID: {describe_errors(result)}"
        elif target is None:
            verdict = ""
        else:
            verdict = "PASS" if ratio >= target else "MISS"
        target_text = f">={target:.2f}" if target is not None else ""
        flows = f"{result.flows_per_s:,.0f}" if result.flows_per_s is not None else ""
        lines.append(
            f"{result.scenario:<14} {result.requests_per_s:>10,.0f} {flows:>8} "
            f"{result.p50_ms:>8.2f} {result.p99_ms:>8.2f} {ratio:>7.3f} {target_text:>7}  "
            f"{verdict}"
        )
        rows.append({**asdict(result), "ratio": ratio, "target": target, "verdict": verdict})
    lines.append(f"baseline (mean of the hello runs): {baseline:,.0f} req/s")
    if any(result.flows_per_s is not None for result in results):
        lines.append("flows/s: completed order + payment pairs (successful payments) per second")
    return "\n".join(lines), rows


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per scenario")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--pets", type=int, default=10_000, help="pets to seed")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument(
        "--no-read-cache",
        action="store_true",
        help="run the server with PETSTORE_READ_CACHE=false (every read goes to the database)",
    )
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=60.0,
        help="before each scenario, wait up to this many seconds for other processes to leave "
        "the CPU alone (0: do not wait)",
    )
    parser.add_argument(
        "--keep-tmp", action="store_true", help="keep the temp dir (database, logs, Lua script)"
    )
    args = parser.parse_args(argv)
    if args.duration < 1 or args.connections < 1 or args.pets < 1 or args.warmup < 0:
        parser.error("--duration, --connections and --pets must be >= 1, --warmup >= 0")
    return args


def server_env(tmp: Path, read_cache: bool = True) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PETSTORE_")}
    env.update(
        {
            "PETSTORE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bench.db",
            # Far above anything wrk can send: the limiter still runs on every request.
            "PETSTORE_RATE_LIMIT_REQUESTS": "1000000000",
            "PETSTORE_LOG_LEVEL": "WARNING",
            "PETSTORE_GRPC_PORT": "0",  # REST only (bench/grpc_door.py turns it on)
            "PETSTORE_ENV": "development",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PETSTORE_READ_CACHE": "true" if read_cache else "false",
            # The write scenarios log in once, before the first of them: outlive the run.
            "PETSTORE_ACCESS_TOKEN_TTL_SECONDS": str(TOKEN_TTL_S),
        }
    )
    return env


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Make SIGTERM unwind like Ctrl-C, so the ``finally`` blocks stop the servers."""

    def handler(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def hello_command(port: int, workers: int, app: str = "bench.hello_app:app") -> list[str]:
    """A baseline app (the hello-world, or ``bench.raw_app:app``) served as ``petstore serve``
    serves the petstore (see ``cli.serve``)."""
    return [
        venv_tool("uvicorn"),
        app,
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--no-proxy-headers",  # `petstore serve` runs without it too
        "--timeout-worker-healthcheck",
        "30",  # as `petstore serve`
        "--log-level",
        "warning",
    ]


def start_servers(tmp: Path, env: dict[str, str], servers: list[Server]) -> tuple[Server, Server]:
    """The petstore server and the hello app, with the same server settings."""
    petstore = venv_tool("petstore")
    pet_port, hello_port = free_port(), free_port()
    while hello_port == pet_port:
        hello_port = free_port()
    pet_server = start_server(
        "petstore",
        [petstore, "serve", "--host", HOST, "--port", str(pet_port), "--workers", "1"],
        env,
        tmp,
        pet_port,
    )
    servers.append(pet_server)
    hello_server = start_server("hello", hello_command(hello_port, 1), env, tmp, hello_port)
    servers.append(hello_server)
    wait_ready(pet_server, "/healthz")
    wait_ready(hello_server, "/hello")
    return pet_server, hello_server


def benchmark(args: argparse.Namespace, tmp: Path, servers: list[Server]) -> dict[str, Any]:
    wrk_path = ensure_wrk()
    env = server_env(tmp, read_cache=not args.no_read_cache)
    petstore = venv_tool("petstore")

    print(f"seeding {args.pets} pets into {tmp / 'bench.db'} ...", flush=True)
    run_cli([petstore, "migrate"], env, "migrate")
    run_cli([petstore, "seed", "--pets", str(args.pets)], env, "seed")
    password = secrets.token_urlsafe(24)
    create_staff(petstore, env, password)

    pet_server, hello_server = start_servers(tmp, env, servers)
    pet_port, hello_port = pet_server.port, hello_server.port

    ids = collect_pet_ids(pet_server)
    lua = tmp / "pet_by_id.lua"
    write_lua(ids, lua)
    print(
        f"servers up (petstore :{pet_port}, hello :{hello_port}); {len(ids)} pet ids for pet_by_id"
    )
    available = collect_available_pet_ids(pet_server)
    pools = split_pools(available, args, tmp)
    token = login(pet_server, password)
    scripts = {scenario: tmp / f"{scenario}.lua" for scenario in WRITE_SCENARIOS}
    for scenario, path in scripts.items():
        write_order_lua(scenario, token, path)
    print(f"{len(available)} AVAILABLE pets, logged in as staff {STAFF_USERNAME!r}; pets to order:")
    for scenario, pool in pools.items():
        unit = "flows" if scenario == "order_pay_flow" else "orders"
        print(
            f"  {scenario}: {pool.warmup} for the warm-up, {pool.measured} for the measured run "
            f"(enough for {pool.measured / args.duration:,.0f} {unit}/s)"
        )

    def measure_writes(scenario: str) -> WrkResult:
        pool = pools[scenario]
        return measure(
            wrk_path,
            scenario,
            pet_server,
            "/v1/orders",
            args,
            scripts[scenario],
            script_args=(str(pool.measured_file), "1"),  # "1": wrk runs with -t1
            warmup_args=(str(pool.warmup_file), "1"),
        )

    results = [measure(wrk_path, "hello", hello_server, "/hello", args)]
    results.append(measure(wrk_path, "pet_by_id", pet_server, "/v1/pets/{id}", args, lua))
    results.append(measure(wrk_path, "pet_list", pet_server, "/v1/pets?limit=20", args))
    # The writes come after the reads: they change pets, and every commit empties the read cache.
    results.append(measure_writes("order_create"))
    results.append(measure_writes("order_pay_flow"))
    results.append(measure(wrk_path, "hello", hello_server, "/hello", args))

    for server in servers:
        if server.process.poll() is not None:
            raise BenchError(f"{server.name} died during the run:\n{log_tail(server)}")

    hellos = [r.requests_per_s for r in results if r.scenario == "hello"]
    baseline = sum(hellos) / len(hellos)
    drift = abs(hellos[0] - hellos[1]) / baseline if baseline else 0.0
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
            "connections": args.connections,
            "wrk_threads": 1,
            "pets": args.pets,
            "pet_ids": len(ids),
            "read_cache": not args.no_read_cache,
            "available_pets": len(available),
            "order_pools": {
                scenario: {"warmup": pool.warmup, "measured": pool.measured}
                for scenario, pool in pools.items()
            },
            "wait_idle_s": args.wait_idle,
        },
        "baseline_rps": baseline,
        "hello_drift": drift,
        "targets": TARGETS,
        "scenarios": rows,
        "table": table,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="petstore-bench-"))
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
    if summary["hello_drift"] > 0.10:
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
    invalid = [
        row["scenario"]
        for row in summary["scenarios"]
        if row["non_2xx_3xx"] or row["socket_errors"]
    ]
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
    else:
        fd, name = tempfile.mkstemp(prefix="petstore-bench-", suffix=".json")
        with os.fdopen(fd, "w") as out:
            out.write(text)
        print(f"\nresults written to {name}")
    return 2 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
