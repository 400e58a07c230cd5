"""The service's counters in the Prometheus text format (version 0.0.4), kept by hand: four metric
families do not call for a client library. Each worker process counts its own requests; the
`worker` label (its process id) tells them apart when `--workers` is more than one."""

from __future__ import annotations

import os
import threading
from collections import defaultdict

# Seconds; a single decision takes well under a millisecond in process, a batch of 10,000 a second or two.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def _labels(**kv: str) -> str:
    body = ",".join(f'{k}="{_escape(v)}"' for k, v in kv.items())
    return "{" + body + "}"


def _escape(v: str) -> str:
    return v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class Metrics:
    """Requests by route and status, decisions by verdict, latency by route, reloads by result."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str, str], int] = defaultdict(int)
        self.decisions: dict[str, int] = defaultdict(int)
        self.reloads: dict[str, int] = defaultdict(int)
        self.latency: dict[str, list[int]] = {}
        self.latency_sum: dict[str, float] = defaultdict(float)
        self.worker = str(os.getpid())

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(method, route, str(status))] += 1
            counts = self.latency.setdefault(route, [0] * (len(BUCKETS) + 1))
            i = next((i for i, b in enumerate(BUCKETS) if seconds <= b), len(BUCKETS))
            counts[i] += 1
            self.latency_sum[route] += seconds

    def decided(self, verdicts: dict[str, int]) -> None:
        with self._lock:
            for verdict, n in verdicts.items():
                self.decisions[verdict] += n

    def reloaded(self, ok: bool) -> None:
        with self._lock:
            self.reloads["ok" if ok else "failed"] += 1

    def render(self, digest: str, loaded_at: float) -> str:
        w = self.worker
        out = [
            "# HELP govrules_http_requests_total HTTP requests answered, by method, route and status.",
            "# TYPE govrules_http_requests_total counter",
        ]
        with self._lock:
            for (method, route, status), n in sorted(self.requests.items()):
                labels = _labels(method=method, route=route, status=status, worker=w)
                out.append(f"govrules_http_requests_total{labels} {n}")
            out += [
                "# HELP govrules_decisions_total Actions judged, by verdict.",
                "# TYPE govrules_decisions_total counter",
            ]
            for verdict in ("allowed", "conditional", "denied", "error"):
                out.append(f"govrules_decisions_total{_labels(verdict=verdict, worker=w)} {self.decisions[verdict]}")
            out += [
                "# HELP govrules_request_duration_seconds Time to answer a request, by route.",
                "# TYPE govrules_request_duration_seconds histogram",
            ]
            for route, counts in sorted(self.latency.items()):
                running = 0
                for b, n in zip((*BUCKETS, float("inf")), counts, strict=True):
                    running += n
                    le = "+Inf" if b == float("inf") else repr(b)
                    out.append(
                        f"govrules_request_duration_seconds_bucket{_labels(route=route, le=le, worker=w)} {running}"
                    )
                total = self.latency_sum[route]
                out.append(f"govrules_request_duration_seconds_sum{_labels(route=route, worker=w)} {total:.6f}")
                out.append(f"govrules_request_duration_seconds_count{_labels(route=route, worker=w)} {running}")
            out += [
                "# HELP govrules_rulebook_reloads_total Reloads of the rulebook, by result.",
                "# TYPE govrules_rulebook_reloads_total counter",
            ]
            for result in ("ok", "failed"):
                out.append(f"govrules_rulebook_reloads_total{_labels(result=result, worker=w)} {self.reloads[result]}")
        out += [
            "# HELP govrules_rulebook_info The rulebook answering: its digest (sha256 of the loaded files).",
            "# TYPE govrules_rulebook_info gauge",
            f"govrules_rulebook_info{_labels(digest=digest, worker=w)} 1",
            "# HELP govrules_rulebook_loaded_timestamp_seconds When the rulebook answering was loaded.",
            "# TYPE govrules_rulebook_loaded_timestamp_seconds gauge",
            f"govrules_rulebook_loaded_timestamp_seconds{_labels(worker=w)} {loaded_at:.3f}",
        ]
        return "\n".join(out) + "\n"
