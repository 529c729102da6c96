"""The layers run one way: cli, web -> notifiers, tasks_catalog -> engine -> workflows.

The contract is import-linter's (``[tool.importlinter]`` in pyproject.toml):
no module of a lower layer imports a higher one, not even inside a function
or under ``TYPE_CHECKING``, and ``notifiers`` and ``tasks_catalog`` do not
import each other. The first test holds the project to it; the second shows
that the check catches a back-edge and names it.
"""

from __future__ import annotations

import shutil
import site
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("cli", "web", "notifiers", "tasks_catalog", "engine", "workflows")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(cwd: Path, config: Path, pythonpath: list[str]) -> subprocess.CompletedProcess[str]:
    # -S keeps site's .pth files (the editable install's finder) out, so the
    # packages are found where PYTHONPATH says, not always in this checkout.
    return subprocess.run(
        [sys.executable, "-S", str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": ":".join(pythonpath), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _site_packages() -> list[str]:
    return [p for p in site.getsitepackages() if Path(p).is_dir()]


def test_the_layers_run_one_way() -> None:
    done = _lint(ROOT, ROOT / "pyproject.toml", [str(ROOT), *_site_packages()])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


def test_a_back_edge_is_caught_and_named(tmp_path: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    # The engine reaching up for words, inside a function where it is easy to miss.
    (tmp_path / "engine" / "back_edge.py").write_text(
        "def sentence() -> str:\n"
        "    from notifiers.i18n import words\n"
        "\n"
        '    return words("vi")("status.overdue")\n',
        encoding="utf-8",
    )
    done = _lint(tmp_path, tmp_path / "pyproject.toml", [str(tmp_path), *_site_packages()])
    assert done.returncode != 0
    assert "engine is not allowed to import notifiers" in done.stdout
    assert "engine.back_edge -> notifiers.i18n" in done.stdout
