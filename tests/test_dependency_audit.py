"""CI's dependency audit (.ci/dependency_audit.py): what fails the build and what only warns.

The vulnerability services are not reachable from this network, so a real pip-audit run here finds
nothing either way; these tests feed the verdict pip-audit's own JSON report shapes (a vulnerable
package, every package skipped, a connection error without a report) and run the real script once
against the real environment.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "dependency_audit.py"


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location("dependency_audit", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["dependency_audit"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_a_known_vulnerability_fails_and_is_named(audit) -> None:
    report = {
        "dependencies": [
            {"name": "django", "version": "3.2", "vulns": [
                {"id": "PYSEC-2021-98", "fix_versions": ["3.2.1"], "aliases": ["CVE-2021-31542"],
                 "description": "MultiPartParser allowed directory traversal via uploaded files."},
            ]},
            {"name": "asgiref", "version": "3.13.0", "vulns": []},
        ],
        "fixes": [],
    }  # fmt: skip
    verdict = audit.judge(report, returncode=1, stderr="")
    assert verdict.failed
    text = "\n".join(verdict.lines)
    assert "VULNERABLE: django 3.2: PYSEC-2021-98 (CVE-2021-31542); fixed in: 3.2.1" in text
    assert "2 of 2 packages audited, 1 known vulnerabilities" in text


def test_a_clean_audit_passes(audit) -> None:
    report = {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}], "fixes": []}
    verdict = audit.judge(report, returncode=0, stderr="")
    assert not verdict.failed
    assert "1 of 1 packages audited, 0 known vulnerabilities, 0 could not be audited" in verdict.lines[-1]


def test_an_unreachable_service_warns_with_the_count_and_does_not_fail(audit) -> None:
    skipped = [
        {"name": name, "skip_reason": f"Dependency not found on PyPI and could not be audited: {name} (1.0)"}
        for name in ("amqp", "anyio", "django")
    ]
    verdict = audit.judge({"dependencies": skipped, "fixes": []}, returncode=0, stderr="")
    assert not verdict.failed
    text = "\n".join(verdict.lines)
    assert "0 of 3 packages audited" in text
    assert "NOT DONE — none of the 3 packages could be audited" in text

    crashed = audit.judge(
        None,
        returncode=1,
        stderr="requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', port=443): "
        "Max retries exceeded with url: /v1/query (Caused by NameResolutionError(...))",
    )
    assert not crashed.failed
    assert "NOT DONE" in crashed.lines[0]


def test_any_other_pip_audit_error_fails(audit) -> None:
    verdict = audit.judge(None, returncode=2, stderr="pip_audit: error: unrecognized arguments: --bogus")
    assert verdict.failed


def test_ignored_vulnerabilities_need_a_reason(audit, tmp_path: Path) -> None:
    ignores = tmp_path / "ignores.txt"
    ignores.write_text("# comment\nGHSA-aaaa-bbbb-cccc  # only affects Windows, we deploy on Linux\nPYSEC-2099-1\n")
    ids, missing_reason = audit.read_ignores(ignores)
    assert ids == ["GHSA-aaaa-bbbb-cccc", "PYSEC-2099-1"]
    assert missing_reason == ["PYSEC-2099-1"]


def test_the_requirements_files_are_what_is_installed(audit) -> None:
    pins = audit.pinned()
    assert {"django", "locust", "pip-audit", "celery", "psycopg"} <= set(pins)
    assert audit.installed_mismatches(pins) == []


def test_the_script_runs_against_this_environment() -> None:
    completed = subprocess.run(
        [sys.executable, str(SCRIPT)], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Dependency audit:" in completed.stdout or "NOT DONE" in completed.stdout
