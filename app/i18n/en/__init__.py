"""English UI text, split per section; `STRINGS` is all of it. Same keys as the other language (a test checks)."""
from . import common, figures, playground, registry, zoo

PARTS: dict[str, dict[str, str]] = {"common": common.STRINGS, "figures": figures.STRINGS,
                                    "playground": playground.STRINGS, "zoo": zoo.STRINGS,
                                    "registry": registry.STRINGS}
from . import funnel  # noqa: E402  (the funnel explorer's own part)

PARTS["funnel"] = funnel.STRINGS
from . import experiments  # noqa: E402  (the Experiments section's own part)

PARTS["experiments"] = experiments.STRINGS
from . import balance  # noqa: E402  (the balancing lab's own part)

PARTS["balance"] = balance.STRINGS
from . import lessons  # noqa: E402  (the Lessons section's own part)

PARTS["lessons"] = lessons.STRINGS
from . import server  # noqa: E402  (the classroom server: caps, queue)

PARTS["server"] = server.STRINGS
from . import steps  # noqa: E402  (where each method steps: balancing lab and Playground)

PARTS["steps"] = steps.STRINGS
STRINGS: dict[str, str] = {k: v for part in PARTS.values() for k, v in part.items()}
