"""Load generator, run as a separate process by ``benchmarks/run.py``.

Requests one URL a fixed number of times from a few threads with a signed-in session cookie and
prints one JSON line: requests per second, p50/p95 latency (ms), and non-200 answers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time

import requests


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--cookie", action="append", default=[], help="name=value")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--htmx", action="store_true", help="send HX-Request like htmx does")
    parser.add_argument("--header", action="append", default=[], help="Name: value")
    args = parser.parse_args()

    cookies = dict(item.split("=", 1) for item in args.cookie)
    headers = {"HX-Request": "true"} if args.htmx else {}
    headers.update(item.split(": ", 1) for item in args.header)
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    remaining = [args.requests]

    def worker() -> None:
        session = requests.Session()
        session.cookies.update(cookies)
        while True:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            response = session.get(args.url, headers=headers, allow_redirects=False, timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status_code != 200:
                    failures.append(response.status_code)

    # One warm-up request so imports and connection set-up are not measured.
    requests.get(args.url, cookies=cookies, headers=headers, timeout=30)
    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = time.perf_counter() - started
    latencies.sort()
    print(
        json.dumps(
            {
                "requests": len(latencies),
                "rps": len(latencies) / total,
                "p50_ms": statistics.median(latencies) * 1000,
                "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
                "failures": len(failures),
                "failure_statuses": sorted(set(failures)),
            }
        )
    )


if __name__ == "__main__":
    main()
