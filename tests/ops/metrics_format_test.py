#!/usr/bin/python3
"""/metrics against a real Prometheus text-format parser (issue 18).

The relay's own tests read /metrics with a regular expression; this one hands it to the
parser Prometheus's Python client ships (Debian's python3-prometheus-client:
prometheus_client.parser.text_string_to_metric_families), which raises on anything the
text format does not allow. It starts the relay on a free loopback port with an empty
data directory, makes it do a little (an API key, an API read, health checks), scrapes,
and checks that every family parses with its declared type, that the families the
operations docs promise are there, and that each histogram is well formed (cumulative
buckets ending in +Inf equal to its count).

    tests/ops/metrics_format_test.py build/relay/parley-relay
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

EXPECTED = {  # family name (without _total) → type, per docs/operations.md "Metrics"
    "parley_connections": "gauge",
    "parley_frames_received": "counter",
    "parley_frames_sent": "counter",
    "parley_agents": "gauge",
    "parley_errors_sent": "counter",
    "parley_messages_stored": "counter",
    "parley_ack_seconds": "histogram",
    "parley_commit_batch_messages": "histogram",
    "parley_commit_seconds": "histogram",
    "parley_queued_conversations": "gauge",
    "parley_handoffs": "counter",
    "parley_webhook_deliveries": "counter",
    "parley_webhook_queue_length": "gauge",
    "parley_quality_flags": "counter",
    "parley_api_responses": "counter",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, token=None):
    req = urllib.request.Request(url)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.read().decode()


def main(relay):
    work = tempfile.mkdtemp(prefix="parley-metrics-")
    data = os.path.join(work, "data")
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    log = open(os.path.join(work, "relay.log"), "w")
    proc = subprocess.Popen([relay, "--data-dir", data, "--port", str(port), "--no-triage"],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):  # up to 10 s
            try:
                if get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise AssertionError("the relay did not answer /healthz: " + open(log.name).read())
        key = subprocess.run([relay, "--data-dir", data, "--create-api-key", "scraper", "--scope", "read"],
                             check=True, capture_output=True, text=True).stdout.splitlines()[0]
        status, body = get(base + "/api/v1/conversations", key)
        assert status == 200 and "conversations" in json.loads(body), body

        status, text = get(base + "/metrics")
        assert status == 200
        families = {f.name: f for f in text_string_to_metric_families(text)}  # raises on a bad line
        assert len(families) >= len(EXPECTED), sorted(families)
        for name, kind in EXPECTED.items():
            assert name in families, "missing %s; have %s" % (name, sorted(families))
            assert families[name].type == kind, "%s is %s, not %s" % (name, families[name].type, kind)
        for fam in families.values():
            assert fam.documentation, "%s has no HELP" % fam.name
            if fam.type != "histogram":
                continue
            series = {}
            for s in fam.samples:
                labels = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
                series.setdefault(labels, {"buckets": [], "count": None})
                if s.name.endswith("_bucket"):
                    series[labels]["buckets"].append((float(s.labels["le"]), s.value))
                elif s.name.endswith("_count"):
                    series[labels]["count"] = s.value
            for labels, h in series.items():
                b = sorted(h["buckets"])
                assert b and b[-1][0] == float("inf"), "%s%s has no +Inf bucket" % (fam.name, labels)
                assert all(x[1] <= y[1] for x, y in zip(b, b[1:])), "%s%s buckets not cumulative" % (fam.name, labels)
                assert b[-1][1] == h["count"], "%s%s: +Inf %s != count %s" % (fam.name, labels, b[-1][1], h["count"])
        api = [s for s in families["parley_api_responses"].samples if s.labels.get("code") == "2xx"]
        assert api and api[0].value >= 1, families["parley_api_responses"].samples
        print("ok: %d families parsed" % len(families))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1])
