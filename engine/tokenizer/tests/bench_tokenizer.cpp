// Our tokenizer's throughput on one text, single thread: best of `runs` encodes of the whole text.
//   tokenizer_bench tokenizer.json text.txt [runs=3]
#include "engine/tokenizer/tokenizer.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>

int main(int argc, char** argv) {
    if (argc < 3) {
        fmt::print(stderr, "usage: {} tokenizer.json text.txt [runs]\n", argv[0]);
        return 2;
    }
    try {
        const smol::tokenizer tok = smol::tokenizer::load(argv[1]);
        std::ifstream in(argv[2], std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const int runs = argc > 3 ? std::stoi(argv[3]) : 3;
        double best = 1e30, best_cpu = 1e30;
        std::vector<int32_t> ids;
        for (int r = 0; r < runs; ++r) {
            const auto t0 = std::chrono::steady_clock::now();
            const std::clock_t c0 = std::clock();
            ids = tok.encode(text, true);  // as HF's encode: special-token text parsed
            best_cpu = std::min(best_cpu, double(std::clock() - c0) / CLOCKS_PER_SEC);
            best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        }
        uint32_t h = 2166136261u;
        for (int32_t id : ids) h = (h ^ uint32_t(id)) * 16777619u;
        const double mb = double(text.size()) / 1e6;
        fmt::print("smol tokenizer: {:.1f} MB, {} tokens, {:.2f} MB/s wall, {:.2f} MB/s CPU (best of {}), ids fnv {:x}\n",
                   mb, ids.size(), mb / best, mb / best_cpu, runs, h);
    } catch (const std::exception& e) {
        fmt::print(stderr, "error: {}\n", e.what());
        return 1;
    }
}
