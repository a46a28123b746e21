"""The shape of the code base: features plug in through core, never through each other."""
from __future__ import annotations

import ast
import pathlib

import participation

ROOT = pathlib.Path(participation.__file__).parent
FEATURES = set(participation.FEATURES) | {"conversations", "budgets", "accountability", "meetings", "api", "admin"}
# The documented interface of the processes package, for process-scoped features.
PROCESS_INTERFACE = {"participation.processes.models", "participation.processes.permissions",
                     "participation.processes.capabilities", "participation.processes.queries"}
# The documented interface the api package (JSON API, Open311, open data) uses of other features:
# their models, read for public fields only (hidden rows are filtered in api/queries.py and
# api/datasets.py), and the commands Open311 and token writes go through, so that what an app files
# follows exactly the web forms' rules (phases, area, routing, moderation, notifications).
API_INTERFACE = {"participation.issues.models", "participation.proposals.models", "participation.meetings.models",
                 "participation.budgets.models", "participation.budgets.permissions"}
API_COMMANDS = {"participation.issues.services", "participation.issues.services.report_issue",
                "participation.proposals.services", "participation.proposals.services.submit_proposal",
                "participation.proposals.services.add_comment", "participation.proposals.services.support"}
# The documented interface of surveys for features that ask questions (meetings' registration form):
# the question types and their rules (`surveys.answering.check_answers` accepts any object shaped
# like its `AnswerableQuestion`) and the form that parses request.form into {question_id: value}.
SURVEY_ANSWERING_INTERFACE = {"participation.surveys.answering", "participation.surveys.forms",
                              "participation.surveys.forms.AnswerForm"}
# The documented interface of the gazetteer: address search, resolution and the town of a point
# (search, resolve, reverse, place_name, get, Match), for any feature that shows or takes a place.
PLACES_INTERFACE = {"participation.places.lookup"}
MAX_LINES = 400


def _imports(path: pathlib.Path) -> set[str]:
    """Every module `path` imports, at the top or inside functions, as absolute names."""
    module = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            if not (ROOT.parent / prefix.replace(".", "/")).is_dir():  # a module, not a package
                found.add(prefix)
            found |= {f"{prefix}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("participation")}


def _feature_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FEATURES else None


def _package_modules(package: str) -> list[pathlib.Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_core_imports_no_feature():
    offenders = [(str(p.relative_to(ROOT)), name) for p in _package_modules("core")
                 for name in _imports(p) if _feature_of(name)]
    assert offenders == []


def test_features_import_core_and_only_the_documented_interface_of_processes():
    offenders = []
    for feature in sorted(f for f in FEATURES if (ROOT / f).is_dir()):
        for path in _package_modules(feature):
            for name in _imports(path):
                other = _feature_of(name)
                if other is None or other == feature:
                    continue
                if other == "processes" and (name in PROCESS_INTERFACE
                                             or any(name.startswith(i + ".") for i in PROCESS_INTERFACE)):
                    continue
                if other == "places" and (name in PLACES_INTERFACE
                                          or any(name.startswith(i + ".") for i in PLACES_INTERFACE)):
                    continue
                if other == "surveys" and (name in SURVEY_ANSWERING_INTERFACE
                                           or name.startswith("participation.surveys.answering.")):
                    continue
                if feature == "api" and (name in API_COMMANDS or name in API_INTERFACE
                                         or any(name.startswith(i + ".") for i in API_INTERFACE)):
                    continue
                offenders.append((str(path.relative_to(ROOT)), name))
    assert offenders == [], "features talk through core.signals / core.registry, not each other"


def test_no_cycles_between_feature_packages():
    edges: dict[str, set[str]] = {}
    for feature in sorted(f for f in FEATURES if (ROOT / f).is_dir()):
        for path in _package_modules(feature):
            for name in _imports(path):
                other = _feature_of(name)
                if other and other != feature:
                    edges.setdefault(feature, set()).add(other)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or nxt not in seen and reaches(nxt, goal, seen | {nxt}) for nxt in edges.get(start, ()))

    assert [f for f in edges if reaches(f, f, set())] == []


def test_no_registry_is_filled_at_import_time():
    """Registration calls belong in init_app, never at a module's top level."""
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)] \
                if isinstance(node, ast.Expr | ast.Assign) else []
            for call in calls:
                name = ast.unparse(call.func)
                if name.endswith(("register_notification_kind", "register_moderation_target", ".connect",
                                  ".append", ".insert", "register_kind")):
                    offenders.append((str(path.relative_to(ROOT)), node.lineno, name))
    assert offenders == []


def test_no_view_commits():
    offenders = [str(p.relative_to(ROOT)) for p in ROOT.rglob("views.py") if "session.commit(" in p.read_text()]
    assert offenders == []


def test_modules_stay_small():
    """Commands, queries, reports and focused mechanisms apart: no module grows into a grab-bag."""
    big = {str(p.relative_to(ROOT)): n for p in ROOT.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert big == {}


def test_every_feature_has_init_app_and_is_wired():
    import importlib

    for feature in participation.FEATURES:
        assert callable(importlib.import_module(f"participation.{feature}").init_app)
