"""Article facts: aggregate statements ("66 attacks since October 17") that are not single events,
read from the stored mentions."""
from __future__ import annotations

import json
from typing import Any, Optional


class Facts:
    """A part of Store (`self.db`)."""

    db: Any

    def facts(self, article_id: Optional[str] = None) -> list[dict]:
        """The facts of one article, or of every article when `article_id` is None."""
        out = []
        for aid, data in self.db.execute("SELECT article_id, data FROM mentions WHERE CAST(? AS TEXT) IS NULL"
                                         " OR article_id = ? ORDER BY article_id, idx", (article_id, article_id)):
            m = json.loads(data)
            if m["status"] == "aggregate":
                out.append({"article": aid, "kind": m["sub_event_type"], "trigger": m["trigger"],
                            "actor1": m["actor1"], "actor2": m["actor2"], "sentence": m["sentence"]})
        return out
