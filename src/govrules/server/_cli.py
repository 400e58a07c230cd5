"""`govrules serve`: the command's options (`add_parser`) and the command (`run`), kept out of
govrules' own command line, which only calls `add_parser` from `build_parser()`.

With `--workers N` (N > 1), a supervisor process holds the socket and N worker processes answer;
SIGHUP to the supervisor is passed on to every worker, and each reloads its rulebook in place (a
worker whose new rulebook fails keeps its old one), so no worker restarts and no request is cut.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

ENV = "GOVRULES_SERVE"  # the settings handed to worker processes (they start afresh: spawn)


def add_parser(sub: Any) -> None:
    """Add `serve` to govrules' subcommands."""
    p = sub.add_parser(
        "serve",
        help="the HTTP decision service and its playground (needs govrules[server])",
        description="Serve decisions over HTTP: /v1/decisions, /v1/decisions:batch, /v1/audits, "
        "the rulebook's jurisdictions, articles and checklists, /healthz, /readyz, /metrics, "
        "/docs, and the playground at /. SIGHUP reloads the rulebook.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--rules", action="append", help="overlay rule files or folders")
    p.add_argument("--rulebook", help="a rulebook folder instead of the bundled one")
    p.add_argument(
        "--token-file",
        help="a file holding the bearer token every /v1 request must send; also turns on POST /v1/admin/reload",
    )
    p.add_argument("--decision-log", help="append every decision to this JSON Lines file")
    p.add_argument(
        "--max-body", type=int, default=16 * 1024 * 1024, help="largest request body, bytes (default 16 MiB)"
    )
    p.add_argument("--max-batch", type=int, default=10_000, help="most actions in one batch (default 10000)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds a request may take (default 30)")
    p.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        help="an origin browsers may call from (repeat; default none: CORS off)",
    )
    p.add_argument("--access-log", action="store_true", help="log every request (default: off)")
    p.set_defaults(func=run)


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    token = None
    if args.token_file:
        try:
            token = Path(args.token_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise SystemExit(f"govrules serve: --token-file {args.token_file}: cannot read: {exc}") from None
        if not token:
            raise SystemExit(f"govrules serve: --token-file {args.token_file}: empty")
    for name in ("max_body", "max_batch", "workers"):
        if getattr(args, name) < 1:
            raise SystemExit(f"govrules serve: --{name.replace('_', '-')} must be at least 1")
    if not args.timeout > 0:
        raise SystemExit("govrules serve: --timeout must be more than 0")
    return {
        "rulebook": args.rulebook,
        "rules": args.rules or [],
        "token": token,
        "decision_log": str(Path(args.decision_log).resolve()) if args.decision_log else None,
        "max_body": args.max_body,
        "max_batch": args.max_batch,
        "timeout": args.timeout,
        "cors_origins": args.cors_origin,
    }


def _app(settings: dict[str, Any], initial: Any = None, supervisor: int | None = None) -> Any:
    from ._app import Limits, create_app
    from ._rulebook import rulebook_loader

    def tell_siblings() -> None:  # the supervisor passes SIGHUP on to every worker, this one included
        if supervisor is not None:
            os.kill(supervisor, signal.SIGHUP)

    return create_app(
        rulebook_loader(settings["rulebook"], settings["rules"]),
        initial=initial,
        limits=Limits(settings["max_body"], settings["max_batch"], settings["timeout"]),
        token=settings["token"],
        decision_log=settings["decision_log"],
        cors_origins=settings["cors_origins"],
        sighup=True,
        on_reloaded=tell_siblings if supervisor is not None else None,
    )


def app_from_env() -> Any:
    """The app of one worker process (uvicorn's factory), from the settings its supervisor left in the
    environment."""
    settings = json.loads(os.environ[ENV])
    return _app(settings, supervisor=settings["supervisor"])


def run(args: argparse.Namespace) -> int:
    """Load the rulebook (a bad one stops here, with every error, exit 2), then serve until SIGINT or SIGTERM."""
    try:
        import uvicorn

        from ._rulebook import rulebook_loader
    except ImportError as exc:
        print(
            f"govrules serve needs the server extra: pip install 'govrules[server]' ({exc.name} is missing)",
            file=sys.stderr,
        )
        return 2
    settings = _settings(args)
    initial = rulebook_loader(settings["rulebook"], settings["rules"])()  # RulebookError: govrules prints it
    import copy

    from uvicorn.config import LOGGING_CONFIG

    log_config = copy.deepcopy(LOGGING_CONFIG)  # the service's own lines (reloads, failures) beside uvicorn's
    log_config["loggers"]["govrules.server"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    common: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "access_log": args.access_log,
        "log_config": log_config,
        "server_header": False,
        "timeout_graceful_shutdown": 30,
        "log_level": "info",
    }
    if args.workers == 1:
        uvicorn.run(_app(settings, initial), **common)
        return 0
    from uvicorn.supervisors.multiprocess import Multiprocess

    class Supervisor(Multiprocess):
        def handle_hup(self) -> None:  # reload in place in every worker, rather than uvicorn's restart
            for process in self.processes:
                if process.pid is not None:
                    os.kill(process.pid, signal.SIGHUP)

    os.environ[ENV] = json.dumps({**settings, "supervisor": os.getpid()})
    config = uvicorn.Config("govrules.server._cli:app_from_env", factory=True, workers=args.workers, **common)
    sock = config.bind_socket()
    try:
        Supervisor(config, sockets=[sock]).run()
    finally:
        sock.close()
    return 0
