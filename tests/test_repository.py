"""The repository itself: no tracked file holds the markers of an unresolved merge (README.md once
shipped them in the package description, issue 17)."""
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
MARKERS = ("<<<<<<< ", ">>>>>>> ")


def _tracked_files() -> list[Path]:
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout (or no git): nothing to list")
    return [ROOT / name for name in listed.stdout.decode("utf-8").split("\0") if name]


def _conflict_lines(path: Path) -> list[int]:
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return []  # binary or unreadable: no text to merge
    return [number for number, line in enumerate(text.splitlines(), start=1)
            if line.startswith(MARKERS) or line == "======="]


def test_no_tracked_file_holds_merge_conflict_markers():
    files = _tracked_files()
    assert files
    found = {str(path.relative_to(ROOT)): lines for path in files if path.is_file() and (lines := _conflict_lines(path))}
    assert found == {}, f"unresolved merge conflicts (file: line numbers): {found}"
