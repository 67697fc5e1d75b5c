"""The repository itself: no tracked file holds the markers of an unresolved merge (README.md once
shipped them in the package description, issue 17), and every doc the code cites exists (four
did not, issue 20)."""
import re
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


DOC_CITATION = re.compile(r"(?<![\w/.-])docs/([\w.-]+\.md)")
SOURCE = ROOT / "src" / "strikelog"


def _cited_docs() -> dict[str, list[str]]:
    """docs/NAME.md -> the source and data files of the package that cite it."""
    cited: dict[str, list[str]] = {}
    for path in sorted(SOURCE.rglob("*")):
        if not path.is_file() or "vendor" in path.parts or path.suffix not in (".py", ".json", ".md", ".csv", ".jsonl"):
            continue
        for name in DOC_CITATION.findall(path.read_text(encoding="utf-8")):
            cited.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return cited


def test_every_doc_the_code_cites_exists():
    cited = _cited_docs()
    assert {"extraction.md", "time.md", "places.md", "cleaning.md", "web.md"} <= set(cited)  # the scan finds them
    missing = {name: files for name, files in cited.items() if not (ROOT / "docs" / name).is_file()}
    assert missing == {}, f"docs cited in the code but missing (doc: citing files): {missing}"
