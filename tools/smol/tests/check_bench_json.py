"""Reads `smol bench --json` (-t 1,2 --pp 8,16 --tg 4 -r 2) on stdin and checks that every figure is there
and sane. Never checks a speed against a threshold: timing is not asserted in tests."""
import json
import math
import sys

doc = json.load(sys.stdin)
for key in ("model", "quant", "simd", "load_seconds", "first_eval_seconds", "model_bytes", "weight_bytes_per_token",
            "kv_cache_bytes", "peak_rss_bytes", "rss_budget_bytes", "repetitions", "cpu_threads", "cpu_features",
            "last_level_cache_bytes", "bandwidth_buffer_bytes", "cache_bandwidth_buffer_bytes"):
    assert key in doc, f"missing {key}"
assert doc["repetitions"] == 2
assert 0 < doc["weight_bytes_per_token"] <= doc["model_bytes"], doc
assert [r["threads"] for r in doc["runs"]] == [1, 2], doc["runs"]
for run in doc["runs"]:
    for test in ("pp8", "pp16", "tg4"):
        s = run[test]
        assert len(s["samples"]) == 2 and all(x > 0 and math.isfinite(x) for x in s["samples"]), (test, s)
        assert abs(s["mean"] - sum(s["samples"]) / 2) <= 1e-9 * s["mean"], (test, s)
    for key in ("bandwidth_gb_s", "cache_bandwidth_gb_s", "decode_bound_tok_s", "cache_decode_bound_tok_s",
                "fraction_of_bound"):
        assert run[key] > 0, (key, run)
print("ok")
