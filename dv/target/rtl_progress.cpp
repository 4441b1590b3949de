#include "dv/target/rtl_progress.h"

#include <fmt/format.h>

#include <cstdio>

namespace smol::rtl {

namespace {

double since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// 12345678 -> "12.3M"
std::string short_count(double v) {
    if (v >= 1e9) return fmt::format("{:.2f}G", v / 1e9);
    if (v >= 1e6) return fmt::format("{:.1f}M", v / 1e6);
    if (v >= 1e4) return fmt::format("{:.0f}k", v / 1e3);
    return fmt::format("{:.0f}", v);
}

}  // namespace

progress_line::progress_line(std::string label, double after_seconds, double every_seconds)
    : label_(std::move(label)), after_(after_seconds), every_(every_seconds), start_(std::chrono::steady_clock::now()),
      next_(start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                         std::chrono::duration<double>(after_seconds))) {}

void progress_line::update(uint64_t cycles, uint64_t instructions) {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_) return;
    next_ = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(every_));
    print(cycles, instructions, "");
}

void progress_line::finish(uint64_t cycles, uint64_t instructions) {
    if (printed_) print(cycles, instructions, " (done)");
}

void progress_line::print(uint64_t cycles, uint64_t instructions, const char* tail) {
    const double secs = since(start_);
    const double rate = secs > 0 ? double(cycles) / secs : 0.0;
    std::string eta;
    if (expected_ > cycles && rate > 0) eta = fmt::format(", ETA {:.0f} s", double(expected_ - cycles) / rate);
    fmt::print(stderr, "{}: {} cycles, {} instructions, {} cycles/s, {:.0f} s{}{}\n", label_, short_count(double(cycles)),
               short_count(double(instructions)), short_count(rate), secs, eta, tail);
    std::fflush(stderr);
    printed_ = true;
}

}  // namespace smol::rtl
