"""Benchmark: signed `/foi help` over real HTTP on loopback, 50 concurrent senders.

Run by hand: `.venv/bin/python tests/bench/bench_http.py [--senders 50] [--requests 20]`. Prints the
acknowledgement latency percentiles and the errors; the goal is no connection resets and a p99 well
under Slack's 3-second limit (waitress with a thread pool, not Bolt's single-threaded dev server).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.config import load_settings  # noqa: E402
from bot.runtime import build_context  # noqa: E402
from bot.slack.app import build_app  # noqa: E402
from bot.slack.server import make_server, make_wsgi_app  # noqa: E402
from tests.support.signing import post, signed_headers  # noqa: E402
from tests.support.slack_standin import SlackStandIn  # noqa: E402

SECRET = "bench-secret"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--senders", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="requests per sender")
    parser.add_argument("--threads", type=int, default=16, help="server worker threads")
    args = parser.parse_args()

    standin = SlackStandIn().start()
    workdir = Path(tempfile.mkdtemp(prefix="foi-bench-http-"))
    os.environ.update({"DATABASE_URL": f"sqlite:///{workdir / 'foi.sqlite3'}", "SLACK_BOT_TOKEN": "xoxb-bench",
                       "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": standin.api_url})
    settings = load_settings()
    ctx = build_context(settings)
    app = build_app(ctx, settings)
    server = make_server(make_wsgi_app(app, ctx.engine), host="127.0.0.1", port=0, threads=args.threads)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}/slack/events"

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def sender(n: int) -> None:
        for i in range(args.requests):
            body = urlencode({"command": "/foi", "text": "help", "user_id": f"U{n}", "channel_id": "C1",
                              "response_url": standin.response_url(f"{n}-{i}"), "trigger_id": "t"}).encode()
            started = time.perf_counter()
            try:
                status, _ = post(url, body, signed_headers(SECRET, body, content_type="application/x-www-form-urlencoded"))
            except OSError as exc:
                with lock:
                    errors.append(type(exc).__name__)
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(f"HTTP {status}")

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.senders) as pool:
        list(pool.map(sender, range(args.senders)))
    wall = time.perf_counter() - started
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    print(f"{len(latencies)} acknowledged, {len(errors)} errors {sorted(set(errors))} in {wall:.2f} s "
          f"({len(latencies) / wall:.0f} req/s) with {args.senders} concurrent senders")
    print(f"ack latency: p50 {q[49] * 1000:.1f} ms, p90 {q[89] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms, "
          f"max {latencies[-1] * 1000:.1f} ms")
    server.close()
    standin.stop()
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
