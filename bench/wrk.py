"""wrk, the load generator: the Lua scripts it runs and the one line of results it prints."""

import json
import re
import shutil
import subprocess
import time

# Long enough that slow pages are measured rather than counted as errors.
WRK_TIMEOUT = "10s"

# Each wrk script ends with this, so results are read from one exact line, not from prose.
LUA_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""
# Each thread walks the list from its own starting point, one page after another.
LUA_WALK = """
local paths = {paths}
local threads_set_up = 0
setup = function(thread)
  thread:set("start", threads_set_up * math.floor(#paths / {threads}))
  threads_set_up = threads_set_up + 1
end
local position = 0
init = function(args) position = start or 0 end
request = function()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end
"""
# What a current browser sends with every request: pages and ceilings are measured as
# readers get them, compressed where the server compresses.
ACCEPT_ENCODING = "br, gzip"


def lua_post(body, headers):
    """A script sending one form POST again and again, with these headers besides wrk's."""
    lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(body)}"]
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    return "\n".join(lines) + "\n"


def run_wrk(server, path, script_path, seconds, threads, connections):
    """Run wrk, sampling the workers' memory meanwhile.

    Returns requests, requests per second, p50 and p99 in ms, and errors by kind.
    """
    wrk = subprocess.Popen(  # noqa: S603 (fixed command)
        [
            shutil.which("wrk"),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            f"-T{WRK_TIMEOUT}",
            "--latency",
            "-H",
            f"Accept-Encoding: {ACCEPT_ENCODING}",
            f"-s{script_path}",
            f"http://{server.host}{path}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    while wrk.poll() is None:
        server.memory.sample(server.process.pid)
        time.sleep(0.5)
    output = wrk.stdout.read()
    match = re.search(r"^RESULT (.*)$", output, re.MULTILINE)
    if wrk.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed ({wrk.returncode}):\n{output}")
    requests, duration_us, p50_us, p99_us, *errors = (float(v) for v in match[1].split())
    kinds = ["connect", "read", "write", "status", "timeout"]
    return (
        int(requests),
        requests / (duration_us / 1e6),
        p50_us / 1000,
        p99_us / 1000,
        {kind: int(count) for kind, count in zip(kinds, errors, strict=True) if count},
    )


def lua_list(strings):
    # JSON strings of plain ASCII are valid Lua strings.
    return "{" + ",\n".join(json.dumps(value) for value in strings) + "}"
