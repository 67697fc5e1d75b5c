"""Datasette over the ledger: the shipped metadata (facets, the cluster map on events_flat) made out for
one ledger file, whose name Datasette uses as the database's (docs/datasette.md).

    python -m strikelog.web.datasette strikelog.db > metadata.json
    datasette strikelog.db --metadata metadata.json
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional, Union

METADATA = Path(__file__).with_name("datasette.json")
TEMPLATE_DATABASE = "strikelog"  # the shipped file is written for the default ledger, strikelog.db


def metadata(ledger: Union[str, Path] = "strikelog.db") -> dict:
    """The metadata for Datasette serving `ledger`: its per-table settings under the file's stem."""
    template = json.loads(METADATA.read_text(encoding="utf-8"))
    databases = template["databases"]
    databases[Path(ledger).stem] = databases.pop(TEMPLATE_DATABASE)
    return template


def main(argv: Optional[list[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or args[:1] in (["-h"], ["--help"]):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    print(json.dumps(metadata(*args), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
