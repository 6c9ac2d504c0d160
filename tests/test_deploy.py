"""Two replicas behind nginx (deploy/run_local.sh): a small load runs through the proxy with
no error, and every browser's requests stay on one replica.

The proxy tests start real servers (two ``streamlit run`` and Debian's nginx, all on
loopback, under a temporary directory), so they are marked e2e with the browser tests; the
load test's own helpers are checked without servers.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NGINX = Path("/usr/sbin/nginx")

def _load_test_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("load_test",
                                                  ROOT / "benchmarks" / "load_test.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("load_test", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("url", ["http://10.0.0.1:8501", "http://example.org",
                                 "https://127.0.0.1:8501", "http://0.0.0.0:8501"])
def test_load_test_refuses_anything_but_loopback(url):
    with pytest.raises(SystemExit):
        _load_test_module()._check_loopback(url)


def test_load_test_accepts_loopback():
    lt = _load_test_module()
    assert lt._check_loopback("http://localhost:8580") == ("127.0.0.1", 8580)
    assert lt._check_loopback("http://127.0.0.1") == ("127.0.0.1", 80)


def test_load_test_percentile_is_nearest_rank():
    lt = _load_test_module()
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert lt.percentile(values, 95) == 19.0  # rank ceil(0.95 * 20) = 19
    assert lt.percentile(values, 50) == 10.0
    assert lt.percentile([3.0], 95) == 3.0


def test_load_test_slider_values_stay_on_the_grid_and_differ_between_sessions():
    lt = _load_test_module()
    values = [v for i in range(50) for v in lt.slider_values(i, 2)]
    assert all(0.5 <= v <= 0.89 and abs(v * 100 - round(v * 100)) < 1e-9 for v in values)
    assert lt.slider_values(0, 2) != lt.slider_values(1, 2)


def _free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@pytest.fixture
def proxy(tmp_path):
    """deploy/run_local.sh with two replicas; yields (url, run_dir); stops it afterwards."""
    proxy_port, base_port = _free_ports(2)
    while base_port + 1 == proxy_port or not _port_free(base_port + 1):
        proxy_port, base_port = _free_ports(2)
    run_dir = tmp_path / "run"
    env = {**os.environ, "RUN_DIR": str(run_dir), "PROXY_PORT": str(proxy_port),
           "BASE_PORT": str(base_port), "PYTHON": sys.executable}
    proc = subprocess.Popen(["bash", str(ROOT / "deploy" / "run_local.sh"), "2"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 180
        lines = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            lines.append(line)
            if line.startswith("ready:"):
                break
        else:
            pytest.fail("run_local.sh did not get ready in time")
        assert lines and lines[-1].startswith("ready:"), "".join(lines)
        yield f"http://127.0.0.1:{proxy_port}", run_dir, [base_port, base_port + 1]
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _xsrf_cookie(port: int) -> str:
    """The XSRF cookie a replica sets (on its health check, as on the page's first requests)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=30) as r:
        cookie = SimpleCookie(r.headers["Set-Cookie"])
    return cookie["_streamlit_xsrf"].value


def _upload(port: int, session_id: str, xsrf: str) -> tuple[int, str]:
    """PUT a small file the way st.file_uploader does; (status, body)."""
    boundary = "fuzzboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"t.csv\"\r\nContent-Type: text/csv\r\n\r\n"
            f"region_id\r\n--{boundary}--\r\n").encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/_stcore/upload_file/{session_id}/file-1", data=body,
        method="PUT", headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                               "X-Xsrftoken": xsrf, "Cookie": f"_streamlit_xsrf={xsrf}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.mark.e2e
@pytest.mark.skipif(not NGINX.exists(), reason="Debian's nginx is not installed")
def test_an_upload_reaches_only_the_replica_holding_the_session(proxy):
    """Why the proxy must be sticky: a session opened on replica 1 can upload to replica 1,
    and the same upload sent to replica 2 is refused."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    _, _, (first, second) = proxy
    with connect(f"ws://127.0.0.1:{first}/_stcore/stream", subprotocols=["streamlit"],
                 max_size=None, open_timeout=60) as ws:
        ws.send(BackMsg(rerun_script=ClientState(page_name="data")).SerializeToString())
        session_id = ""
        deadline = time.monotonic() + 120
        while not session_id and time.monotonic() < deadline:
            msg = ForwardMsg()
            msg.ParseFromString(ws.recv(timeout=120))
            if msg.WhichOneof("type") == "new_session":
                session_id = msg.new_session.initialize.session_id
        assert session_id
        xsrf = _xsrf_cookie(first)
        status, body = _upload(second, session_id, xsrf)
        assert status == 400 and "sticky" in body, (status, body)
        status, body = _upload(first, session_id, xsrf)
        assert 200 <= status < 300, (status, body)


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.mark.e2e
@pytest.mark.skipif(not NGINX.exists(), reason="Debian's nginx is not installed")
def test_load_through_two_sticky_replicas(proxy, tmp_path):
    url, run_dir, _ = proxy
    pids = [int((run_dir / f"replica-{i}.pid").read_text()) for i in (1, 2)]
    out = tmp_path / "load.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "load_test.py"), "--url", url,
         "--sessions", "8", "--moves", "1", "--settle", "0.5", "--timeout", "120",
         "--deadline", "400", "--json", str(out),
         *[arg for pid in pids for arg in ("--server-pid", str(pid))]],
        capture_output=True, text=True, timeout=450)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(out.read_text())
    assert report["errors"] == 0
    assert report["steps"]["open"]["n"] == 8
    assert report["steps"]["move 1"]["n"] == 8

    # Stickiness: every request of one browser (its cookie) went to one replica, and the
    # sessions (8, plus the warm-up ones) were spread over both.
    upstreams: dict[str, set[str]] = defaultdict(set)
    for line in (run_dir / "nginx-access.log").read_text().splitlines():
        match = re.search(r"route=(\S+) upstream=(\S+)", line)
        assert match, line
        upstreams[match[1]].add(match[2])
    assert len(upstreams) >= 8
    assert all(len(servers) == 1 for servers in upstreams.values()), upstreams
    assert len(set().union(*upstreams.values())) == 2
    # The websocket went through the proxy (upgraded), not only the page's HTML.
    log = (run_dir / "nginx-access.log").read_text()
    assert log.count(' 101 "GET /_stcore/stream') >= 8

    # The load test can fail: a page without the slider is an error, and exit status 1.
    bad = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "load_test.py"), "--url", url,
         "--sessions", "1", "--moves", "1", "--warmup", "0", "--settle", "0",
         "--link", "/methods"], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "slider 'target_coverage' not shown" in bad.stdout
