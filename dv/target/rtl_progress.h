#pragma once
// A progress line on stderr for long RTL simulations: cycles, instructions, simulated cycles/s, and an ETA
// when the run's length is known in advance. Quiet for the first `after_seconds`, so short runs (tests,
// small programs) print nothing; then one line every `every_seconds`.
#include <chrono>
#include <cstdint>
#include <string>

namespace smol::rtl {

class progress_line {
public:
    explicit progress_line(std::string label, double after_seconds = 5, double every_seconds = 10);

    // The run is expected to take about `cycles` cycles in all (0: unknown, no ETA).
    void expect(uint64_t cycles) { expected_ = cycles; }
    // Cycles and instructions so far in this run; prints when a line is due.
    void update(uint64_t cycles, uint64_t instructions);
    // Ends the run: a last line if any was printed.
    void finish(uint64_t cycles, uint64_t instructions);

private:
    void print(uint64_t cycles, uint64_t instructions, const char* tail);

    std::string label_;
    double after_, every_;
    uint64_t expected_ = 0;
    std::chrono::steady_clock::time_point start_, next_;
    bool printed_ = false;
};

}  // namespace smol::rtl
