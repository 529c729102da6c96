"""Child-process entry: ``python -m bench.worker CASE JSON_KWARGS``; prints one JSON line.

Also reports the process's peak resident set (``ru_maxrss``), so a
measurement's memory is never mixed with another's.
"""

from __future__ import annotations

import json
import resource
import sys


def main() -> None:
    case, raw = sys.argv[1], sys.argv[2]
    from bench.cases import CASES
    from bench.scale_cases import CASES as SCALE_CASES

    CASES.update(SCALE_CASES)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = CASES[case](**json.loads(raw))
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["maxrss_kib"] = after
    result["maxrss_growth_kib"] = after - before
    print(json.dumps(result))


if __name__ == "__main__":
    main()
