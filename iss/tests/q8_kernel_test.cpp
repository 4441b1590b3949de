// Differential test of the two Q8 MAC kernels (AVX2+FMA vs portable std::fma) on seeded random inputs,
// including NaN, infinities, subnormals and counts that are not multiples of 16; plus a hand-checked case.
#include "iss/src/q8_kernel.h"

#include "isa/generated/smol32_isa.h"
#include "iss/src/machine.h"
#include "iss/src/trace.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <random>
#include <vector>

namespace {
using namespace smol::iss;

uint32_t special(std::mt19937& rng) {
    static const uint32_t values[] = {0x7f800000u, 0xff800000u, 0x7fc00000u, 0xffc01234u, 0x7f800001u,
                                      0x00000001u, 0x807fffffu, 0x00400000u, 0x80000000u, 0x7f7fffffu};
    return values[rng() % (sizeof values / sizeof values[0])];
}

TEST(q8_kernel, avx2_and_portable_agree_bit_for_bit) {
    if (!cpu_has_avx2_fma()) GTEST_SKIP() << "host has no AVX2+FMA";
    std::mt19937 rng(20240611);
    for (int trial = 0; trial < 3000; ++trial) {
        uint64_t n = trial % 7 == 0 ? rng() % 40 : 16 * (1 + rng() % 8);
        std::vector<int8_t> w(n);
        std::vector<uint32_t> a(n);
        for (auto& x : w) x = static_cast<int8_t>(rng());
        bool specials = trial % 5 == 0;
        for (auto& x : a) {
            if (specials && rng() % 8 == 0) {
                x = special(rng);
            } else {
                // wide exponent range so that sums overflow, cancel and go subnormal
                int exp_bits = trial % 3 == 0 ? 1 + rng() % 254 : 100 + rng() % 50;
                x = (rng() & 0x807fffffu) | (static_cast<uint32_t>(exp_bits) << 23);
            }
        }
        float acc0[16], acc1[16];
        for (int l = 0; l < 16; ++l) {
            uint32_t bits = specials && rng() % 8 == 0 ? special(rng) : (rng() & 0x807fffffu) | (120u << 23);
            acc0[l] = acc1[l] = std::bit_cast<float>(bits);
        }
        const auto* ab = reinterpret_cast<const uint8_t*>(a.data());
        q8_mac_portable(acc0, w.data(), ab, n);
        q8_mac_avx2(acc1, w.data(), ab, n);
        for (int l = 0; l < 16; ++l)
            ASSERT_EQ(std::bit_cast<uint32_t>(acc0[l]), std::bit_cast<uint32_t>(acc1[l]))
                << "trial " << trial << " n " << n << " lane " << l;
    }
}

TEST(q8_kernel, hand_checked_lanes) {
    // 48 elements: lane l gets w = l+1, l+17, l+33 with activation 0.25 each -> (3l + 51) / 4.
    int8_t w[48];
    uint32_t a[48];
    for (int j = 0; j < 48; ++j) {
        w[j] = static_cast<int8_t>(j + 1);
        a[j] = 0x3e800000u;  // 0.25
    }
    for (q8_mac_fn fn : {q8_mac_portable, q8_mac_best()}) {
        float acc[16] = {};
        fn(acc, w, reinterpret_cast<const uint8_t*>(a), 48);
        for (int l = 0; l < 16; ++l) EXPECT_EQ(acc[l], (3 * l + 51) / 4.0f) << l;
    }
    // NaN lanes come out canonical: inf * 0 in lane 3.
    for (q8_mac_fn fn : {q8_mac_portable, q8_mac_best()}) {
        float acc[16] = {};
        int8_t w0[16] = {};
        uint32_t a0[16] = {};
        a0[3] = 0x7f800000u;
        fn(acc, w0, reinterpret_cast<const uint8_t*>(a0), 16);
        EXPECT_EQ(std::bit_cast<uint32_t>(acc[3]), 0x7fc00000u);
        EXPECT_EQ(std::bit_cast<uint32_t>(acc[4]), 0u);
    }
}

}  // namespace

// Lockstep: the same random Q8/vector program (block-scaled MACs included) on two machines, one per kernel; the commit logs must be
// identical line by line (first mismatch reported with both lines).

namespace {
using smol::isa::opcode;

uint32_t encode_or_die(opcode op, std::vector<int64_t> ops) {
    auto bits = smol::isa::encode(op, ops);
    EXPECT_TRUE(bits.has_value());
    return bits.value_or(0);
}

TEST(q8_kernel, lockstep_machines_with_each_kernel_agree) {
    if (!cpu_has_avx2_fma()) GTEST_SKIP() << "host has no AVX2+FMA";
    std::mt19937 rng(99);
    auto pick = [&](int64_t n) { return static_cast<int64_t>(rng() % n); };
    for (int trial = 0; trial < 20; ++trial) {
        machine a(uint64_t{1} << 20, q8_mac_avx2), b(uint64_t{1} << 20, q8_mac_portable);
        // data: random weights at 0x10000, random activations (some special) at 0x40000
        std::vector<uint8_t> data(0x30000 + 4 * 0x4000);
        for (auto& byte : data) byte = static_cast<uint8_t>(rng());
        for (size_t i = 0x30000; i + 4 <= data.size(); i += 4) {
            uint32_t v = (rng() & 0x807fffffu) | ((100u + rng() % 60) << 23);
            if (rng() % 50 == 0) v = special(rng);
            std::memcpy(&data[i], &v, 4);
        }
        std::vector<uint32_t> prog;
        auto li = [&](unsigned r, uint32_t v) {
            prog.push_back(encode_or_die(opcode::lui, {r, v >> 16}));
            prog.push_back(encode_or_die(opcode::ori, {r, r, v & 0xffff}));
        };
        li(1, 0x10000);
        li(2, 0x40000);
        prog.push_back(encode_or_die(opcode::qsetbase, {1}));
        prog.push_back(encode_or_die(opcode::fsetbase, {2}));
        prog.push_back(encode_or_die(opcode::acczero, {}));
        for (int k = 0; k < 200; ++k) {
            switch (rng() % 7) {
            case 0: prog.push_back(encode_or_die(opcode::q8macinc, {int64_t{16} << pick(3)})); break;
            case 1: prog.push_back(encode_or_die(opcode::q8mac, {int64_t{16} << pick(3)})); break;
            case 2:
                li(3, static_cast<uint32_t>(pick(100)));
                prog.push_back(encode_or_die(opcode::q8macn, {3}));
                break;
            case 3: prog.push_back(encode_or_die(opcode::accread, {1 + pick(31)})); break;
            case 5: case 6:  // block-scaled MACs over the random bytes (scales include inf, NaN, subnormal halves)
                li(3, static_cast<uint32_t>(pick(4)));
                prog.push_back(encode_or_die(rng() % 2 ? opcode::q8bmacn : opcode::q4bmacn, {3}));
                break;
            default:
                prog.push_back(encode_or_die(opcode::vq8mac, {pick(8), pick(32)}));
                break;
            }
        }
        prog.push_back(encode_or_die(opcode::halt, {}));
        for (machine* m : {&a, &b}) {
            m->mem().write(0x10000, data.data(), data.size());
            m->mem().write(0x1000, prog.data(), prog.size() * 4);
            m->reset(0x1000);
        }
        std::vector<std::string> log_a, log_b;
        a.set_commit_hook([&](const commit_record& r) { log_a.push_back(format_commit(r)); });
        b.set_commit_hook([&](const commit_record& r) { log_b.push_back(format_commit(r)); });
        auto ra = a.run(100000), rb = b.run(100000);
        EXPECT_EQ(ra.reason, rb.reason);
        ASSERT_EQ(log_a.size(), log_b.size());
        for (size_t i = 0; i < log_a.size(); ++i)
            ASSERT_EQ(log_a[i], log_b[i]) << "trial " << trial << " first mismatch at instruction " << i + 1;
    }
}

}  // namespace
