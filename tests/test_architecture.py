"""The import graph of the project keeps its documented shape (README "Architecture", docs/decisions.md).

Every module of the apps and of `config/` is parsed (ast, nothing is imported) and its imports are
checked against two rules:

- **Direction**: `campaigns -> brands -> influencers`, never back. An app may import `config`'s shared
  helpers but never the URL roots that import every app. No app imports `bench` or `tests`.
- **No import cycle between modules**, counting imports inside functions too (a lazy import that closes
  a loop is still a loop a reader must untangle). Imports under `if TYPE_CHECKING:` never run and are
  ignored. Today's graph has no cycle; an accepted one must be added to KNOWN_CYCLES, explicitly.

A new top-level package must be given its place in LAYERS before the test passes, so the layering is
decided, not discovered.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Rank of each app: an app may import only apps of a lower rank.
LAYERS = {"influencers": 0, "brands": 1, "campaigns": 2}
# The composition root: it may import every app; apps may import it except these modules.
COMPOSITION_ROOT = "config"
ROOT_ONLY_MODULES = {"config.urls", "config.api_urls", "config.wsgi", "config.asgi"}
# Top-level packages that are tools around the apps: they may import the apps, never the reverse.
TOOLS = {"bench", "tests"}

# Imports against the direction that are a documented decision: (importing module, imported app) -> why.
ACCEPTED_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("influencers.me_views", "campaigns"): (
        "the creator's area is a page layer composing campaigns (docs/decisions.md, "
        '"The creator\'s area composes campaigns"); no model, service or selector of influencers imports it'
    ),
}
# Import cycles between modules that exist today and are accepted (each a frozenset of module names).
KNOWN_CYCLES: set[frozenset[str]] = set()


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the imported project module (deepest existing one)
    line: int

    def __str__(self) -> str:
        return f"{self.module} (line {self.line}) imports {self.target}"


def project_modules(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the given top-level packages."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def _type_checking_only(tree: ast.Module) -> set[ast.AST]:
    skipped: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(ast.walk(child))
    return skipped


def _imported_names(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, *([node.module] if node.module else [])])
    for alias in node.names:
        # `from pkg import name` imports the submodule pkg.name when there is one.
        yield f"{base}.{alias.name}"


def imports_of(modules: dict[str, Path]) -> list[Import]:
    """Every import of a project module by a project module (the target resolved to its deepest module)."""
    found = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skipped = _type_checking_only(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom) or node in skipped:
                continue
            for name in _imported_names(module, path.name == "__init__.py", node):
                target = name
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != module:
                    found.append(Import(module, target, node.lineno))
    return found


def top(name: str) -> str:
    return name.partition(".")[0]


def direction_violations(imports: Iterable[Import]) -> list[Import]:
    bad = []
    for imp in imports:
        source, target = top(imp.module), top(imp.target)
        if source in (target, COMPOSITION_ROOT, *TOOLS):
            continue
        if target in TOOLS:
            bad.append(imp)
        elif target == COMPOSITION_ROOT:
            if imp.target in ROOT_ONLY_MODULES:
                bad.append(imp)
        elif LAYERS[target] >= LAYERS[source] and (imp.module, target) not in ACCEPTED_EXCEPTIONS:
            bad.append(imp)
    return bad


def import_cycles(imports: Iterable[Import]) -> list[frozenset[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        graph.setdefault(imp.module, set()).add(imp.target)
        graph.setdefault(imp.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(frozenset(component))
    return cycles


def checked_packages(root: Path) -> list[str]:
    return sorted(p.parent.name for p in root.glob("*/__init__.py") if p.parent.name not in TOOLS)


@pytest.fixture(scope="module")
def project_imports() -> list[Import]:
    return imports_of(project_modules(ROOT, [*checked_packages(ROOT), *TOOLS]))


def test_every_top_level_package_has_a_place_in_the_layering() -> None:
    unplaced = set(checked_packages(ROOT)) - set(LAYERS) - {COMPOSITION_ROOT}
    assert not unplaced, f"give {sorted(unplaced)} a rank in LAYERS (and a line in README 'Architecture')"


def test_imports_follow_the_dependency_direction(project_imports: list[Import]) -> None:
    bad = direction_violations(project_imports)
    assert not bad, "imports against campaigns -> brands -> influencers:\n" + "\n".join(sorted(set(map(str, bad))))


def test_accepted_exceptions_still_exist(project_imports: list[Import]) -> None:
    """An exception that no longer happens is removed from the list, so it cannot hide a new import."""
    present = {(imp.module, top(imp.target)) for imp in project_imports}
    stale = set(ACCEPTED_EXCEPTIONS) - present
    assert not stale, f"remove {sorted(stale)} from ACCEPTED_EXCEPTIONS"


def test_no_new_import_cycle(project_imports: list[Import]) -> None:
    # A cycle through bench/ or tests/ needs an app to import them, which the direction test refuses.
    app_imports = [imp for imp in project_imports if top(imp.module) not in TOOLS]
    new = [sorted(cycle) for cycle in import_cycles(app_imports) if cycle not in KNOWN_CYCLES]
    assert not new, f"new import cycles between modules: {new}"


# The checker itself, on a planted tree: a test that cannot fail would prove nothing.


def plant(root: Path, files: dict[str, str]) -> dict[str, Path]:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return project_modules(root, ["influencers", "brands", "campaigns", "config", "bench"])


def test_the_checker_finds_an_import_against_the_direction(tmp_path: Path) -> None:
    modules = plant(
        tmp_path,
        {
            "influencers/__init__.py": "",
            "influencers/models.py": "",
            "influencers/views.py": "def page():\n    from brands.models import Brand\n",
            "brands/__init__.py": "",
            "brands/models.py": "from influencers.models import x\n",
            "brands/views.py": "from campaigns import selectors\nfrom config.urls import urlpatterns\n",
            "campaigns/__init__.py": "",
            "campaigns/selectors.py": "from brands.models import Brand\nfrom config.ratelimit import rate_limited\n",
            "config/__init__.py": "",
            "config/urls.py": "from campaigns import selectors\n",
            "config/ratelimit.py": "",
            "bench/__init__.py": "from campaigns import selectors\n",
        },
    )
    bad = {(imp.module, imp.target) for imp in direction_violations(imports_of(modules))}
    assert bad == {
        ("influencers.views", "brands.models"),
        ("brands.views", "campaigns.selectors"),
        ("brands.views", "config.urls"),
    }


def test_the_checker_finds_a_cycle_but_not_a_type_checking_import(tmp_path: Path) -> None:
    modules = plant(
        tmp_path,
        {
            "campaigns/__init__.py": "",
            "campaigns/models.py": "from .services import publish\n",
            "campaigns/services.py": "def publish():\n    from . import selectors\n",
            "campaigns/selectors.py": "from campaigns.models import Campaign\n",
            "campaigns/views.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .api import X\nfrom . import models\n"
            ),
            "campaigns/api.py": "from .views import page\n",
        },
    )
    assert import_cycles(imports_of(modules)) == [
        frozenset({"campaigns.models", "campaigns.services", "campaigns.selectors"})
    ]
