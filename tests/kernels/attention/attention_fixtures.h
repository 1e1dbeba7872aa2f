// Inputs and comparisons for the attention tests: tensors from the golden file's generator, the crate's own
// test fixtures (spec §8), and checks of an output against a golden summary (sum, first/last values, probes).
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/attention/attention_config.h"
#include "kernels/attention/landmarks.h"
#include "kernels/attention/tensor3.h"
#include "support/json_reader.h"
#include "support/shared_data.h"
#include "support/splitmix64.h"

namespace test::attn {

inline kernels::Tensor3 seeded_tensor(uint64_t seed, size_t seq, size_t heads, size_t dim) {
    kernels::Tensor3 t = kernels::Tensor3::zeros(seq, heads, dim);
    SplitMix64 rng(seed);
    for (float& x : t.data()) x = rng.symmetric();
    return t;
}

// Row r of t as a [1, heads, dim] tensor.
inline kernels::Tensor3 row_of(const kernels::Tensor3& t, size_t r) {
    const size_t n = t.heads() * t.dim();
    std::vector<float> data(t.data().begin() + static_cast<ptrdiff_t>(r * n),
                            t.data().begin() + static_cast<ptrdiff_t>((r + 1) * n));
    return kernels::Tensor3::from_vec(std::move(data), 1, t.heads(), t.dim());
}

// Rows [begin, end) of t.
inline kernels::Tensor3 rows_of(const kernels::Tensor3& t, size_t begin, size_t end) {
    const size_t n = t.heads() * t.dim();
    std::vector<float> data(t.data().begin() + static_cast<ptrdiff_t>(begin * n),
                            t.data().begin() + static_cast<ptrdiff_t>(end * n));
    return kernels::Tensor3::from_vec(std::move(data), end - begin, t.heads(), t.dim());
}

// The crate's make_tensor: element n = ((n * 17 + 11) mod 101) / 101.
inline kernels::Tensor3 make_tensor(size_t seq, size_t heads, size_t dim) {
    kernels::Tensor3 t = kernels::Tensor3::zeros(seq, heads, dim);
    for (size_t n = 0; n < t.size(); ++n) t.data()[n] = static_cast<float>((n * 17 + 11) % 101) / 101.0f;
    return t;
}

struct Qkv {
    kernels::Tensor3 q, k, v;
};

// The crate's random_qkv: xorshift32 from 0xA5A5A5A5, one draw each for q, k, v per element.
inline Qkv random_qkv(size_t seq, size_t heads, size_t dim) {
    Qkv r{kernels::Tensor3::zeros(seq, heads, dim), kernels::Tensor3::zeros(seq, heads, dim),
          kernels::Tensor3::zeros(seq, heads, dim)};
    uint32_t s = 0xA5A5A5A5u;
    auto draw = [&] {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        return (static_cast<float>(s) / static_cast<float>(UINT32_MAX) - 0.5f) * 0.5f;
    };
    for (size_t n = 0; n < r.q.size(); ++n) {
        r.q.data()[n] = draw();
        r.k.data()[n] = draw();
        r.v.data()[n] = draw();
    }
    return r;
}

// Reference landmarks: per-block means of x's rows ([ceil(seq / block), heads, dim], the last block over its
// true count), summed in double.
inline kernels::Tensor3 block_means(const kernels::Tensor3& x, size_t block_size) {
    const size_t n_blocks = (x.seq() + block_size - 1) / block_size;
    kernels::Tensor3 means = kernels::Tensor3::zeros(n_blocks, x.heads(), x.dim());
    for (size_t b = 0; b < n_blocks; ++b) {
        const size_t begin = b * block_size, end = std::min(begin + block_size, x.seq());
        for (size_t h = 0; h < x.heads(); ++h)
            for (size_t d = 0; d < x.dim(); ++d) {
                double sum = 0.0;
                for (size_t t = begin; t < end; ++t) sum += x.get(t, h, d);
                means.set(b, h, d, static_cast<float>(sum / static_cast<double>(end - begin)));
            }
    }
    return means;
}

// A cache's landmark tables as tensors ([max_blocks, kv_heads, dim], copies) and its block counts.
inline kernels::Tensor3 landmark_table(const kernels::IncrementalLandmarks& l, const float* means) {
    const size_t n = l.max_blocks() * l.kv_heads() * l.dim();
    return kernels::Tensor3::from_vec(std::vector<float>(means, means + n), l.max_blocks(), l.kv_heads(), l.dim());
}
inline kernels::Tensor3 landmark_keys(const kernels::IncrementalLandmarks& l) { return landmark_table(l, l.key_means()); }
inline kernels::Tensor3 landmark_values(const kernels::IncrementalLandmarks& l) { return landmark_table(l, l.value_means()); }
inline std::vector<uint32_t> landmark_counts(const kernels::IncrementalLandmarks& l) {
    std::vector<uint32_t> counts(l.max_blocks());
    for (size_t b = 0; b < counts.size(); ++b) counts[b] = l.count(b);
    return counts;
}

inline float max_abs_diff(const kernels::Tensor3& a, const kernels::Tensor3& b) {
    REQUIRE(a.shape() == b.shape());
    float m = 0.0f;
    for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a.data()[i] - b.data()[i]));
    return m;
}

inline bool all_finite(const kernels::Tensor3& t) {
    return std::all_of(t.data().begin(), t.data().end(), [](float x) { return std::isfinite(x); });
}

inline const json::Value& golden() {
    static const json::Value root = json::parse_file(shared_path("golden/attention-crate.json"));
    return root;
}

inline const json::Value& golden_case(const std::string& name) {
    for (const json::Value& c : golden()["cases"].items())
        if (c["name"].as_string() == name) return c;
    FAIL("no golden case " << name);
    throw std::logic_error("unreachable");
}

inline kernels::SparseAttentionConfig config_from_json(const json::Value& j) {
    kernels::SparseAttentionConfig c;
    c.window = j["window"].as_uint();
    c.block_size = j["block_size"].as_uint();
    c.global_tokens.clear();
    for (const json::Value& g : j["global_tokens"].items()) c.global_tokens.push_back(g.as_uint());
    c.causal = j["causal"].as_bool();
    c.use_log_stride = j["use_log_stride"].as_bool();
    c.use_landmarks = j["use_landmarks"].as_bool();
    c.sort_candidates = j["sort_candidates"].as_bool();
    return c;
}

// The tensor an "inputs" entry describes ({seed, shape}), checked against its recorded first values.
inline kernels::Tensor3 golden_input(const json::Value& input) {
    const json::Value& shape = input["shape"];
    kernels::Tensor3 t =
        seeded_tensor(input["seed"].as_uint(), shape[0].as_uint(), shape[1].as_uint(), shape[2].as_uint());
    for (size_t i = 0; i < input["first4"].size(); ++i) REQUIRE(t.data()[i] == input["first4"][i].as_float());
    return t;
}

// A sum compared to 1e-4 relative, or to 1e-4 of sum_abs when the sum is mostly cancellation.
inline void check_sum(double actual, double expected, double expected_abs, const char* what) {
    const double reference = std::fabs(expected) < 0.1 * expected_abs ? expected_abs : std::fabs(expected);
    INFO(what << ": actual " << actual << " expected " << expected);
    CHECK(std::fabs(actual - expected) <= 1e-4 * reference);
}

// data against a golden output summary (tolerances as the golden file states them).
inline void check_summary(const std::vector<float>& data, const json::Value& g) {
    REQUIRE(data.size() == g["numel"].as_uint());
    double sum = 0.0, sum_abs = 0.0;
    float max_abs = 0.0f;
    for (float x : data) {
        sum += x;
        sum_abs += std::fabs(x);
        max_abs = std::max(max_abs, std::fabs(x));
    }
    check_sum(sum, g["sum"].as_double(), g["sum_abs"].as_double(), "sum");
    check_sum(sum_abs, g["sum_abs"].as_double(), g["sum_abs"].as_double(), "sum_abs");
    CHECK(std::fabs(max_abs - g["max_abs"].as_float()) <= 1e-5f);
    for (size_t i = 0; i < 8; ++i) CHECK(std::fabs(data[i] - g["first8"][i].as_float()) <= 1e-5f);
    for (size_t i = 0; i < 4; ++i)
        CHECK(std::fabs(data[data.size() - 4 + i] - g["last4"][i].as_float()) <= 1e-5f);
    for (const json::Value& p : g["positions"].items()) {
        INFO("flat index " << p["flat_index"].as_uint());
        CHECK(std::fabs(data[p["flat_index"].as_uint()] - p["value"].as_float()) <= 1e-5f);
    }
}

}  // namespace test::attn
