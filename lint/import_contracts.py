"""import-linter contracts for Steward's app boundaries (see `[tool.importlinter]`).

- `public_surface`: a module of one app imports another app only through its `public` module.
  Apps nest (`governance.policies` lives inside the `governance` package), so every module
  belongs to the most specific app whose package contains it.
- `apps_acyclic`: the apps, seen as nodes joined by those imports, form no cycle.
- `migrations_isolated`: a migration imports no Steward code, so what it does never depends on
  today's application code or an installed package's data.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import grimp
from importlinter import Contract, ContractCheck, fields, output


def _app_of(module: str, apps: Iterable[str]) -> str | None:
    owners = [app for app in apps if module == app or module.startswith(f"{app}.")]
    return max(owners, key=len, default=None)


def _details(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    lines = [
        str(d["line_number"])
        for d in graph.get_import_details(importer=importer, imported=imported)
    ]
    return f"{importer} -> {imported} (l.{', '.join(lines)})"


def _cross_app_imports(
    graph: grimp.ImportGraph, apps: list[str]
) -> list[tuple[str, str, str, str]]:
    """(importer, imported, importer's app, imported's app) for every import between apps."""
    links = []
    for importer in sorted(graph.modules):
        source = _app_of(importer, apps)
        if source is None:
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            target = _app_of(imported, apps)
            if target is not None and target != source:
                links.append((importer, imported, source, target))
    return links


class PublicSurfaceContract(Contract):
    type_name = "public_surface"

    apps = fields.ListField(subfield=fields.StringField())
    public_module = fields.StringField(required=False, default="public")

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        apps: list[str] = list(self.apps)  # type: ignore[call-overload]
        public: str = self.public_module  # type: ignore[assignment]
        broken = [
            _details(graph, importer, imported)
            for importer, imported, _source, target in _cross_app_imports(graph, apps)
            if imported != f"{target}.{public}"
        ]
        return ContractCheck(kept=not broken, warnings=None, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("These modules reach into another app instead of its public module:")
        output.new_line()
        for line in check.metadata["broken"]:
            output.print_error(f"- {line}", bold=False)
        output.new_line()


class AppsAcyclicContract(Contract):
    type_name = "apps_acyclic"

    apps = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        apps: list[str] = list(self.apps)  # type: ignore[call-overload]
        edges: dict[str, dict[str, str]] = {app: {} for app in apps}
        for importer, imported, source, target in _cross_app_imports(graph, apps):
            edges[source].setdefault(target, _details(graph, importer, imported))
        cycles: list[list[str]] = []
        seen: set[tuple[str, ...]] = set()

        def walk(path: list[str]) -> None:
            for target in sorted(edges[path[-1]]):
                if target == path[0]:
                    key = tuple(sorted(path))
                    if key not in seen:
                        seen.add(key)
                        cycles.append([*path, target])
                elif target not in path and target > path[0]:
                    walk([*path, target])

        for app in apps:
            walk([app])
        described = [
            " -> ".join(cycle)
            + "\n    "
            + "\n    ".join(edges[a][b] for a, b in itertools.pairwise(cycle))
            for cycle in cycles
        ]
        return ContractCheck(kept=not cycles, warnings=None, metadata={"cycles": described})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("These apps depend on each other in a cycle:")
        output.new_line()
        for cycle in check.metadata["cycles"]:
            output.print_error(f"- {cycle}", bold=False)
        output.new_line()


class MigrationsIsolatedContract(Contract):
    type_name = "migrations_isolated"

    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        packages: list[str] = list(self.packages)  # type: ignore[call-overload]
        broken = []
        for importer in sorted(graph.modules):
            if ".migrations." not in f"{importer}.":
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if ".migrations" in imported:
                    continue
                if any(imported == p or imported.startswith(f"{p}.") for p in packages):
                    broken.append(_details(graph, importer, imported))
        return ContractCheck(kept=not broken, warnings=None, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("These migrations import application code:")
        output.new_line()
        for line in check.metadata["broken"]:
            output.print_error(f"- {line}", bold=False)
        output.new_line()
