"""``python -m logto_emulator --port 3001 [--delay-ms 50]``: serve a seeded emulator standalone."""

from __future__ import annotations

import argparse
import logging
import os
import time

from logto_emulator.seed import DEMO_CLIENTS, announce_demo_user, demo_state
from logto_emulator.server import EmulatorServer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m logto_emulator", description="Serve the Logto emulator (not Logto)."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3001)
    parser.add_argument(
        "--delay-ms",
        type=float,
        default=0.0,
        help="sleep before each answer (latency of a real Logto)",
    )
    parser.add_argument(
        "--app-port",
        type=int,
        default=int(os.environ.get("DEMO_PORT", "8000")),
        help="port of the app whose redirect URIs to register",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="answer clients on other machines too (by default: this machine only)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    server = EmulatorServer(
        demo_state(port=args.app_port),
        host=args.host,
        port=args.port,
        delay_seconds=args.delay_ms / 1000,
        allow_remote=args.allow_remote or None,
    )
    server.start()
    print(
        f"Logto emulator at {server.url} (web app {DEMO_CLIENTS.web_app_id}, M2M app {DEMO_CLIENTS.m2m_app_id})",
        flush=True,
    )
    announce_demo_user()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
