"""Load test: many concurrent sessions on ``streamlit run serve.py``, spoken to in Streamlit's
own websocket protocol (no browser).

Each session does what a person following a shared link does, as the browser client would:

1. ``open``: GET the link (the page's HTML; behind the proxy this is where the sticky cookie
   is set), open the websocket ``/_stcore/stream`` (subprotocol ``streamlit``, the cookie
   sent back), send a ``BackMsg.rerun_script`` carrying the link's query string and page name,
   and wait for the ``ForwardMsg.script_finished`` of that run;
2. ``move 1`` .. ``move N``: move the target-coverage slider to a value the server has not
   seen for that session (a rerun with a changed ``WidgetState``), and wait for the run to
   finish.

Each step is timed from the request sent to ``script_finished`` received. An error is any of:
a connection or HTTP failure, a step past its timeout, an exception element in the page
(``st.exception``, which is how a traceback reaches the browser), a compile error,
``page_not_found``, or a run that never shows the slider. Server memory is the resident set
(VmRSS) of the server process(es): after one warm-up session (imports, page compilation and
bundled data loaded once), with every session open after its last step, and a few seconds
after every session has closed; per session = (open - warm) / sessions.

Bounded and loopback only: at most 200 sessions, each step at most ``--timeout`` seconds,
the whole run at most ``--deadline`` seconds; a URL whose host is not a loopback address is
refused.

Run against a server it starts itself (``--start``) or an existing one, e.g. two replicas
behind nginx from ``deploy/run_local.sh`` (``--server-pid`` for each replica's memory)::

    .venv/bin/python benchmarks/load_test.py --start
    .venv/bin/python benchmarks/load_test.py --url http://127.0.0.1:8580 \\
        --server-pid "$(cat /tmp/x/replica-1.pid)" --server-pid "$(cat /tmp/x/replica-2.pid)"

Exit status 0 when every step of every session succeeded, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]

DEFAULT_LINK = "/transfer_fund?central_pool=1000000&recipients=suburban&group=target"
"""The shared link each session opens: a fund of 1 million yuan for suburban regions, the
scenario panel at its Target group (the slider moved below)."""
DEFAULT_SLIDER = "target_coverage"
"""Key of the slider each session moves (the target coverage, 0-1, step 0.01)."""
MAX_SESSIONS = 200
"""Upper bound on --sessions: this is a load test on one machine, not a flood."""


# --- small helpers --------------------------------------------------------------------------

def _check_loopback(url: str) -> tuple[str, int]:
    """(host, port) of ``url``; refuses any host that is not a loopback address."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host == "localhost":
        host = "127.0.0.1"
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme != "http" or not loopback:
        raise SystemExit(f"refused: {url!r} is not http:// on a loopback address")
    return host, parts.port or 80


def rss_mb(pid: int) -> float:
    """Resident set size of process ``pid`` in MB (from /proc, Linux)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def total_rss_mb(pids: list[int]) -> float | None:
    return sum(rss_mb(p) for p in pids) if pids else None


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0-100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


async def http_get(host: str, port: int, target: str, timeout: float
                   ) -> tuple[int, dict[str, str]]:
    """GET ``target`` over HTTP/1.1; returns (status, cookies set by the response)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        writer.write(f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                     "Accept: text/html\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    cookies: dict[str, str] = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "set-cookie":
            pair = value.strip().split(";", 1)[0]
            key, _, val = pair.partition("=")
            cookies[key.strip()] = val.strip()
    return status, cookies


# --- one session ----------------------------------------------------------------------------

@dataclass
class SessionResult:
    index: int
    steps: dict[str, float] = field(default_factory=dict)
    """Seconds per completed step."""
    errors: list[str] = field(default_factory=list)
    changed: int = 0
    """Moves after which the page's headline metrics differed from the run before."""


class Session:
    """One browser-like session on the Streamlit websocket protocol."""

    def __init__(self, host: str, port: int, link: str, slider_key: str, timeout: float):
        self.host, self.port, self.link = host, port, link
        self.slider_key, self.timeout = slider_key, timeout
        path, _, query = link.partition("?")
        self.page_name = path.strip("/")
        self.query_string = query
        self.page_hash = ""
        self.slider_id: str | None = None
        self.ws: Any = None
        self.metrics: list[str] = []
        """The page's headline metrics in the last run (to see that a move changed them)."""

    def _client_state(self, widgets: list[Any] | None = None) -> Any:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        state = ClientState(
            query_string=self.query_string,
            page_script_hash=self.page_hash,
            page_name="" if self.page_hash else self.page_name,
            widget_states=WidgetStates(widgets=widgets or []),
            context_info=ContextInfo(timezone="UTC", timezone_offset=0, locale="en-US",
                                     url=f"http://{self.host}:{self.port}{self.link}"),
        )
        return BackMsg(rerun_script=state).SerializeToString()

    async def _run_until_finished(self, request: bytes) -> list[str]:
        """Send a rerun request and read ForwardMsgs until that run finishes.
        Returns the errors seen in the run (empty when it went well)."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        errors: list[str] = []
        saw_slider = False
        metrics: list[str] = []
        await self.ws.send(request)
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self.ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
            elif kind == "navigation":
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                # The app rewrote its URL (widgets bound to query parameters): the browser's
                # next request carries the new query string.
                self.query_string = msg.page_info_changed.query_string
            elif kind == "page_not_found":
                errors.append(f"page not found: {msg.page_not_found.page_name!r}")
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                etype = element.WhichOneof("type")
                if etype == "exception":
                    errors.append(f"exception in page: {element.exception.type}: "
                                  f"{element.exception.message[:200]}")
                elif etype == "metric":
                    metrics.append(element.metric.body)
                elif etype == "slider" and element.slider.id.endswith("-" + self.slider_key):
                    self.slider_id = element.slider.id
                    saw_slider = True
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the app asked for a rerun (st.rerun); wait for that one
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    errors.append("compile error")
                if not saw_slider:
                    errors.append(f"slider {self.slider_key!r} not shown")
                self.metrics = metrics
                return errors

    async def run(self, index: int, moves: int, values: list[float],
                  opened: asyncio.Event | None = None,
                  hold: asyncio.Event | None = None) -> SessionResult:
        import websockets

        result = SessionResult(index)
        cookies: dict[str, str] = {}
        try:
            t0 = time.perf_counter()
            status, cookies = await http_get(self.host, self.port, self.link, self.timeout)
            if status != 200:
                raise RuntimeError(f"GET {self.link} answered {status}")
            # A browser sends its page's origin; Streamlit checks it against Host, so a proxy
            # that rewrites Host wrongly fails here as it would for people.
            headers = {"Origin": f"http://{self.host}:{self.port}"}
            if cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
            self.ws = await asyncio.wait_for(websockets.connect(
                f"ws://{self.host}:{self.port}/_stcore/stream", subprotocols=["streamlit"],
                additional_headers=headers, max_size=None, open_timeout=self.timeout,
                ping_interval=None), self.timeout)
            errors = await asyncio.wait_for(self._run_until_finished(self._client_state()),
                                            self.timeout)
            result.steps["open"] = time.perf_counter() - t0
            result.errors += [f"open: {e}" for e in errors]
            for k in range(moves):
                if self.slider_id is None:
                    break
                from streamlit.proto.Common_pb2 import DoubleArray
                from streamlit.proto.WidgetStates_pb2 import WidgetState

                widget = WidgetState(id=self.slider_id,
                                     double_array_value=DoubleArray(data=[values[k]]))
                before = self.metrics
                t0 = time.perf_counter()
                errors = await asyncio.wait_for(
                    self._run_until_finished(self._client_state([widget])), self.timeout)
                result.steps[f"move {k + 1}"] = time.perf_counter() - t0
                result.changed += self.metrics != before
                result.errors += [f"move {k + 1}: {e}" for e in errors]
        except TimeoutError:
            result.errors.append(f"timed out after {self.timeout:g} s "
                                 f"(steps done: {list(result.steps)})")
        except Exception as err:
            result.errors.append(f"{type(err).__name__}: {err}")
        if opened is not None:
            opened.set()
        if hold is not None:
            await hold.wait()  # keep the session open until memory has been measured
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        return result


# --- the run --------------------------------------------------------------------------------

def slider_values(index: int, moves: int) -> list[float]:
    """Values for session ``index``'s moves: on the slider's 0.01 grid, 0.50-0.89, spread so
    that concurrent sessions mostly ask for different results (no shared cache hit)."""
    return [round(0.50 + 0.01 * ((index * moves + k) % 40), 2) for k in range(moves)]


async def run_load(url: str, *, sessions: int, moves: int, link: str, slider_key: str,
                   timeout: float, ramp: float, pids: list[int], settle: float,
                   warmup: int = 1) -> dict[str, Any]:
    host, port = _check_loopback(url)
    # Warm-up sessions first, one after another, so the baseline already holds what every
    # session shares (imports, compiled pages, the bundled data in st.cache_resource) on
    # every replica a proxy may send sessions to.
    for _ in range(warmup):
        warm = await Session(host, port, link, slider_key, timeout).run(-1, 1, [0.89])
        if warm.errors:
            raise SystemExit(f"warm-up session failed: {warm.errors}")
    await asyncio.sleep(settle)
    rss_warm = total_rss_mb(pids)

    hold = asyncio.Event()
    done_events = [asyncio.Event() for _ in range(sessions)]

    async def start(i: int) -> SessionResult:
        if ramp:
            await asyncio.sleep(ramp * i / sessions)
        return await Session(host, port, link, slider_key, timeout).run(
            i, moves, slider_values(i, moves), done_events[i], hold)

    t0 = time.perf_counter()
    tasks = [asyncio.create_task(start(i)) for i in range(sessions)]
    for event in done_events:
        await event.wait()
    wall = time.perf_counter() - t0
    rss_open = total_rss_mb(pids)
    hold.set()
    results = await asyncio.gather(*tasks)
    await asyncio.sleep(settle)
    rss_closed = total_rss_mb(pids)

    step_names = ["open", *[f"move {k + 1}" for k in range(moves)]]
    steps = {}
    for name in step_names:
        times = [r.steps[name] for r in results if name in r.steps]
        steps[name] = ({"n": len(times), "p50_s": statistics.median(times),
                        "p95_s": percentile(times, 95), "max_s": max(times)}
                       if times else {"n": 0})
    errors = [f"session {r.index}: {e}" for r in results for e in r.errors]
    report: dict[str, Any] = {
        "url": url, "link": link, "sessions": sessions, "moves": moves, "ramp_s": ramp,
        "warmup_sessions": warmup,
        "wall_s": wall, "steps": steps,
        "moves_that_changed_results": sum(r.changed for r in results),
        "errors": len(errors), "error_samples": errors[:10],
        "server_pids": pids,
    }
    if rss_warm is not None:
        report["memory_mb"] = {
            "warm": rss_warm, "all_open": rss_open, "after_close": rss_closed,
            "per_session": (rss_open - rss_warm) / sessions,
        }
    return report


def print_report(report: dict[str, Any]) -> None:
    print(f"{report['sessions']} sessions on {report['url']}{report['link']}, "
          f"{report['moves']} slider moves each, ramp {report['ramp_s']:g} s, "
          f"wall {report['wall_s']:.1f} s")
    print(f"{'step':<8} {'n':>4} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    for name, s in report["steps"].items():
        if s["n"]:
            print(f"{name:<8} {s['n']:>4} {s['p50_s']:>7.2f} {s['p95_s']:>7.2f} "
                  f"{s['max_s']:>7.2f}")
        else:
            print(f"{name:<8} {0:>4}")
    print(f"moves that changed the headline figures: {report['moves_that_changed_results']}"
          f" of {report['sessions'] * report['moves']}")
    print(f"errors: {report['errors']}")
    for line in report["error_samples"]:
        print(f"  {line}")
    mem = report.get("memory_mb")
    if mem:
        print(f"server RSS: warm {mem['warm']:.0f} MB, all open {mem['all_open']:.0f} MB, "
              f"after close {mem['after_close']:.0f} MB; "
              f"{mem['per_session']:.2f} MB per open session")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(port: int, startup_timeout: float = 90.0):
    """``streamlit run serve.py`` on 127.0.0.1:``port``; yields its pid, stops it on exit."""
    log = open(os.devnull, "w")  # noqa: SIM115 - closed below, after the process
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"),
         "--server.address", "127.0.0.1", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--logger.level", "error"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"streamlit exited with {proc.returncode}")
            try:
                status, _ = asyncio.run(http_get("127.0.0.1", port, "/_stcore/health", 5))
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("streamlit did not answer its health check in time")
            time.sleep(0.5)
        yield proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="base URL of a running app (loopback only)")
    ap.add_argument("--start", action="store_true",
                    help="start `streamlit run serve.py` on a free loopback port and stop it after")
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--moves", type=int, default=2, help="slider moves per session")
    ap.add_argument("--link", default=DEFAULT_LINK, help="path and query each session opens")
    ap.add_argument("--slider", default=DEFAULT_SLIDER, help="key of the slider to move")
    ap.add_argument("--ramp", type=float, default=0.0,
                    help="spread the sessions' arrival over this many seconds (0: all at once)")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds allowed per step")
    ap.add_argument("--deadline", type=float, default=900.0, help="seconds allowed in all")
    ap.add_argument("--settle", type=float, default=3.0,
                    help="seconds to wait before a memory reading")
    ap.add_argument("--server-pid", type=int, action="append", default=[],
                    help="pid of a server process whose memory to measure (repeatable)")
    ap.add_argument("--warmup", type=int,
                    help="warm-up sessions before the baseline reading (default 1, or 8 per "
                         "--server-pid beyond the first, so that a proxy reaches each replica)")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    if not 1 <= args.sessions <= MAX_SESSIONS:
        ap.error(f"--sessions must be 1-{MAX_SESSIONS}")
    if args.start == bool(args.url):
        ap.error("give exactly one of --url and --start")

    warmup = args.warmup if args.warmup is not None else 1 + 8 * (len(args.server_pid) > 1)

    def go(url: str, pids: list[int]) -> dict[str, Any]:
        return asyncio.run(asyncio.wait_for(run_load(
            url, sessions=args.sessions, moves=args.moves, link=args.link,
            slider_key=args.slider, timeout=args.timeout, ramp=args.ramp, pids=pids,
            settle=args.settle, warmup=warmup), args.deadline))

    if args.start:
        port = _free_port()
        with streamlit_server(port) as pid:
            report = go(f"http://127.0.0.1:{port}", [pid, *args.server_pid])
    else:
        report = go(args.url, args.server_pid)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0 if report["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
