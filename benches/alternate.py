#!/usr/bin/env python3
"""One-file commits, timed in alternation: round after round, each tool commits once.

    benches/alternate.py ROUNDS DIR:NAME [DIR:NAME ...]

hyperfine times all runs of one command before the next, so a machine whose speed drifts
(a shared VM) can favour whichever tool ran in a quiet minute. Alternating puts every tool
in the same minutes; the order within a round is shuffled (fixed seed). Each commit appends a line to file.txt and stages it (not timed), then
`git commit -q -m bench` is timed. Prints, per tool, the median and quartiles in ms and the
median relative to the first tool. Called by benches/hooks.sh.
"""

import random
import statistics
import subprocess
import sys
import time


def main() -> None:
    rounds = int(sys.argv[1])
    tools = [arg.split(":", 1) for arg in sys.argv[2:]]
    times = {name: [] for _, name in tools}
    # Each round takes the tools in a new order, so that no tool always follows the same
    # one (a commit just after pre-commit's Python finds colder caches than one after `sh`).
    shuffler = random.Random(2026)
    for _ in range(rounds):
        order = list(tools)
        shuffler.shuffle(order)
        for repo, name in order:
            with open(f"{repo}/file.txt", "a", encoding="utf-8") as f:
                f.write(f"{time.time_ns()}\n")
            subprocess.run(["git", "-C", repo, "add", "file.txt"], check=True)
            start = time.perf_counter()
            subprocess.run(
                ["git", "-C", repo, "commit", "-q", "-m", "bench"],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            times[name].append((time.perf_counter() - start) * 1000)
    base = statistics.median(times[tools[0][1]])
    print("| one-file `git commit`, alternating | median [ms] | quartiles [ms] | relative |")
    print("|:---|---:|---:|---:|")
    for _, name in tools:
        q1, _, q3 = statistics.quantiles(times[name], n=4)
        median = statistics.median(times[name])
        print(f"| `{name}` | {median:.1f} | {q1:.1f}–{q3:.1f} | {median / base:.2f} |")


if __name__ == "__main__":
    main()
