#include "dv/fpu/fpu_cases.h"

#include <algorithm>
#include <array>

#include "iss/src/fp32.h"

namespace smol::dv::fpu {
namespace {

namespace fp = smol::iss::fp;
constexpr uint32_t sign_bit = 0x80000000u;

uint32_t make(uint32_t sign, uint32_t exp, uint32_t frac) { return sign << 31 | exp << 23 | frac; }

// Magnitudes every unit must get right; both signs are added by the users.
constexpr std::array<uint32_t, 30> special_magnitudes{
    0x00000000u, 0x00000001u, 0x00000002u, 0x00000003u, 0x00400000u, 0x007fffffu,  // 0, subnormals
    0x00800000u, 0x00800001u, 0x00ffffffu, 0x01000000u,                            // smallest normals
    0x33800000u, 0x33800001u, 0x34000000u,                                        // 2^-24, 2^-23
    0x3f000000u, 0x3f7fffffu, 0x3f800000u, 0x3f800001u, 0x3fc00000u, 0x3fffffffu,  // around 1
    0x40000000u, 0x40400000u, 0x4b000000u, 0x4b400000u, 0x4effffffu, 0x4f000000u,  // 2, 3, 2^23, 2^31
    0x7f000000u, 0x7f7ffffeu, 0x7f7fffffu,                                        // largest normals
    0x7f800000u, 0x7fc00000u,                                                     // inf, NaN
};
constexpr std::array<uint32_t, 4> odd_nans{0x7f800001u, 0x7fbfffffu, 0xffc00000u, 0xffffffffu};

std::vector<uint32_t> special_values() {
    std::vector<uint32_t> v;
    for (uint32_t m : special_magnitudes) {
        v.push_back(m);
        v.push_back(m | sign_bit);
    }
    v.insert(v.end(), odd_nans.begin(), odd_nans.end());
    return v;
}

// 1 + 2^-i for i = 1..23 and their neighbours: products and sums of these land exactly on, just above and
// just below the halfway points between fp32 values.
std::vector<uint32_t> near_one_values() {
    std::vector<uint32_t> v;
    for (uint32_t i = 0; i < 23; ++i) {
        uint32_t x = 0x3f800000u | (1u << i);
        v.push_back(x);
        v.push_back(x + 1);
        v.push_back(x - 1);
    }
    return v;
}

void add_rounding_cases(std::vector<fpu_operands>& out, fpu_op op) {
    const std::vector<uint32_t> ones = near_one_values();
    for (uint32_t x : ones)
        for (uint32_t y : ones) {
            if (op == fpu_op::mul || op == fpu_op::div) out.push_back({x, y, 0});
            if (op == fpu_op::fma) {
                uint32_t p = fp::mul(x, y);
                out.push_back({x, y, p ^ sign_bit});         // exact residual of the rounded product
                out.push_back({x, y, (p ^ sign_bit) + 1});   // and one ulp beside it
                out.push_back({x, y, 0xbf800000u});          // a*b - 1: cancellation of the leading bits
            }
        }
    // Sums: 1 + 2^-k * (1 + small) for every k, both signs: ties, above and below, at each alignment.
    if (op == fpu_op::add || op == fpu_op::sub) {
        for (uint32_t base : {0x3f800000u, 0x3f800001u, 0x3fffffffu, 0x00800000u, 0x7f7fffffu})
            for (uint32_t k = 1; k < 30; ++k)
                for (uint32_t frac : {0u, 1u, 0x7fffffu, 0x400000u}) {
                    uint32_t e = (base >> 23) & 0xffu;
                    if (e <= k) continue;
                    uint32_t small = make(0, e - k, frac);
                    out.push_back({base, small, 0});
                    out.push_back({base, small | sign_bit, 0});
                    out.push_back({base | sign_bit, small, 0});
                }
    }
    // Underflow: products and quotients around 2^-150 (halfway below the smallest subnormal), 2^-149,
    // 3 * 2^-150 (a subnormal tie), and overflow around the largest finite value.
    if (op == fpu_op::mul || op == fpu_op::fma || op == fpu_op::div) {
        for (uint32_t hi : {0x3f000000u, 0x3f800000u, 0x3fc00000u, 0x3f800001u, 0x3f7fffffu, 0x3fffffffu})
            for (uint32_t lo : {0x00000001u, 0x00000003u, 0x00400000u, 0x007fffffu, 0x00800000u}) {
                out.push_back({hi, lo, 0});
                out.push_back({lo, hi | sign_bit, 0});
            }
        for (uint32_t big : {0x7f7fffffu, 0x7f000000u, 0x7effffffu})
            for (uint32_t f : {0x3f800001u, 0x3fffffffu, 0x40000000u, 0x3f7fffffu}) out.push_back({big, f, 0});
        // 2^-75 * 2^-75 = 2^-150 exactly; with tiny ulps above and below.
        for (uint32_t x : {0x1a000000u, 0x1a000001u, 0x19ffffffu, 0x1a400000u})
            for (uint32_t y : {0x1a000000u, 0x1a000001u, 0x19ffffffu, 0x1a400000u}) out.push_back({x, y, 0});
    }
}

}  // namespace

std::vector<fpu_operands> fpu_directed_cases(fpu_op op) {
    const fpu_op_info& info = fpu_info(op);
    std::vector<fpu_operands> out;
    std::vector<uint32_t> specials = special_values();
    if (info.a_kind == fpu_operand::int32) {
        for (int64_t base : {0LL, 1LL << 24, 1LL << 25, 1LL << 26, 1LL << 30, 1LL << 31})
            for (int64_t d = -4; d <= 4; ++d)
                for (int64_t s : {1LL, -1LL}) out.push_back({static_cast<uint32_t>(s * (base + d)), 0, 0});
        for (uint32_t x : {0x7fffffffu, 0x80000000u, 0x80000001u, 0x7fffff80u, 0x7fffffc0u, 0x7fffffbfu,
                           0x00ffffffu, 0x01000001u, 0x01000003u, 0x02000006u, 0xfefffffdu})
            out.push_back({x, 0, 0});
        return out;
    }
    if (info.arity == 1) {
        for (uint32_t x : specials) out.push_back({x, 0, 0});
        for (uint32_t x : near_one_values()) {
            out.push_back({x, 0, 0});
            out.push_back({x ^ sign_bit, 0, 0});
        }
        // Conversion edges (+-2^31 and their neighbours, +-0.5) and the clamps of exp and silu.
        for (uint32_t x : {0x4effffffu, 0x4f000000u, 0x4f000001u, 0x3f000000u, 0x3f7fffffu, 0x42b17217u,
                           0x42b17218u, 0x42b17216u, 0x42d00000u, 0x42cfffffu, 0x42d00001u, 0x42f00000u,
                           0x42f00001u, 0x42efffffu, 0x42c80000u, 0x42b00000u, 0x3f317218u}) {
            out.push_back({x, 0, 0});
            out.push_back({x ^ sign_bit, 0, 0});
        }
        return out;
    }
    if (info.a_kind == fpu_operand::int8 || info.a_kind == fpu_operand::block) {
        // The Q8 lane's weight operand: every code, and for q8_block every code at each of fourteen scales at
        // the edges of binary16: zeros, subnormals, the smallest and largest normals, one and a third,
        // infinities and NaNs (a NaN scale and 0 * inf give the canonical NaN).
        std::vector<uint32_t> weights;
        if (info.a_kind == fpu_operand::int8)
            for (uint32_t code = 0; code < 256; ++code) weights.push_back(code);
        else
            for (uint32_t scale : {0x0000u, 0x8000u, 0x0001u, 0x0155u, 0x03ffu, 0x0400u, 0x3c00u, 0x3555u, 0xbc01u,
                                   0x7bffu, 0x7c00u, 0xfc00u, 0x7e00u, 0x7c01u})
                for (uint32_t code = 0; code < 256; ++code) weights.push_back(scale << 8 | code);
        for (uint32_t w : weights)
            for (uint32_t a : specials)
                for (uint32_t acc : {0x00000000u, 0x80000000u, 0x3f800000u, 0xc2fe0000u, 0x7f7fffffu, 0x00000001u,
                                     0x7f800000u, 0x7fc00000u})
                    out.push_back({w, a, acc});
        return out;
    }
    for (uint32_t a : specials)
        for (uint32_t b : specials) {
            if (info.arity == 2) {
                out.push_back({a, b, 0});
                continue;
            }
            for (uint32_t c : {0x00000000u, 0x80000000u, 0x00000001u, 0x80800000u, 0x3f800000u, 0xbf800000u,
                               0x7f7fffffu, 0xff800000u, 0x7f800000u, 0x7fc00000u})
                out.push_back({a, b, c});
        }
    add_rounding_cases(out, op);
    return out;
}

uint64_t fpu_random::bits() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint32_t fpu_random::special_value() {
    uint32_t m = special_magnitudes[below(special_magnitudes.size())];
    return m | (below(2) << 31);
}

uint32_t fpu_random::fp_operand() {
    uint32_t r = below(16);
    if (r < 8) return static_cast<uint32_t>(bits());
    if (r == 8) return special_value();
    uint32_t exp;
    switch (below(6)) {
        case 0: exp = 0; break;                     // subnormal
        case 1: exp = 1 + below(3); break;          // bottom of the normal range
        case 2: exp = 252 + below(3); break;        // top of the normal range
        case 3: exp = 100 + below(54); break;       // moderate magnitudes
        default: exp = below(256); break;
    }
    uint32_t frac;
    switch (below(4)) {
        case 0: frac = 0x7fffffu >> below(23); break;          // runs of ones (carry chains)
        case 1: frac = (1u << below(23)) | (below(2) ? 0 : 1); break;  // a single bit (and the lsb)
        default: frac = static_cast<uint32_t>(bits()) & 0x7fffffu; break;
    }
    return make(below(2), exp, frac);
}

uint32_t fpu_random::near_exponent(int biased_exp) {
    int e = biased_exp + static_cast<int>(below(61)) - 30;
    e = std::clamp(e, 0, 254);
    return make(below(2), static_cast<uint32_t>(e), static_cast<uint32_t>(bits()) & 0x7fffffu);
}

uint32_t fpu_random::unary_operand(fpu_op op) {
    if (below(2) == 0) return static_cast<uint32_t>(bits());
    switch (op) {
        case fpu_op::exp:
        case fpu_op::silu: {  // the interesting range: |x| below 128, densely
            uint32_t e = 100 + below(34);
            return make(below(2), e, static_cast<uint32_t>(bits()) & 0x7fffffu);
        }
        case fpu_op::cvt_w_s: {  // around the integer range's edges and one
            uint32_t e = 120 + below(40);
            return make(below(2), e, static_cast<uint32_t>(bits()) & 0x7fffffu);
        }
        default: return fp_operand();
    }
}

fpu_operands fpu_random::next(fpu_op op) {
    const fpu_op_info& info = fpu_info(op);
    if (info.a_kind == fpu_operand::int32) {
        uint32_t x = static_cast<uint32_t>(bits());
        if (below(2)) x >>= below(32);  // every magnitude class, not mostly 2^31-sized ones
        if (below(4) == 0) x = ~x + 1;
        return {x, 0, 0};
    }
    if (info.arity == 1) return {unary_operand(op), 0, 0};
    uint32_t a = info.a_kind == fpu_operand::int8 ? static_cast<uint32_t>(bits() & 0xffu) : fp_operand();
    uint32_t b = fp_operand();
    uint32_t a_exp = (a >> 23) & 0xffu;
    if (info.a_kind == fpu_operand::int8) a_exp = 127 + 7 - below(8);
    if (info.a_kind == fpu_operand::block) {
        // A random code; the scale mostly a finite binary16 (its full exponent range), sometimes any pattern.
        uint32_t scale = below(8) ? (below(2) << 15 | below(31) << 10 | below(1024)) : below(65536);
        a = scale << 8 | static_cast<uint32_t>(bits() & 0xffu);
        a_exp = (block_multiplicand(a) >> 23) & 0xffu;
    }
    // Half of the pairs get close exponents: alignment, cancellation and carry cases.
    if (info.a_kind == fpu_operand::fp32 && below(2)) b = near_exponent(static_cast<int>(a_exp));
    if (info.arity == 2) return {a, b, 0};
    uint32_t b_exp = (b >> 23) & 0xffu;
    uint32_t c = fp_operand();
    switch (below(4)) {
        case 0:
        case 1: c = near_exponent(static_cast<int>(a_exp + b_exp) - 127); break;  // near the product
        case 2: {  // the rounded product, negated and nudged: massive cancellation
            uint32_t p = fpu_golden(op, a, b, sign_bit);  // the rounded product: adding -0 changes nothing
            c = (p ^ sign_bit) + below(5) - 2;
            break;
        }
        default: break;
    }
    return {a, b, c};
}

}  // namespace smol::dv::fpu
