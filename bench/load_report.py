"""The load test's report: one row per measurement, the Markdown table, the page sizes, the
workers' memory and the targets, with whether each was met."""

import math
import os
from dataclasses import dataclass
from statistics import mean

# Requests per second as a share of the static ceiling measured in the same server run.
TARGET_RATIOS = {
    "article": 0.85,
    "home": 0.85,
    "topic": 0.85,
    "checker": 0.85,
    "uncached-article": 0.035,
    "uncached-walk": 0.04,
    "uncached-home": 0.05,
    "checker-post": 0.06,
    "api-article": 0.85,
    "uncached-api-article": 0.05,
}
# p99 over p50, in every row measured with the full number of clients: a page whose slow
# requests are many times its usual ones queues readers behind them.
TARGET_SPREAD = 3
TARGET_ARTICLE_WIRE_BYTES = 6_000
TARGET_WORKER_MB = 100


def targets_text():
    """The targets in one paragraph (the command's help ends with it)."""
    return (
        f"Targets: cached article, home, topic and checker GET ≥ {TARGET_RATIOS['article']} "
        f"of the static ceiling; uncached busiest article ≥ {TARGET_RATIOS['uncached-article']}"
        f", uncached articles in turn ≥ {TARGET_RATIOS['uncached-walk']}, uncached home ≥ "
        f"{TARGET_RATIOS['uncached-home']}, checker POST ≥ {TARGET_RATIOS['checker-post']}; "
        f"content API article ≥ {TARGET_RATIOS['api-article']} cached and ≥ "
        f"{TARGET_RATIOS['uncached-api-article']} uncached; "
        f"p99/p50 ≤ {TARGET_SPREAD} in every row; article HTML over the wire (br) ≤ "
        f"{TARGET_ARTICLE_WIRE_BYTES:,} B; memory per worker ≤ {TARGET_WORKER_MB} MB; "
        "zero errors."
    )


@dataclass
class Result:
    """One row of the table: a page measured, and the static ceiling it is set beside."""

    key: str  # "article", "ceiling-article", "cold-start", ...: what the targets refer to
    page: str
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: dict
    ceiling: "Result | None" = None
    clients: int = 0
    worker_restarts: int = 0
    drain_seconds: float = 0

    @property
    def error_count(self):
        return sum(self.errors.values())

    @property
    def is_ceiling(self):
        return self.key.startswith("ceiling-")

    def latency(self, milliseconds):
        # With no request answered, wrk reports 0 ms: say so rather than print a fast page.
        return f"{milliseconds:.1f} ms" if self.requests else "none answered"

    @property
    def ratio_value(self):
        if self.ceiling is None or not self.ceiling.requests_per_second:
            return None
        return self.requests_per_second / self.ceiling.requests_per_second

    @property
    def ratio(self):
        if self.ceiling is None:
            return "1.00" if self.is_ceiling else "n/a"
        value = self.ratio_value
        if value is None:
            return "n/a"
        # Rounded down, so that a ratio shown as the target's meets it (0.846 is not 0.85).
        places = 3 if value < 0.1 else 2
        return f"{math.floor(round(value * 10**places, 6)) / 10**places:.{places}f}"

    @property
    def spread(self):
        """p99 over p50, or None with nothing answered."""
        return self.p99_ms / self.p50_ms if self.requests and self.p50_ms else None

    def checks(self, connections):
        """(what is asked, met) for each target of this row."""
        checks = []
        if self.key in TARGET_RATIOS:
            target = TARGET_RATIOS[self.key]
            value = self.ratio_value
            checks.append((f"ratio ≥ {target}", value is not None and value >= target))
        if self.clients == connections:
            spread = self.spread
            met = spread is not None and spread <= TARGET_SPREAD
            checks.append((f"p99/p50 ≤ {TARGET_SPREAD}", met))
        return checks


def percentile(values, fraction):
    """The nearest-rank percentile of `values` (as wrk reports from its histogram)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def print_report(bench):
    """The whole report of a measured `Bench` (bench/load.py), on stdout."""
    args, data = bench.args, bench.data
    first_server = next(iter(bench.servers.values()))
    print()
    print(
        f"SpasmCMS load test: {data['articles']:,} published articles, "
        f"{data['comments']:,} approved comments; wrk {args.threads} threads, "
        f"{args.connections} connections, {args.duration} s per row after "
        f"{args.warmup} s warm-up, every request with Accept-Encoding: br, gzip; gunicorn "
        f"deploy/gunicorn.conf.py, {len(first_server.memory.final)} sync workers; "
        f"{os.cpu_count()} CPUs, load average {bench.load_before:.1f} before the runs, "
        f"{bench.load_after:.1f} after."
    )
    print()
    print(
        "| page | req/s | p50 ms | p99 ms | p99/p50 | errors | ratio to static ceiling "
        "| target | met |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    for result in bench.results:
        errors = str(result.error_count)
        if result.errors:
            errors += " (" + ", ".join(f"{k} {v}" for k, v in result.errors.items()) + ")"
        spread = "n/a" if result.spread is None else f"{result.spread:.1f}"
        checks = result.checks(args.connections)
        if checks:
            target = ", ".join(asked for asked, _ in checks)
            missed = [asked.split(" ")[0] for asked, met in checks if not met]
            met = f"**no** ({', '.join(missed)})" if missed else "yes"
        else:
            target = met = f"— ({result.clients} client{'s' if result.clients != 1 else ''})"
        print(
            f"| {result.page} | {result.requests_per_second:,.0f} | "
            f"{result.latency(result.p50_ms).removesuffix(' ms')} | "
            f"{result.latency(result.p99_ms).removesuffix(' ms')} | {spread} | {errors} | "
            f"{result.ratio} | {target} | {met} |"
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
    print_sizes(bench)
    print(
        f"Article measured: {bench.pages['article']} ({data['busiest'][1]:,} comments); "
        f"topic: {bench.pages['topic']}."
    )
    if bench.cold_start:
        print(bench.cold_start)
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


def print_sizes(bench):
    print("Page sizes (HTML body bytes; the ceilings serve the same page, precompressed):")
    for name, size in bench.sizes.items():
        if "wire" not in size:
            served = "not fetched from the site with br"
        elif size["encoding"]:
            served = f"{size['wire']:,} B as the site sends it for br ({size['encoding']})"
        else:
            served = f"{size['wire']:,} B as the site sends it for br (**not compressed**)"
        vary = "" if size.get("vary", True) else ", no Vary: Accept-Encoding"
        print(
            f"- {name}: {size['identity']:,} B identity, {served}{vary}; ceiling "
            f"{size['ceiling br']:,} B br (quality 11), {size['ceiling gzip']:,} B gzip (level 9)"
        )


def print_targets(bench):
    by_key = {result.key: result for result in bench.results}
    lines = []
    for key, target in TARGET_RATIOS.items():
        result = by_key.get(key)
        label = result.page if result else key
        if result is None:
            lines.append((f"{label} ≥ {target} of the ceiling", "not measured", None))
        else:
            value = result.ratio_value
            lines.append(
                (
                    f"{label} ≥ {target} of the ceiling",
                    result.ratio,
                    value is not None and value >= target,
                )
            )
    loaded = [r for r in bench.results if r.clients == bench.args.connections]
    if loaded:
        spreads = [(r.spread if r.spread is not None else math.inf, r.page) for r in loaded]
        worst, page = max(spreads)
        over = sum(1 for spread, _ in spreads if spread > TARGET_SPREAD)
        lines.append(
            (
                f"p99/p50 ≤ {TARGET_SPREAD} in every row at {bench.args.connections} clients",
                f"worst {worst:.1f} ({page}); {over} of {len(loaded)} rows over",
                over == 0,
            )
        )
    article = bench.sizes.get("article", {})
    if "wire" in article:
        encoding = article["encoding"] or "not compressed"
        lines.append(
            (
                f"article HTML over the wire (br) ≤ {TARGET_ARTICLE_WIRE_BYTES:,} B",
                f"{article['wire']:,} B ({encoding}; {article['identity']:,} B identity)",
                article["wire"] <= TARGET_ARTICLE_WIRE_BYTES,
            )
        )
    peaks = [usage for server in bench.servers.values() for usage in server.memory.peak.values()]
    if peaks:
        peak_mb = max(usage["rss"] for usage in peaks) / 1024
        uss_mb = max(usage["uss"] for usage in peaks) / 1024
        lines.append(
            (
                f"memory per worker ≤ {TARGET_WORKER_MB} MB (peak RSS)",
                f"{peak_mb:.0f} MB (USS {uss_mb:.0f} MB)",
                peak_mb <= TARGET_WORKER_MB,
            )
        )
    errors = sum(result.error_count for result in bench.results)
    lines.append(("zero errors", str(errors), errors == 0))
    print("| target | measured | met |")
    print("| --- | ---: | --- |")
    for target, measured, met in lines:
        shown = "—" if met is None else "yes" if met else "**no**"
        print(f"| {target} | {measured} | {shown} |")


def memory_line(name, memory):
    def megabytes(usages, kind, summary):
        return summary(usage[kind] for usage in usages) / 1024 if usages else 0

    final, peak = list(memory.final.values()), list(memory.peak.values())
    return (
        f"Memory per worker, {name}: after the runs ({len(final)} workers) RSS "
        f"{megabytes(final, 'rss', mean):.0f} MB mean / {megabytes(final, 'rss', max):.0f} max, "
        f"PSS {megabytes(final, 'pss', mean):.0f} MB, USS {megabytes(final, 'uss', mean):.0f} MB "
        f"mean; peak while loaded RSS {megabytes(peak, 'rss', max):.0f} MB, USS "
        f"{megabytes(peak, 'uss', max):.0f} MB; {len(peak)} worker processes seen "
        "(max_requests restarts them)."
    )
