"""A million (by default) fuzz inputs through the J11 stream parser. Prints counts; exits 1 on a broken contract.

    python bench/fuzz_j11.py [--inputs N] [--seed S]

Inputs, in turn: mutated real frames (transcript 13, ROHM's application note, Tosainu's parser
tests, our encoders, SKSTACK text), random bytes, and a whole-vs-chunked differential run
every 16th input. Contracts: those of tests/j11_mutations.run_parser (never raises, only J11
message types, bounded `pending`, nothing left after flush, alive afterwards), and identical
messages whatever the chunking.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
sys.path.insert(0, str(ROOT / "tests"))  # the corpus and the mutator live with the tests

from j11_mutations import CORPUS, mutate, run_parser, split  # noqa: E402

from hems_desktop.protocol.j11_codec import Garbage  # noqa: E402


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--inputs", type=int, default=1_000_000)
    options.add_argument("--seed", type=int, default=20260521)
    args = options.parse_args()
    rng = random.Random(args.seed)
    kinds: Counter[str] = Counter()
    messages: Counter[str] = Counter()
    total_bytes = 0
    started = time.perf_counter()
    for index in range(args.inputs):
        if index % 4 == 3:
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 120)))
            kinds["random bytes"] += 1
        else:
            data = b"".join(mutate(rng.choice(CORPUS), rng) for _ in range(rng.randrange(1, 3)))
            kinds["mutated frames"] += 1
        total_bytes += len(data)
        try:
            out = run_parser([data])
            if index % 16 == 0:
                kinds["differential (chunked)"] += 1
                if run_parser(split(data, rng)) != out:
                    raise AssertionError("chunking changed the messages")
        except AssertionError as exc:
            print(f"contract broken at input {index} (seed {args.seed}): {exc}\n{data.hex()}", file=sys.stderr)
            return 1
        for message in out:
            messages["Garbage" if isinstance(message, Garbage) else type(message).__name__] += 1
    seconds = time.perf_counter() - started
    print(f"{args.inputs:,} inputs ({total_bytes:,} bytes) in {seconds:.1f} s, seed {args.seed}: no contract broken")
    for kind, count in kinds.most_common():
        print(f"  {kind:<24} {count:>10,}")
    print("messages out:")
    for name, count in messages.most_common():
        print(f"  {name:<24} {count:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
