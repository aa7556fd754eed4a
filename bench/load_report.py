"""The load test's report: one row per measurement, the Markdown table, the workers' memory
and the targets, with whether each was met."""

import os
from dataclasses import dataclass
from statistics import mean

TARGET_CACHED_RATIO = 0.7
TARGET_UNCACHED_P99_MS = 50
TARGET_WORKER_MB = 150


@dataclass
class Result:
    """One row of the table: a page measured by wrk, and the static ceiling it is set beside."""

    page: str
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: dict
    ceiling: "Result | None" = None
    worker_restarts: int = 0
    drain_seconds: float = 0

    @property
    def error_count(self):
        return sum(self.errors.values())

    def latency(self, milliseconds):
        # With no request answered, wrk reports 0 ms: say so rather than print a fast page.
        return f"{milliseconds:.1f} ms" if self.requests else "none answered"

    @property
    def ratio(self):
        if self.ceiling is None:
            return "1.00"
        if not self.ceiling.requests_per_second:
            return "n/a"
        return f"{self.requests_per_second / self.ceiling.requests_per_second:.2f}"


def print_report(bench):
    """The whole report of a measured `Bench` (bench/load.py), on stdout."""
    args, data = bench.args, bench.data
    print()
    print(
        f"SpasmCMS load test: {data['articles']:,} published articles, "
        f"{data['comments']:,} approved comments; wrk {args.threads} threads, "
        f"{args.connections} connections, {args.duration} s per row after "
        f"{args.warmup} s warm-up; gunicorn deploy/gunicorn.conf.py, "
        f"{len(bench.servers['page cache on'].memory.final)} sync workers; "
        f"{os.cpu_count()} CPUs, load average {bench.load_before:.1f} before the runs, "
        f"{bench.load_after:.1f} after."
    )
    print()
    print("| page | req/s | p50 ms | p99 ms | errors | ratio to static ceiling |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for result in bench.results:
        errors = str(result.error_count)
        if result.errors:
            errors += " (" + ", ".join(f"{k} {v}" for k, v in result.errors.items()) + ")"
        print(
            f"| {result.page} | {result.requests_per_second:,.0f} | "
            f"{result.latency(result.p50_ms).removesuffix(' ms')} | "
            f"{result.latency(result.p99_ms).removesuffix(' ms')} | {errors} | "
            f"{result.ratio} |"
        )
    print()
    notes = {
        "Workers restarted by gunicorn's max_requests during": [
            f"{r.page} ({r.worker_restarts})" for r in bench.results if r.worker_restarts
        ],
        "Still answering queued requests after wrk stopped": [
            f"{r.page} ({r.drain_seconds:.0f} s)" for r in bench.results if r.drain_seconds > 1
        ],
    }
    for note, pages in notes.items():
        if pages:
            print(f"{note}: {', '.join(pages)}.")
    sizes = ", ".join(f"{name} {size / 1024:,.0f} kB" for name, size in bench.sizes.items())
    print(f"Page sizes (each ceiling serves the same bytes): {sizes}.")
    print(f"Article measured: {bench.pages['article']} ({data['busiest'][1]:,} comments).")
    print()
    for name, server in bench.servers.items():
        print(memory_line(name, server.memory))
    print()
    print_targets(bench)
    print()
    print(
        "Timings: "
        + ", ".join(f"{name} {seconds:,.0f} s" for name, seconds in bench.timings.items())
    )
    if any(result.error_count for result in bench.results):
        for name, server in bench.servers.items():
            print(f"\nLast error lines from the server ({name}):")
            print("\n".join(server.errors_logged()) or "(none)")


def print_targets(bench):
    by_page = {result.page: result for result in bench.results}
    cached = by_page["article page, cached (most comments)"]
    uncached = [r for r in bench.results if r.page.startswith("article page, uncached")]
    errors = sum(result.error_count for result in bench.results)
    peak_mb = max(
        usage["rss"] / 1024
        for server in bench.servers.values()
        for usage in server.memory.peak.values()
    )
    lines = [
        (
            f"cached article page ≥ {TARGET_CACHED_RATIO} of the static ceiling",
            cached.ratio,
            cached.ratio != "n/a" and float(cached.ratio) >= TARGET_CACHED_RATIO,
        ),
        *(
            (
                f"{result.page}: p99 < {TARGET_UNCACHED_P99_MS} ms",
                result.latency(result.p99_ms),
                result.requests > 0 and result.p99_ms < TARGET_UNCACHED_P99_MS,
            )
            for result in uncached
        ),
        ("zero errors", str(errors), errors == 0),
        (
            f"memory per worker < {TARGET_WORKER_MB} MB (peak RSS)",
            f"{peak_mb:.0f} MB",
            peak_mb < TARGET_WORKER_MB,
        ),
    ]
    print("| target | measured | met |")
    print("| --- | ---: | --- |")
    for target, measured, met in lines:
        print(f"| {target} | {measured} | {'yes' if met else '**no**'} |")


def memory_line(name, memory):
    def megabytes(usages, kind, summary):
        return summary(usage[kind] for usage in usages) / 1024

    final, peak = list(memory.final.values()), list(memory.peak.values())
    return (
        f"Memory per worker, {name}: after the runs ({len(final)} workers) RSS "
        f"{megabytes(final, 'rss', mean):.0f} MB mean / {megabytes(final, 'rss', max):.0f} max, "
        f"PSS {megabytes(final, 'pss', mean):.0f} MB, USS {megabytes(final, 'uss', mean):.0f} MB "
        f"mean; peak while loaded RSS {megabytes(peak, 'rss', max):.0f} MB, USS "
        f"{megabytes(peak, 'uss', max):.0f} MB; {len(peak)} worker processes seen "
        "(max_requests restarts them)."
    )
