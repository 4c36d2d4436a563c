#!/usr/bin/python3
"""Times Upward's assignment solver against SciPy's linear_sum_assignment.

Both solve the same matrices in one run, interleaved (the order alternates
from one repetition to the next), so that load from other processes falls
on both alike; the figures are medians over the repetitions. Each matrix is
solved once by each before timing starts, and the totals must agree: with no
forbidden cells "most pairs, then the highest total" is SciPy's maximize.

Two times are taken of each solve: wall-clock time, and the process's CPU
time, which other processes on a busy machine disturb much less (both
solvers use one thread; Go's CPU time includes its garbage collector).

With --baseline DIR (another checkout of Upward, e.g. made with
`git worktree add /tmp/upward-main main`), that checkout's solver is timed in
the same run too, for a before/after comparison under the same load.

This is a benchmark helper, not a test dependency. It needs Debian's
python3-scipy (apt-get install -y python3-scipy), hence /usr/bin/python3.

    infra/scripts/solver-vs-scipy.py [--reps 7] [--only NAME ...] [--baseline DIR]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
    from scipy.optimize import linear_sum_assignment
except ImportError:
    sys.exit("solver-vs-scipy needs SciPy: apt-get install -y python3-scipy (and run it with /usr/bin/python3)")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def cases(rng):
    """The shapes and score kinds of issue 17. Integer scores 0–10 and
    one-decimal scores 0.0–10.0 stand for real matching scores, which are
    coarse and so full of ties; uniform random scores have almost none."""
    yield "2000x2000 random", lambda: rng.integers(0, 1_000_000, (2000, 2000)) / 1e6
    yield "2000x2000 integer", lambda: rng.integers(0, 11, (2000, 2000)).astype(np.float64)
    yield "2000x2000 one-decimal", lambda: rng.integers(0, 101, (2000, 2000)) / 10
    yield "5000x5000 integer", lambda: rng.integers(0, 11, (5000, 5000)).astype(np.float64)
    yield "5000x5000 one-decimal", lambda: rng.integers(0, 101, (5000, 5000)) / 10
    yield "3000x1000 integer", lambda: rng.integers(0, 11, (3000, 1000)).astype(np.float64)
    yield "1000x3000 integer", lambda: rng.integers(0, 11, (1000, 3000)).astype(np.float64)
    yield "3000x1000 random", lambda: rng.integers(0, 1_000_000, (3000, 1000)) / 1e6
    yield "2000x2000 weighted", lambda: weighted(rng, 2000, 2000)


def weighted(rng, rows, cols):
    """Scores as Upward's scorer makes them: a weighted count of attributes
    (topic, department, division, location, ...) that two people share. Rows
    with similar attributes want the same columns, so the best cells cluster,
    which is harder than ties spread at random."""
    weights = [3, 1, 1, 0.5, 1, 1]
    kinds = [8, 10, 5, 8, 2, 2]
    score = np.zeros((rows, cols))
    for w, k in zip(weights, kinds):
        a, b = rng.integers(0, k, rows), rng.integers(0, k, cols)
        score += w * (a[:, None] == b[None, :])
    return score


class GoSolver:
    def __init__(self, workdir, root=ROOT):
        binary = os.path.join(workdir, "solver-vs-scipy-" + str(abs(hash(root))))
        helper = os.path.join(ROOT, "infra", "scripts", "solver-vs-scipy")
        if root == ROOT:
            subprocess.run(["go", "build", "-o", binary, helper], cwd=root, check=True)
        else:
            # Build this helper against the other checkout's solver: a copy
            # of it inside that module, removed once built.
            copy = os.path.join(root, "solver-vs-scipy-helper-tmp")
            shutil.copytree(helper, copy)
            try:
                subprocess.run(["go", "build", "-o", binary, "./solver-vs-scipy-helper-tmp"], cwd=root, check=True)
            finally:
                shutil.rmtree(copy)
        self.proc = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer:
            sys.exit("the Go helper stopped")
        return answer.split()

    def load(self, name, path, a):
        self.ask(f"load {name} {a.shape[0]} {a.shape[1]} {path}")

    def solve(self, name):
        seconds, cpu, pairs, total = self.ask(f"solve {name}")
        return (float(seconds), float(cpu)), int(pairs), float(total)


def scipy_solve(a):
    start, cpu = time.perf_counter(), time.process_time()
    rows, cols = linear_sum_assignment(a, maximize=True)
    elapsed = (time.perf_counter() - start, time.process_time() - cpu)
    return elapsed, len(rows), float(a[rows, cols].sum())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=7, help="timed repetitions of each matrix (default 7)")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--only", nargs="*", help="matrix names to run, e.g. '5000x5000 integer'")
    parser.add_argument("--baseline", help="another checkout of Upward whose solver is timed too")
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory(prefix="solver-vs-scipy-") as workdir:
        solvers = {"Go": GoSolver(workdir)}
        if args.baseline:
            solvers["baseline"] = GoSolver(workdir, os.path.abspath(args.baseline))
        matrices = {}
        for k, (name, make) in enumerate(cases(rng)):
            a = make()  # drawn even when skipped, so each matrix is the same whatever --only says
            if args.only and name not in args.only:
                continue
            a = np.ascontiguousarray(a, dtype="<f8")
            path = os.path.join(workdir, f"m{k}.bin")
            a.tofile(path)
            key = f"m{k}"
            for go in solvers.values():
                go.load(key, path, a)
            os.remove(path)
            _, sp_pairs, sp_total = scipy_solve(a)
            for who, go in solvers.items():
                _, go_pairs, go_total = go.solve(key)
                if sp_pairs != go_pairs or abs(sp_total - go_total) > 1e-6 * max(1.0, abs(sp_total)):
                    sys.exit(f"{name}: {who} {go_pairs} pairs total {go_total}, SciPy {sp_pairs} pairs total {sp_total}")
            matrices[name] = (key, a)

        # times[name][who]: (wall, CPU) per repetition; the order of the
        # solvers rotates from one repetition to the next.
        times = {name: {who: [] for who in ["SciPy", *solvers]} for name in matrices}
        for rep in range(args.reps):
            for name, (key, a) in matrices.items():
                runs = [("SciPy", lambda: scipy_solve(a)[0])]
                runs += [(who, lambda go=go: go.solve(key)[0]) for who, go in solvers.items()]
                runs = runs[rep % len(runs):] + runs[:rep % len(runs)]
                for who, run in runs:
                    times[name][who].append(run())
        for go in solvers.values():
            go.proc.stdin.close()
            go.proc.wait()

    print(f"{args.reps} repetitions, interleaved; medians; ratio = Go time / SciPy time "
          "(median of the repetitions' ratios, and their range)")
    print(f"{'':<24} {'wall-clock time':^38}   {'CPU time':^38}")
    print(f"{'matrix':<24}" + f" {'Go':>9} {'SciPy':>9} {'ratio':>5} {'range':>11}  " * 2)
    for name, t in times.items():
        for who in solvers:
            line = f"{name:<24}" if who == "Go" else f"{'  ' + who:<24}"
            for k in (0, 1):  # wall, CPU
                g, s = [x[k] for x in t[who]], [x[k] for x in t["SciPy"]]
                ratios = [a / b for a, b in zip(g, s)]
                line += (f" {statistics.median(g) * 1e3:7.1f}ms {statistics.median(s) * 1e3:7.1f}ms "
                         f"{statistics.median(ratios):5.2f} {min(ratios):5.2f}–{max(ratios):<5.2f}  ")
            print(line.rstrip())


if __name__ == "__main__":
    main()
