#!/usr/bin/env bash
# Dependency audit: known vulnerabilities in the installed packages (pip-audit) and broken
# requirements (pip check), for the virtual environment the tests run in.
#
#   scripts/audit.sh            # PYTHON=path/to/python to audit another environment
#
# Exit status: 0 every package audited and none vulnerable; 1 a vulnerability or a broken
# requirement was found; 3 the vulnerability database could not be reached, so nothing
# was audited (pip-audit itself still exits 0 in that case, listing every package as
# "could not be audited": this script refuses to call that a pass).
#
# pip-audit needs the network for its vulnerability data (the package index's JSON API, or
# the OSV service with `-s osv`). On a machine that reaches the package index only as a
# package mirror, both fail: run this where the network is open (a developer machine or a
# CI job with outbound access). There is no current offline database on the package index
# (safety-db stops in 2021, older than every pinned version), so there is no offline
# equivalent to fall back on; `pip check` below is the part that works offline.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
REPORT="$(mktemp /tmp/pip-audit.XXXXXX.json)"
trap 'rm -f "$REPORT"' EXIT

status=0
echo "== pip check"
"$PYTHON" -m pip check || status=1

echo "== pip-audit"
if ! "$PYTHON" -m pip_audit --version >/dev/null 2>&1; then
    echo "pip-audit is not installed: $PYTHON -m pip install -r requirements-dev.txt" >&2
    exit 3
fi
"$PYTHON" -m pip_audit --skip-editable --progress-spinner off -f json -o "$REPORT" 2>&1 \
    | grep -v "^Found\|^No known" || true
"$PYTHON" - "$REPORT" <<'PY'
import json
import sys

data = json.load(open(sys.argv[1]))
deps = data.get("dependencies", [])
skipped = [d for d in deps if d.get("skip_reason")]
vulnerable = [d for d in deps if d.get("vulns")]
audited = len(deps) - len(skipped)
for d in vulnerable:
    for v in d["vulns"]:
        fixes = ", ".join(v.get("fix_versions") or []) or "no fix yet"
        print(f"VULNERABLE {d['name']} {d['version']}: {v['id']} (fixed in {fixes})")
print(f"{len(deps)} packages: {audited} audited, {len(skipped)} skipped, "
      f"{len(vulnerable)} vulnerable")
if vulnerable:
    sys.exit(1)
if deps and audited == 0:
    print("nothing audited: the vulnerability database could not be reached "
          f"(first skip reason: {skipped[0]['skip_reason']})")
    sys.exit(3)
PY
rc=$?
if [ "$rc" -ne 0 ]; then status=$rc; fi
exit "$status"
