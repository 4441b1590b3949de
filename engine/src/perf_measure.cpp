#include "engine/src/perf_measure.h"

#include "common/mapped_file.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <string>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <vector>

namespace smol {

namespace {

int64_t matrix_bytes(const matrix_view& m) {
    return int64_t(m.rows) * m.row_bytes() + int64_t(m.scale_count) * int64_t(sizeof(float));
}

// Four independent sums so the loads, not one add chain, set the pace; the result is kept so the compiler
// cannot drop the reads.
uint64_t sum_words(const uint64_t* p, int64_t n) {
    uint64_t a = 0, b = 0, c = 0, d = 0;
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a += p[i];
        b += p[i + 1];
        c += p[i + 2];
        d += p[i + 3];
    }
    for (; i < n; ++i) a += p[i];
    return a + b + c + d;
}

}  // namespace

int64_t decode_weight_bytes(const model_weights& w) {
    const model_config& c = w.config;
    const int64_t norm = int64_t(c.hidden_size) * int64_t(sizeof(float));
    int64_t bytes = matrix_bytes(w.lm_head) + norm;
    bytes += matrix_bytes(w.embed) / w.embed.rows;
    for (const layer_weights& l : w.layers)
        for (const matrix_view* m : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) bytes += matrix_bytes(*m);
    return bytes + int64_t(c.n_layers) * 2 * norm;
}

int64_t matrix_cache_bytes(const model_weights& w) {
    std::vector<const matrix_cache*> seen;
    int64_t bytes = 0;
    auto add = [&](const matrix_view& m) {
        if (!m.cache || std::find(seen.begin(), seen.end(), m.cache.get()) != seen.end()) return;
        seen.push_back(m.cache.get());
        bytes += m.cache->data ? m.cache->bytes : 0;
    };
    add(w.embed);
    add(w.lm_head);
    for (const layer_weights& l : w.layers)
        for (const matrix_view* m : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) add(*m);
    return bytes;
}

int64_t kv_cache_bytes(const model_config& c, int32_t context) {
    return 2 * int64_t(sizeof(float)) * c.n_layers * int64_t(context) * c.kv_dim();
}

double memory_read_bandwidth(thread_pool& pool, int64_t buffer_bytes, int32_t repetitions) {
    anonymous_buffer buffer{static_cast<size_t>(buffer_bytes)};
    const int64_t words = buffer_bytes / int64_t(sizeof(uint64_t));
    auto* data = reinterpret_cast<uint64_t*>(buffer.data());
    // Each thread writes its own share first, so the pages are resident (and local to it) before timing.
    pool.parallel_for(words, 4096, [&](int64_t begin, int64_t end, int32_t) {
        std::memset(data + begin, 1, size_t(end - begin) * 8);
    });
    std::vector<uint64_t> sums(size_t(pool.size()));
    std::vector<double> rates;
    for (int32_t pass = 0; pass <= repetitions; ++pass) {
        auto start = std::chrono::steady_clock::now();
        pool.parallel_for(words, 4096, [&](int64_t begin, int64_t end, int32_t thread) {
            sums[size_t(thread)] += sum_words(data + begin, end - begin);
        });
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (pass > 0) rates.push_back(double(buffer_bytes) / seconds);
    }
    return *std::max_element(rates.begin(), rates.end());
}

int64_t last_level_cache_bytes() {
    // /sys/devices/system/cpu/cpu0/cache/index*/size ("32768K"): the caches this CPU's cores reach. glibc's
    // sysconf can report the whole package's L3 instead (320 MiB for one 32 MiB CCD slice of an EPYC), so it
    // is only the fallback.
    int64_t largest = 0;
    for (int index = 0; index < 8; ++index) {
        std::ifstream in(fmt::format("/sys/devices/system/cpu/cpu0/cache/index{}/size", index));
        int64_t value = 0;
        std::string unit;
        if (!(in >> value)) continue;
        in >> unit;
        const int64_t scale = unit == "K" ? 1024 : unit == "M" ? 1024 * 1024 : unit == "G" ? int64_t(1) << 30 : 1;
        largest = std::max(largest, value * scale);
    }
#if defined(_SC_LEVEL3_CACHE_SIZE)
    if (largest == 0) largest = std::max<int64_t>({0, sysconf(_SC_LEVEL3_CACHE_SIZE), sysconf(_SC_LEVEL2_CACHE_SIZE)});
#endif
    return largest;
}

int64_t peak_rss_bytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return int64_t(usage.ru_maxrss) * 1024;
}

}  // namespace smol
