#include "common/error.h"
#include "engine/src/thread_pool.h"

#include <atomic>
#include <gtest/gtest.h>
#include <vector>

namespace {

TEST(thread_pool, parallel_for_covers_every_index_exactly_once) {
    for (int32_t threads : {1, 2, 3, 7}) {
        smol::thread_pool pool(threads);
        for (int64_t n : {0, 1, 2, 5, 8, 9, 63, 64, 65, 1000, 49152}) {
            for (int64_t align : {1, 4, 8}) {
                std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
                std::atomic<bool> aligned{true}, thread_in_range{true};
                pool.parallel_for(n, align, [&](int64_t begin, int64_t end, int32_t thread) {
                    if (begin % align != 0) aligned = false;
                    if (thread < 0 || thread >= threads) thread_in_range = false;
                    for (int64_t i = begin; i < end; ++i) hits[size_t(i)].fetch_add(1);
                });
                EXPECT_TRUE(aligned);
                EXPECT_TRUE(thread_in_range);
                for (int64_t i = 0; i < n; ++i)
                    ASSERT_EQ(hits[size_t(i)].load(), 1) << "threads " << threads << " n " << n << " align " << align << " i " << i;
            }
        }
    }
}

// Many short jobs back to back, as a decode step runs them, their chunk counts going up and down (a thread
// late from one job must not claim a chunk of it against the next job's count): each chunk of each job
// runs once, no chunk index is out of range, and a job's results are all visible when run_chunks returns.
TEST(thread_pool, back_to_back_jobs_run_every_chunk_once) {
    for (int32_t threads : {2, 4}) {
        smol::thread_pool pool(threads);
        std::vector<int64_t> counts(64, 0);
        std::atomic<int64_t> out_of_range{0};
        int64_t expected[64] = {};
        for (int round = 0; round < 20000; ++round) {
            const int64_t n = round % 2 ? 64 - round % 61 : 1 + round % 5;
            pool.run_chunks(n, [&](int64_t chunk, int32_t) {
                if (chunk < 0 || chunk >= n) out_of_range.fetch_add(1);
                else ++counts[size_t(chunk)];
            });
            for (int64_t c = 0; c < n; ++c) ++expected[c];
        }
        EXPECT_EQ(out_of_range.load(), 0);
        for (int64_t c = 0; c < 64; ++c) EXPECT_EQ(counts[size_t(c)], expected[c]) << "chunk " << c << ", " << threads << " threads";
    }
}

TEST(thread_pool, chunk_rows_are_aligned_and_cover_the_rows) {
    smol::thread_pool pool(2);
    for (int64_t n : {1, 7, 8, 100, 576, 49152})
        for (int64_t align : {1, 8}) {
            const int64_t rows = pool.chunk_rows(n, align);
            EXPECT_EQ(rows % align, 0);
            EXPECT_GE(rows, 1);
        }
}

TEST(thread_pool, rejects_thread_counts_out_of_range) {
    EXPECT_THROW(smol::thread_pool(0), smol::error);
    EXPECT_THROW(smol::thread_pool(smol::thread_pool::max_threads + 1), smol::error);
}

}  // namespace
