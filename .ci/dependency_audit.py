"""CI's dependency audit: pip-audit over what requirements.txt and requirements-dev.txt installed.

    .venv/bin/python .ci/dependency_audit.py

Audits the environment of the Python that runs it (CI: the fresh .venv installed from
requirements-dev.txt, which includes requirements.txt), so transitive dependencies are covered
too, and first checks that every package pinned in the two files is installed at its pinned
version, so the audit really is of the files.

- A known vulnerability fails (exit 1), unless its ID is listed in .ci/pip-audit-ignores.txt with
  the reason it does not apply (`ID  # reason`; an entry without a reason fails too).
- When the vulnerability service cannot be reached (no network, a proxy that only serves package
  files), pip-audit skips every package ("could not be audited") or stops with a connection error:
  that is printed loudly with the count of unaudited packages, and does not fail the build —
  nothing was found, but nothing was checked either (docs/security.md, "Dependency audit").
- Any other pip-audit error fails.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = (ROOT / "requirements.txt", ROOT / "requirements-dev.txt")
IGNORES = Path(__file__).resolve().parent / "pip-audit-ignores.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;#]+)")
NETWORK_ERRORS = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "Timeout", "SSLError")


@dataclass
class Verdict:
    failed: bool
    lines: list[str] = field(default_factory=list)


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(paths=REQUIREMENTS) -> dict[str, str]:
    """name -> version of every `name==version` line (nested -r files are read by their own entry)."""
    pins: dict[str, str] = {}
    for path in paths:
        for line in path.read_text().splitlines():
            match = PIN.match(line.strip())
            if match:
                pins[normalize(match[1])] = match[2]
    return pins


def installed_mismatches(pins: dict[str, str]) -> list[str]:
    problems = []
    for name, version in sorted(pins.items()):
        try:
            found = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name}=={version} is pinned but not installed")
            continue
        if found != version:
            problems.append(f"{name}=={version} is pinned but {found} is installed")
    return problems


def read_ignores(path: Path = IGNORES) -> tuple[list[str], list[str]]:
    """Vulnerability IDs to ignore, and the entries that give no reason (which fail the audit)."""
    ids, missing_reason = [], []
    if not path.exists():
        return ids, missing_reason
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        vuln_id, _, reason = line.partition("#")
        vuln_id = vuln_id.strip()
        if not reason.strip():
            missing_reason.append(vuln_id)
        ids.append(vuln_id)
    return ids, missing_reason


def judge(report: dict | None, *, returncode: int, stderr: str) -> Verdict:
    """What pip-audit's JSON report (None when it wrote none) means for the build."""
    if report is None:
        last = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {returncode}"
        if any(marker in stderr for marker in NETWORK_ERRORS):
            return Verdict(
                False,
                [
                    "WARNING: dependency audit NOT DONE — the vulnerability service could not be reached:",
                    f"  {last[:300]}",
                    "  No package was checked for known vulnerabilities (see docs/security.md).",
                ],
            )
        return Verdict(True, [f"pip-audit failed without a report: {last[:500]}"])
    dependencies = report.get("dependencies", [])
    skipped = [dep for dep in dependencies if "skip_reason" in dep]
    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    vulnerable = [(dep, vuln) for dep in audited for vuln in dep.get("vulns", [])]
    lines = []
    for dep, vuln in vulnerable:
        fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
        aliases = ", ".join(vuln.get("aliases") or [])
        lines.append(
            f"VULNERABLE: {dep['name']} {dep.get('version', '')}: {vuln['id']}"
            + (f" ({aliases})" if aliases else "")
            + f"; fixed in: {fixes}"
        )
        if vuln.get("description"):
            lines.append(f"  {vuln['description'].strip().splitlines()[0][:300]}")
    lines.append(
        f"Dependency audit: {len(audited)} of {len(dependencies)} packages audited, "
        f"{len(vulnerable)} known vulnerabilities, {len(skipped)} could not be audited."
    )
    if skipped and not audited:
        lines.append(
            f"WARNING: dependency audit NOT DONE — none of the {len(skipped)} packages could be audited "
            "(the vulnerability service could not be reached, or answered 'not found' for every one), e.g.:"
        )
        lines.append(f"  {skipped[0]['skip_reason']}")
        lines.append("  No package was checked for known vulnerabilities (see docs/security.md).")
    elif skipped:
        lines.append("Not audited: " + ", ".join(dep["name"] for dep in skipped))
    return Verdict(bool(vulnerable) or returncode not in (0, 1), lines)


def main() -> int:
    pins = pinned()
    mismatches = installed_mismatches(pins)
    if mismatches:
        print("The environment is not what the requirements files pin:\n  " + "\n  ".join(mismatches))
        return 1
    ignores, missing_reason = read_ignores()
    if missing_reason:
        print(f"{IGNORES.name}: give the reason each of these does not apply: {', '.join(missing_reason)}")
        return 1
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "audit.json"
        command = [sys.executable, "-m", "pip_audit", "--progress-spinner", "off", "--format", "json", "--desc", "on"]
        command += ["--output", str(output)]
        for vuln_id in ignores:
            command += ["--ignore-vuln", vuln_id]
        completed = subprocess.run(  # noqa: S603 - a fixed command line; the IDs come from our own file
            command, capture_output=True, text=True, check=False, timeout=900
        )
        report = json.loads(output.read_text()) if output.exists() and output.stat().st_size else None
    print(f"pip-audit over the environment installed from {len(pins)} pins in requirements*.txt")
    if ignores:
        print(f"Ignored (reasons in {IGNORES.name}): {', '.join(ignores)}")
    verdict = judge(report, returncode=completed.returncode, stderr=completed.stderr)
    print("\n".join(verdict.lines))
    return 1 if verdict.failed else 0


if __name__ == "__main__":
    sys.exit(main())
