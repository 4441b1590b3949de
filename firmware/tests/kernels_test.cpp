// Each firmware kernel called on its own (ra = host_return), against straightforward references computed
// here in double: the tails (lengths not multiples of 16, row counts around the 16-row blocks) and both
// scale schemes are exercised where the whole-model tests may not reach them.
#include "firmware/src/firmware_image.h"
#include "iss/src/loader.h"
#include "iss/src/machine.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <vector>

namespace {

using namespace smol::firmware;

constexpr uint32_t buf_a = 0x20000, buf_b = 0x40000, buf_c = 0x60000, buf_d = 0x80000;

class kernel_machine {
public:
    kernel_machine() { smol::iss::load_image(m_, std::as_bytes(firmware_code()), 0, "firmware"); }

    void put(uint32_t addr, const std::vector<float>& v) { m_.mem().write(addr, v.data(), v.size() * 4); }
    void put(uint32_t addr, const std::vector<int8_t>& v) { m_.mem().write(addr, v.data(), v.size()); }
    void put(uint32_t addr, const std::vector<uint8_t>& v) { m_.mem().write(addr, v.data(), v.size()); }
    std::vector<float> get(uint32_t addr, size_t n) {
        std::vector<float> v(n);
        m_.mem().read(addr, v.data(), n * 4);
        return v;
    }
    // Calls `kernel` with r10, r11, ... = args and f10 = f10; it must return to host_return.
    void call(const char* kernel, std::initializer_list<uint32_t> args, float f10 = 0) {
        m_.reset(symbol_address(kernel));
        m_.state().x[1] = symbol_address("host_return");
        unsigned r = 10;
        for (uint32_t a : args) m_.state().x[r++] = a;
        std::memcpy(&m_.state().f[10], &f10, 4);
        auto res = m_.run(100'000'000);
        ASSERT_EQ(res.reason, smol::iss::stop_reason::halted) << kernel << " stopped at " << locate(res.pc);
        ASSERT_EQ(res.pc, symbol_address("host_return")) << kernel;
    }

private:
    smol::iss::machine m_{1 << 20};
};

std::vector<float> ramp(size_t n, float scale, float offset = 0) {
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = offset + scale * float(int((i * 37 + 11) % 23) - 11);
    return v;
}

void expect_near_rel(const std::vector<float>& got, const std::vector<double>& want, double rel) {
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i)
        EXPECT_NEAR(got[i], want[i], rel * (std::fabs(want[i]) + 1e-3)) << "element " << i;
}

TEST(firmware_kernels, copy_and_add_are_exact) {
    for (uint32_t n : {1u, 16u, 37u}) {
        kernel_machine k;
        auto x = ramp(n, 0.5f), y = ramp(n, -0.25f, 1.0f);
        k.put(buf_a, x);
        k.put(buf_b, y);
        k.call("copy_f32", {buf_c, buf_a, n});
        EXPECT_EQ(k.get(buf_c, n), x);
        k.call("add_f32", {buf_a, buf_b, n});
        std::vector<float> sum(n);
        for (size_t i = 0; i < n; ++i) sum[i] = x[i] + y[i];
        EXPECT_EQ(k.get(buf_a, n), sum);
    }
}

TEST(firmware_kernels, silu_mul) {
    const uint32_t n = 45;
    kernel_machine k;
    auto g = ramp(n, 0.7f), u = ramp(n, 0.3f, 0.1f);
    k.put(buf_a, g);
    k.put(buf_b, u);
    k.call("silu_mul", {buf_a, buf_b, n});
    std::vector<double> want(n);
    for (size_t i = 0; i < n; ++i) want[i] = g[i] / (1.0 + std::exp(-double(g[i]))) * u[i];
    expect_near_rel(k.get(buf_a, n), want, 1e-6);
}

TEST(firmware_kernels, rmsnorm) {
    const uint32_t n = 50;
    kernel_machine k;
    auto x = ramp(n, 0.2f, 0.05f), w = ramp(n, 0.01f, 1.0f);
    k.put(buf_a, x);
    k.put(buf_b, w);
    k.call("rmsnorm", {buf_c, buf_a, buf_b, n}, 1e-5f);
    double ss = 0;
    for (float v : x) ss += double(v) * v;
    const double inv = 1.0 / std::sqrt(ss / n + 1e-5);
    std::vector<double> want(n);
    for (size_t i = 0; i < n; ++i) want[i] = w[i] * x[i] * inv;
    expect_near_rel(k.get(buf_c, n), want, 1e-6);
}

TEST(firmware_kernels, rope_rotates_each_head) {
    const uint32_t heads = 3, hd = 36, half = hd / 2;  // half = 18: a full chunk and a tail
    kernel_machine k;
    auto x = ramp(heads * hd, 0.3f);
    std::vector<float> c(half), s(half);
    for (uint32_t i = 0; i < half; ++i) c[i] = std::cos(0.1f * i), s[i] = std::sin(0.1f * i);
    k.put(buf_a, x);
    k.put(buf_b, c);
    k.put(buf_c, s);
    k.call("rope", {buf_a, heads, hd, buf_b, buf_c});
    std::vector<double> want(x.size());
    for (uint32_t h = 0; h < heads; ++h)
        for (uint32_t i = 0; i < half; ++i) {
            double a = x[h * hd + i], b = x[h * hd + i + half];
            want[h * hd + i] = a * c[i] - b * s[i];
            want[h * hd + i + half] = b * c[i] + a * s[i];
        }
    expect_near_rel(k.get(buf_a, x.size()), want, 1e-6);
}

// Row counts below, at and around the 16-row blocks; cols not a multiple of 16; both scale schemes.
TEST(firmware_kernels, matvec_q8_both_schemes) {
    for (uint32_t rows : {1u, 15u, 16u, 17u, 40u})
        for (uint32_t stride : {0u, 4u}) {
            const uint32_t cols = 23;
            kernel_machine k;
            std::vector<int8_t> w(size_t(rows) * cols);
            for (size_t i = 0; i < w.size(); ++i) w[i] = int8_t(int((i * 53 + 7) % 255) - 127);
            auto in = ramp(cols, 0.1f, 0.02f);
            auto scales = ramp(stride ? rows : 1, 0.001f, 0.02f);
            k.put(buf_a, w);
            k.put(buf_b, in);
            k.put(buf_c, scales);
            k.call("matvec_q8", {buf_d, buf_b, buf_a, buf_c, rows, cols, stride});
            std::vector<double> want(rows);
            for (uint32_t r = 0; r < rows; ++r) {
                double acc = 0;
                for (uint32_t j = 0; j < cols; ++j) acc += double(w[size_t(r) * cols + j]) * in[j];
                want[r] = acc * scales[stride ? r : 0];
            }
            SCOPED_TRACE(testing::Message() << "rows " << rows << " stride " << stride);
            expect_near_rel(k.get(buf_d, rows), want, 1e-5);
        }
}

// fp32 weights: row counts around the 4-row blocks, cols around the 16 lanes (0 included: all sums +0).
TEST(firmware_kernels, matvec_f32_rows_and_cols) {
    for (uint32_t rows : {1u, 3u, 4u, 5u, 11u})
        for (uint32_t cols : {0u, 1u, 16u, 23u, 64u}) {
            kernel_machine k;
            std::vector<float> w(size_t(rows) * cols);
            for (size_t i = 0; i < w.size(); ++i) w[i] = float(int((i * 53 + 7) % 255) - 127) / 64.0f;
            auto in = ramp(cols, 0.1f, 0.02f);
            k.put(buf_a, w);
            k.put(buf_b, in);
            k.call("matvec_f32", {buf_d, buf_b, buf_a, 0, rows, cols, 0});
            std::vector<double> want(rows);
            for (uint32_t r = 0; r < rows; ++r)
                for (uint32_t j = 0; j < cols; ++j) want[r] += double(w[size_t(r) * cols + j]) * in[j];
            SCOPED_TRACE(testing::Message() << "rows " << rows << " cols " << cols);
            expect_near_rel(k.get(buf_d, rows), want, 1e-5);
        }
}

TEST(firmware_kernels, embed_f32_copies_one_row) {
    const uint32_t vocab = 5, cols = 21;
    kernel_machine k;
    auto w = ramp(vocab * cols, -1.0f, 0.01f);
    k.put(buf_a, w);
    k.call("embed_f32", {buf_c, buf_a, 0, 3, cols});
    EXPECT_EQ(k.get(buf_c, cols), std::vector<float>(w.begin() + 3 * cols, w.begin() + 4 * cols));
}

TEST(firmware_kernels, embed_q8_dequantizes_one_row_exactly) {
    const uint32_t vocab = 5, cols = 21;
    for (uint32_t stride : {0u, 4u}) {
        kernel_machine k;
        std::vector<int8_t> w(vocab * cols);
        for (size_t i = 0; i < w.size(); ++i) w[i] = int8_t(int(i * 29 % 255) - 127);
        auto scales = ramp(vocab, 0.001f, 0.03f);
        k.put(buf_a, w);
        k.put(buf_b, scales);
        k.call("embed_q8", {buf_c, buf_a, buf_b, 3, cols, stride});
        std::vector<float> want(cols);
        for (uint32_t j = 0; j < cols; ++j) want[j] = float(w[3 * cols + j]) * scales[stride ? 3 : 0];
        EXPECT_EQ(k.get(buf_c, cols), want);
    }
}

// llama.cpp blocks, built here: the scale halves decoded by IEEE binary16's definition (normal and subnormal).
double half_value(uint16_t h) {
    const int e = (h >> 10) & 31, m = h & 0x3ff;
    const double v = e == 0 ? std::ldexp(double(m), -24) : std::ldexp(1.0 + m / 1024.0, e - 15);
    return (h & 0x8000) ? -v : v;
}

struct block_tensor {
    bool q4 = false;
    uint32_t rows = 0, cols = 0;
    std::vector<uint8_t> bytes;
    std::vector<int32_t> codes;   // rows x cols
    std::vector<double> scale;    // rows x cols/32
    uint32_t block_bytes() const { return q4 ? 18 : 34; }
};

// Codes from a fixed pattern covering the whole range; scales from `halves` in turn.
block_tensor make_blocks(bool q4, uint32_t rows, uint32_t cols, const std::vector<uint16_t>& halves) {
    block_tensor t{q4, rows, cols, {}, std::vector<int32_t>(size_t(rows) * cols), {}};
    size_t n = 0;
    for (uint32_t r = 0; r < rows; ++r)
        for (uint32_t b = 0; b < cols / 32; ++b, ++n) {
            const uint16_t h = halves[n % halves.size()];
            t.scale.push_back(half_value(h));
            t.bytes.push_back(uint8_t(h & 0xff));
            t.bytes.push_back(uint8_t(h >> 8));
            int32_t* c = &t.codes[size_t(r) * cols + 32 * b];
            for (int k = 0; k < 32; ++k) c[k] = q4 ? int((n * 7 + k * 5) % 16) - 8 : int((n * 31 + k * 53) % 256) - 128;
            if (q4)
                for (int j = 0; j < 16; ++j) t.bytes.push_back(uint8_t((c[j] + 8) | ((c[j + 16] + 8) << 4)));
            else
                for (int k = 0; k < 32; ++k) t.bytes.push_back(uint8_t(int8_t(c[k])));
        }
    return t;
}

// Block matrices in place: rows around the 16-row groups, 1 and 3 blocks per row, both formats.
TEST(firmware_kernels, matvec_block_formats) {
    const std::vector<uint16_t> halves = {0x2a3c, 0xa51f, 0x1c00, 0x3001, 0x9e66};
    for (bool q4 : {false, true})
        for (uint32_t rows : {1u, 15u, 16u, 17u, 40u})
            for (uint32_t cols : {32u, 96u}) {
                kernel_machine k;
                block_tensor t = make_blocks(q4, rows, cols, halves);
                auto in = ramp(cols, 0.1f, 0.02f);
                k.put(buf_a + 1, t.bytes);  // odd address: blocks are byte-aligned
                k.put(buf_b, in);
                k.call(q4 ? "matvec_q4_0" : "matvec_q8_0", {buf_d, buf_b, buf_a + 1, 0, rows, cols, 4});
                std::vector<double> want(rows);
                for (uint32_t r = 0; r < rows; ++r)
                    for (uint32_t j = 0; j < cols; ++j)
                        want[r] += t.codes[size_t(r) * cols + j] * t.scale[size_t(r) * (cols / 32) + j / 32] * in[j];
                SCOPED_TRACE(testing::Message() << (q4 ? "q4_0" : "q8_0") << " rows " << rows << " cols " << cols);
                expect_near_rel(k.get(buf_d, rows), want, 1e-5);
            }
}

// A q8_0 / q4_0 file's tensor whose rows are not whole blocks is int8 with row scales: a non-zero scales
// address sends it to matvec_q8.
TEST(firmware_kernels, matvec_block_kernels_take_int8_tensors_to_matvec_q8) {
    const uint32_t rows = 17, cols = 40;
    for (const char* kernel : {"matvec_q8_0", "matvec_q4_0"}) {
        kernel_machine k;
        std::vector<int8_t> w(size_t(rows) * cols);
        for (size_t i = 0; i < w.size(); ++i) w[i] = int8_t(int((i * 53 + 7) % 255) - 127);
        auto in = ramp(cols, 0.1f, 0.02f);
        auto scales = ramp(rows, 0.001f, 0.02f);
        k.put(buf_a, w);
        k.put(buf_b, in);
        k.put(buf_c, scales);
        k.call(kernel, {buf_d, buf_b, buf_a, buf_c, rows, cols, 4});
        std::vector<double> want(rows);
        for (uint32_t r = 0; r < rows; ++r) {
            for (uint32_t j = 0; j < cols; ++j) want[r] += double(w[size_t(r) * cols + j]) * in[j];
            want[r] *= scales[r];
        }
        SCOPED_TRACE(kernel);
        expect_near_rel(k.get(buf_d, rows), want, 1e-5);
    }
}

// Every row of a block embedding table dequantized exactly as the engine does (fp32(code) * fp32(d)), with
// scales that are normal, subnormal, negative and zero halves (the software widening's cases).
TEST(firmware_kernels, embed_block_rows_are_exact) {
    const std::vector<uint16_t> halves = {0x3c00, 0x0123, 0xb9a0, 0x0000, 0x8001, 0x7bff, 0x0400, 0x83ff, 0x2e66};
    const uint32_t vocab = 5, cols = 64;
    for (bool q4 : {false, true}) {
        block_tensor t = make_blocks(q4, vocab, cols, halves);
        for (uint32_t token = 0; token < vocab; ++token) {
            kernel_machine k;
            k.put(buf_a + 3, t.bytes);
            k.call(q4 ? "embed_q4_0" : "embed_q8_0", {buf_c, buf_a + 3, 0, token, cols, 4});
            std::vector<float> want(cols);
            for (uint32_t j = 0; j < cols; ++j)
                want[j] = float(t.codes[size_t(token) * cols + j]) * float(t.scale[size_t(token) * (cols / 32) + j / 32]);
            SCOPED_TRACE(testing::Message() << (q4 ? "q4_0" : "q8_0") << " token " << token);
            const std::vector<float> got = k.get(buf_c, cols);
            for (uint32_t j = 0; j < cols; ++j) EXPECT_EQ(std::bit_cast<uint32_t>(got[j]), std::bit_cast<uint32_t>(want[j])) << j;
        }
    }
}

}  // namespace
