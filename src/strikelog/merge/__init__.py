"""Stage 7, merge: mentions -> canonical events.

Two steps. Within an article, mentions that describe the same event (same place, same day,
same actors, or a definite "the attack" that refers back) are clustered into one event; an
operation-level mention ("strikes on several facilities") lends its weapons and actors to the
place-level events it covers (ACLED: one event per place per day). Across articles, events
that agree on place, day, actors and weapons become one canonical event listing every source;
two events from the same article are never merged (the article reports them as distinct).
Then `responds_to` links are resolved from "in retaliation for", "responded to", "after".

Modules, in the order they build on each other:
- `frames`: the frame model (`Frame`, `ArticleFrames`, `Decisions`).
- `scoring`: relations of actors, places, days, weapons; pair scores; `qualifies`.
- `responses`: which event answers which, within an article and in the ledger.
- `article`: one article's mentions -> its frames (`cluster_article`).
- `blocking`: blocking and probe keys, `KeyIndex`.
- `across`: frames of many articles -> events (`cluster_frames`, `merge_block`, `merge_articles`,
  `build_event`).
- `neighbourhood`: a ledger round's frames and its independent blocks (`Neighbourhood`).

May import: records, resources, resolve.place (and the standard library). Never a later stage
(ledger, run), nor api, cli, web, extract: the ledger is reached through the
`neighbourhood.LedgerFrames` protocol it is handed.
"""
from .across import BlockMerger, MergeBlock, best_count, build_event, cluster_frames, merge_articles, merge_block, most_specific_weapons
from .article import cluster_article
from .blocking import EARTH_KM, GRID_DEGREES, KeyIndex, blocking_keys, probe_keys
from .frames import ArticleFrames, Decisions, Frame, FrameRef
from .neighbourhood import LedgerFrames, Neighbourhood
from .responses import RESPONSE_WINDOW_DAYS, accepted_targets, ledger_answer, link_targets, responses_of, windows
from .scoring import (
    APPROXIMATE_KM, GENERIC_ACTORS, JOIN_THRESHOLD, NEAR_KM, UNDATED_WINDOW_DAYS, actor_relation, affinity,
    comparable_status, dates_conflict, more_specific_actor, places_relation, possible_days, qualifies, score_pair,
    weapons_conflict,
)

__all__ = [
    "APPROXIMATE_KM", "ArticleFrames", "BlockMerger", "Decisions", "EARTH_KM", "Frame", "FrameRef", "GENERIC_ACTORS",
    "GRID_DEGREES", "JOIN_THRESHOLD", "KeyIndex", "LedgerFrames", "MergeBlock", "NEAR_KM", "Neighbourhood",
    "RESPONSE_WINDOW_DAYS", "UNDATED_WINDOW_DAYS", "accepted_targets", "actor_relation", "affinity", "best_count",
    "blocking_keys", "build_event", "cluster_article", "cluster_frames", "comparable_status", "dates_conflict",
    "ledger_answer", "link_targets", "merge_articles", "merge_block", "more_specific_actor", "most_specific_weapons",
    "places_relation", "possible_days", "probe_keys", "qualifies", "responses_of", "score_pair", "weapons_conflict",
    "windows",
]
