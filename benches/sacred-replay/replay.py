#!/usr/bin/env python3
"""Replays the history of real repositories through `gatekeeper sacred check`.

For each commit that touches the repository's test files: at its first parent, with a
gatekeeper.yml whose `sacred.paths` cover those files, `gatekeeper sacred lock` runs and the
lock is committed; the index is then set to the commit's tree (config and lock kept) and
`gatekeeper sacred check --staged --format json` says whether the change is refused.

  replay.py run OUT GK PROFILE=SOURCE...   replay, writing OUT/commits.tsv and OUT/refusals.tsv
  replay.py summary OUT JUDGEMENTS         the per-repository table (Markdown) from both files
  replay.py audit OUT                      accepted commits whose test diff removes assertions or adds skips
  replay.py show OUT PROFILE COMMIT        a refused commit's findings and test diff, to judge it

PROFILE is one of the profiles below (which files are tests, in which language); SOURCE is a
git directory (a bare mirror works) or a clone URL, optionally `@COMMIT` to end the replayed
history there instead of at the default branch. Only the scratch directory is written to:
the source is cloned with `--shared`.
"""

import json
import os
import re
import subprocess
import sys

# Which files hold tests: `sacred.paths` globs (gatekeeper's syntax) and the same set as git
# pathspecs (to pick the commits that touch them).
PROFILES = {
    "click": {
        "lang": "Python (pytest)",
        "paths": ["tests/**/*.py"],
        "pathspecs": [":(glob)tests/**/*.py"],
    },
    "cobra": {
        "lang": "Go (testing)",
        "paths": ["*_test.go"],
        "pathspecs": [":(glob)**/*_test.go"],
    },
    "ky": {
        "lang": "TypeScript / JavaScript (AVA)",
        "paths": ["test/**/*.ts", "test/**/*.js", "/test.js"],
        # The browser tests are registered through these wrappers around AVA's `test`.
        "test_functions": ["browserTest", "defaultBrowsersTest"],
        "pathspecs": [":(glob)test/**/*.ts", ":(glob)test/**/*.js", ":(glob)test.js"],
    },
    "tornado": {
        "lang": "Python (unittest)",
        "paths": ["tornado/test/**/*.py"],
        "pathspecs": [":(glob)tornado/test/**/*.py"],
    },
    # Two more histories judged once, outside the default five (docs/sacred.md, "Two more
    # histories"): Python with pytest fixtures, Go with testify.
    "httpx": {
        "lang": "Python (pytest)",
        "paths": ["tests/**/*.py"],
        "pathspecs": [":(glob)tests/**/*.py"],
    },
    "viper": {
        "lang": "Go (testing, testify)",
        "paths": ["*_test.go"],
        "pathspecs": [":(glob)**/*_test.go"],
    },
    "regex": {
        "lang": "Rust (cargo test)",
        "paths": ["tests/**/*.rs", "regex-*/tests/**/*.rs"],
        "pathspecs": [":(glob)tests/**/*.rs", ":(glob)regex-*/tests/**/*.rs"],
    },
}

# Lines that assert, per profile (for the audit of accepted commits).
ASSERT_RE = {
    "click": re.compile(r"^\s*(assert\b|self\.assert|pytest\.raises|with pytest\.raises)"),
    "cobra": re.compile(r"\bt\.(Error|Errorf|Fatal|Fatalf|Fail|FailNow)\b|\bassert\.|\brequire\."),
    "ky": re.compile(r"\bt\.(is|not|true|false|truthy|falsy|deepEqual|notDeepEqual|throws|throwsAsync|notThrows|notThrowsAsync|like|regex|notRegex|snapshot|pass|fail|assert|plan)\b|\bexpect\("),
    "tornado": re.compile(r"^\s*(assert\b|self\.assert|self\.fail|pytest\.raises|with pytest\.raises)"),
    "httpx": re.compile(r"^\s*(assert\b|self\.assert|pytest\.raises|with pytest\.raises)"),
    "viper": re.compile(r"\bt\.(Error|Errorf|Fatal|Fatalf|Fail|FailNow)\b|\bassert\.|\brequire\."),
    "regex": re.compile(r"\b(assert|assert_eq|assert_ne|debug_assert|prop_assert|prop_assert_eq)!|\bpanic!"),
}


def git(repo, *args, check=True, text=True):
    r = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=text)
    if check and r.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def checkout(repo, *args):
    """A git command that writes the work tree. A snapshot may lack the blobs of its largest
    files (data, not tests): such a path is left out of the work tree (sparse checkout), which
    no sacred check reads, and the command is run again."""
    for _ in range(50):
        r = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True)
        if r.returncode == 0:
            return
        missing = re.search(r"invalid object [0-9]+ [0-9a-f]+ for '([^']+)'", r.stderr)
        if not missing:
            raise RuntimeError(f"git {' '.join(args)}: {r.stderr.strip()}")
        sparse = os.path.join(repo, ".git", "info", "sparse-checkout")
        os.makedirs(os.path.dirname(sparse), exist_ok=True)
        if not os.path.exists(sparse):
            with open(sparse, "w") as fh:
                fh.write("/*\n")
            git(repo, "config", "core.sparseCheckout", "true")
        with open(sparse, "a") as fh:
            fh.write(f"!/{missing.group(1)}\n")
    raise RuntimeError(f"git {' '.join(args)}: too many missing blobs")


def config_text(profile):
    paths = ", ".join(json.dumps(p) for p in PROFILES[profile]["paths"])
    text = f"gates: {{}}\nsacred:\n  paths: [{paths}]\n"
    functions = PROFILES[profile].get("test_functions")
    if functions:
        text += f"  test_functions: [{', '.join(functions)}]\n"
    return text


def removed_assertion_lines(repo, parent, commit, profile):
    """Assertion lines the test diff removes and does not add back (same text, any indent)."""
    diff = git(repo, "diff", "-U0", "--no-renames", parent, commit, "--", *PROFILES[profile]["pathspecs"])
    minus, plus = [], set()
    for line in diff.splitlines():
        if line.startswith("---") or line.startswith("+++"):
            continue
        if line.startswith("-"):
            minus.append(line[1:].strip())
        elif line.startswith("+"):
            plus.add(line[1:].strip())
    rx = ASSERT_RE[profile]
    return [m for m in minus if rx.search(m) and m not in plus]


SKIP_RE = re.compile(r"skip|xfail|#\[ignore|\.only\b|\.failing\b|\bxit\(|\.todo\b")


def added_skip_lines(repo, parent, commit, profile):
    """Lines the test diff adds that could skip or focus tests."""
    diff = git(repo, "diff", "-U0", "--no-renames", parent, commit, "--", *PROFILES[profile]["pathspecs"])
    return [line[1:].strip() for line in diff.splitlines()
            if line.startswith("+") and not line.startswith("+++") and SKIP_RE.search(line)]


def removed_assertions(repo, parent, commit, profile):
    return len(removed_assertion_lines(repo, parent, commit, profile))


def replay(out, gk, profile, source, limit, rev=None):
    work = os.path.join(out, "work", profile)
    if not os.path.isdir(work):
        subprocess.run(["git", "clone", "-q", "--no-checkout"]
                       + (["--shared"] if os.path.isdir(source) else [])
                       + [source, work], check=True)
    # The given revision, else the default branch of the source (a reused clone may be left
    # detached by a previous run).
    head = git(work, "rev-parse", (rev or "refs/remotes/origin/HEAD") + "^{commit}").strip()
    commits = git(work, "log", "--no-merges", "--format=%H %P", f"-n{limit}", head, "--",
                  *PROFILES[profile]["pathspecs"]).splitlines()
    commits.reverse()  # oldest first
    cfg = config_text(profile)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEKEEPER_")}
    rows, refusals = [], []
    for n, line in enumerate(commits, 1):
        commit, *parents = line.split()
        if not parents:
            continue
        parent = parents[0]
        checkout(work, "checkout", "-q", "-f", "--detach", parent)
        git(work, "clean", "-q", "-fdx")
        with open(os.path.join(work, "gatekeeper.yml"), "w") as fh:
            fh.write(cfg)
        git(work, "add", "-f", "gatekeeper.yml")
        lk = subprocess.run([gk, "sacred", "lock"], cwd=work, env=env, capture_output=True, text=True)
        removed = removed_assertions(work, parent, commit, profile)
        if lk.returncode != 0:
            rows.append([profile, commit, parent, "lock-failed", "", "", str(removed)])
            print(f"{profile} {n}/{len(commits)} {commit[:10]}: lock failed: {lk.stderr.strip()[:200]}", file=sys.stderr)
            continue
        git(work, "add", "-f", ".gatekeeper/sacred.lock")
        # Commit without `git commit`, which refuses a tree naming a blob the snapshot lacks.
        tree = git(work, "write-tree", "--missing-ok").strip()
        lock_commit = git(work, "commit-tree", tree, "-p", "HEAD", "-m", "lock").strip()
        git(work, "update-ref", "--no-deref", "HEAD", lock_commit)
        lock_text = git(work, "show", "HEAD:.gatekeeper/sacred.lock")
        locked = sum(1 for x in lock_text.splitlines() if x.startswith("test "))
        # The change: the commit's tree, with the config and the lock of the parent kept.
        checkout(work, "read-tree", "-m", "-u", "HEAD", commit)
        git(work, "checkout", "HEAD", "--", "gatekeeper.yml", ".gatekeeper/sacred.lock")
        ck = subprocess.run([gk, "sacred", "check", "--staged", "--format", "json"], cwd=work, env=env,
                            capture_output=True, text=True)
        exit_code = ck.returncode
        if exit_code != 0:
            os.makedirs(os.path.join(out, "reports"), exist_ok=True)
            with open(os.path.join(out, "reports", f"{profile}-{commit[:12]}.json"), "w") as fh:
                fh.write(ck.stdout)
        findings = []
        try:
            report = json.loads(ck.stdout)
            findings = report.get("findings", [])
        except json.JSONDecodeError:
            report = None
        if exit_code not in (0, 1) or (exit_code == 1 and not findings):
            findings = [{"test_id": "-", "rule": f"exit-{exit_code}",
                         "message": (ck.stderr.strip().splitlines() or [""])[-1]}]
        for f in findings:
            refusals.append([profile, commit, f["test_id"], f["rule"], f.get("message", "")])
        rows.append([profile, commit, parent, str(exit_code), str(locked),
                     str(report.get("checked", "") if report else ""), str(removed)])
        print(f"{profile} {n}/{len(commits)} {commit[:10]}: exit {exit_code}, {len(findings)} finding(s)",
              file=sys.stderr)
    return rows, refusals


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as fh:
        return [line.rstrip("\n").split("\t") for line in fh if line.strip() and not line.startswith("#")]


def cmd_run(out, gk, specs, limit):
    os.makedirs(out, exist_ok=True)
    # Written as each repository finishes, so that an interrupted run keeps what it measured.
    with open(os.path.join(out, "commits.tsv"), "w") as commits_fh, \
            open(os.path.join(out, "refusals.tsv"), "w") as refusals_fh:
        commits_fh.write("#repo\tcommit\tparent\texit\tlocked\tchecked\tremoved_assertion_lines\n")
        refusals_fh.write("#repo\tcommit\ttest_id\trule\tmessage\n")
        for spec in specs:
            profile, _, source = spec.partition("=")
            if profile not in PROFILES or not source:
                sys.exit(f"expected PROFILE=SOURCE with PROFILE one of {', '.join(PROFILES)}: {spec}")
            # `SOURCE@REV` replays the history that ends at REV (a commit id), to measure the
            # same commits again later.
            at = re.fullmatch(r"(.+)@([0-9a-fA-F]{7,40})", source)
            rev = at.group(2) if at else None
            source = at.group(1) if at else source
            rows, refusals = replay(out, gk, profile, source, limit, rev)
            for r in rows:
                commits_fh.write("\t".join(r) + "\n")
            for r in refusals:
                refusals_fh.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in r) + "\n")
            commits_fh.flush()
            refusals_fh.flush()


JUDGEMENTS = ["weakening", "deliberate", "refactor", "false-alarm"]


def cmd_summary(out, judgements_path):
    rows = read_tsv(os.path.join(out, "commits.tsv"))
    refusals = read_tsv(os.path.join(out, "refusals.tsv"))
    judged = {}
    for j in read_tsv(judgements_path):
        judged[(j[0], j[1][:12], j[2])] = j[3]
    print("| repository | language | commits replayed | refused commits | refused tests | weakening | deliberate | refactor | false alarm | unjudged | false alarms + refactors | commits refused only for them |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    totals = [0] * 10
    for profile in PROFILES:
        prow = [r for r in rows if r[0] == profile and r[3] != "lock-failed"]
        if not prow and not any(r[0] == profile for r in rows):
            continue
        # One refusal per refused test of a commit (a test can break several rules at once).
        pref = list({(r[0], r[1][:12], r[2]): r for r in refusals if r[0] == profile}.values())
        counts = {k: 0 for k in JUDGEMENTS + ["unjudged"]}
        for r in pref:
            counts[judged.get((r[0], r[1][:12], r[2]), "unjudged")] += 1
        refused = len({r[1] for r in pref})
        noise = counts["false-alarm"] + counts["refactor"]
        pct = f"{100 * noise / len(pref):.1f} %" if pref else "–"
        # A refused commit is noise as a whole when every test it refused is a refactor or a
        # false alarm: nothing in it needed the re-lock it asks for.
        by_commit = {}
        for r in pref:
            j = judged.get((r[0], r[1][:12], r[2]), "unjudged")
            by_commit.setdefault(r[1][:12], []).append(j)
        noisy = sum(1 for js in by_commit.values() if all(j in ("false-alarm", "refactor") for j in js))
        cpct = f"{noisy} ({100 * noisy / refused:.1f} %)" if refused else "–"
        vals = [len(prow), refused, len(pref)] + [counts[k] for k in JUDGEMENTS + ["unjudged"]] + [noise, noisy]
        totals = [a + b for a, b in zip(totals, vals)]
        print(f"| {profile} | {PROFILES[profile]['lang']} | " + " | ".join(str(v) for v in vals[:8]) + f" | {pct} | {cpct} |")
    pct = f"{100 * totals[8] / totals[2]:.1f} %" if totals[2] else "–"
    cpct = f"{totals[9]} ({100 * totals[9] / totals[1]:.1f} %)" if totals[1] else "–"
    print("| **total** | | " + " | ".join(str(v) for v in totals[:8]) + f" | {pct} | {cpct} |")
    failed = [r for r in rows if r[3] == "lock-failed"]
    if failed:
        print(f"\n{len(failed)} commit(s) not replayed: `sacred lock` refused the parent (a test that does not parse).")
    unjudged = list({(r[0], r[1][:12], r[2]): r for r in refusals if (r[0], r[1][:12], r[2]) not in judged}.values())
    for r in unjudged:
        print(f"unjudged: {r[0]} {r[1][:12]} {r[2]} [{r[3]}]", file=sys.stderr)


def cmd_audit(out):
    """Accepted commits whose test diff removes assertion lines or adds lines that could skip or
    focus tests, with those lines: each must be explained (a helper, a message-only edit, a new
    test's own marker)."""
    for r in read_tsv(os.path.join(out, "commits.tsv")):
        if r[3] != "0":
            continue
        work = os.path.join(out, "work", r[0])
        removed = removed_assertion_lines(work, r[2], r[1], r[0])
        skips = added_skip_lines(work, r[2], r[1], r[0])
        if removed or skips:
            print(f"{r[0]}\t{r[1][:12]}\t{git(work, 'log', '-1', '--format=%s', r[1]).strip()}")
            for line in removed:
                print(f"\t- {line[:160]}")
            for line in skips:
                print(f"\t+ {line[:160]}")


def cmd_show(out, profile, commit):
    """One refused commit, for judging: its message, each finding's lines, and the test diff."""
    work = os.path.join(out, "work", profile)
    commit = git(work, "rev-parse", commit).strip()
    print(git(work, "log", "-1", "--format=%h %s%n%n%b", commit).strip()[:1500])
    path = os.path.join(out, "reports", f"{profile}-{commit[:12]}.json")
    if os.path.exists(path):
        with open(path) as fh:
            for f in json.load(fh).get("findings", []):
                print(f"\n## {f['test_id']} [{f['rule']}] {f.get('message', '')}")
                for x in f.get("old_lines", []):
                    print(f"  - {x}")
                for x in f.get("new_lines", []):
                    print(f"  + {x}")
    print()
    print(git(work, "diff", f"{commit}^", commit, "--", *PROFILES[profile]["pathspecs"]))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd = sys.argv[1]
    if cmd == "run":
        limit = int(os.environ.get("SACRED_REPLAY_COMMITS", "100"))
        cmd_run(sys.argv[2], sys.argv[3], sys.argv[4:], limit)
    elif cmd == "summary":
        cmd_summary(sys.argv[2], sys.argv[3])
    elif cmd == "show":
        cmd_show(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "audit":
        cmd_audit(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
