// Every case of ../shared/golden/attention-crate.json for the prefill entry points: the crate's outputs for
// seeded inputs, within the file's tolerances (exact where it marks a claim bitwise).
#include <catch2/catch.hpp>

#include "attention_fixtures.h"
#include "kernels/attention/dense_attention.h"
#include "kernels/attention/sparse_attention.h"

using kernels::SparseAttention;
using kernels::Tensor3;
using test::attn::golden_case;
using test::attn::golden_input;

namespace {

struct CaseInputs {
    Tensor3 q, k, v;
};

CaseInputs inputs_of(const test::json::Value& c) {
    return {golden_input(c["inputs"]["q"]), golden_input(c["inputs"]["k"]), golden_input(c["inputs"]["v"])};
}

}  // namespace

TEST_CASE("golden: the generator reproduces the file's check values", "[attention][golden]") {
    SKIP_WITHOUT_SHARED();
    const auto& check = test::attn::golden()["generator"]["check_seed1_first3_u64"];
    test::SplitMix64 rng(1);
    for (size_t i = 0; i < 3; ++i) CHECK(rng.next() == std::stoull(check[i].as_string(), nullptr, 16));
}

TEST_CASE("golden: forward over every config variant (cases 01-05f, 09)", "[attention][golden]") {
    SKIP_WITHOUT_SHARED();
    for (const char* name :
         {"01_forward_default_s300_h4_d32", "02_forward_default_s1000_h8_d64", "03_forward_noncausal_s300_h4_d32",
          "04_forward_sort_candidates_s300_h4_d32", "05a_forward_window0_s300_h4_d32",
          "05b_forward_pizero_profile_s300_h4_d32", "05c_forward_globals_0_1_5_s300_h4_d32",
          "05d_forward_no_log_stride_s300_h4_d32", "05e_forward_no_landmarks_s300_h4_d32",
          "05f_forward_no_log_stride_no_landmarks_s300_h4_d32",
          "09_forward_ungated_reference_w32_b16_g01_s512_h4_d32"}) {
        INFO(name);
        const auto& c = golden_case(name);
        const CaseInputs in = inputs_of(c);
        SparseAttention attention(test::attn::config_from_json(c["config"]));
        test::attn::check_summary(attention.forward(in.q, in.k, in.v).data(), c["output"]);
    }
}

TEST_CASE("golden: dense reference, causal and not (cases 06a, 06b)", "[attention][golden]") {
    SKIP_WITHOUT_SHARED();
    for (const char* name : {"06a_dense_attention_causal_s300_h4_d32", "06b_dense_attention_noncausal_s300_h4_d32"}) {
        INFO(name);
        const auto& c = golden_case(name);
        const CaseInputs in = inputs_of(c);
        test::attn::check_summary(kernels::dense_attention(in.q, in.k, in.v, c["params"]["causal"].as_bool()).data(),
                                  c["output"]);
    }
}

TEST_CASE("golden: flash with tiles 16 and 64 (cases 07a, 07b)", "[attention][golden]") {
    SKIP_WITHOUT_SHARED();
    for (const char* name : {"07a_forward_flash_tile16_s1000_h4_d32", "07b_forward_flash_tile64_s1000_h4_d32"}) {
        INFO(name);
        const auto& c = golden_case(name);
        const CaseInputs in = inputs_of(c);
        SparseAttention attention(test::attn::config_from_json(c["config"]));
        const Tensor3 flash = attention.forward_flash(in.q, in.k, in.v, c["params"]["tile_size"].as_uint());
        test::attn::check_summary(flash.data(), c["output"]);
        CHECK(test::attn::max_abs_diff(flash, attention.forward(in.q, in.k, in.v)) < 1e-4f);
    }
}

TEST_CASE("golden: GQA 9/3, its flash form and forward_auto (cases 08a-08c)", "[attention][golden]") {
    SKIP_WITHOUT_SHARED();
    const auto& gqa_case = golden_case("08a_forward_gqa_q9_kv3_d64_s300");
    const CaseInputs in = inputs_of(gqa_case);
    SparseAttention attention(test::attn::config_from_json(gqa_case["config"]));
    const Tensor3 gqa = attention.forward_gqa(in.q, in.k, in.v);
    test::attn::check_summary(gqa.data(), gqa_case["output"]);
    test::attn::check_summary(attention.forward_gqa_flash(in.q, in.k, in.v, 16).data(),
                              golden_case("08b_forward_gqa_flash_tile16_q9_kv3_d64_s300")["output"]);
    const Tensor3 automatic = attention.forward_auto(in.q, in.k, in.v);
    test::attn::check_summary(automatic.data(), golden_case("08c_forward_auto_q9_kv3_d64_s300")["output"]);
    CHECK(test::attn::max_abs_diff(automatic, gqa) == 0.0f);  // bitwise in the crate, bitwise here
}

TEST_CASE("golden: gated with all-true and every-third masks (cases 09a, 09b)", "[attention][golden]") {
    SKIP_WITHOUT_SHARED();
    const auto& all_true = golden_case("09a_forward_gated_all_true_mask_s512_h4_d32");
    const CaseInputs in = inputs_of(all_true);
    SparseAttention attention(test::attn::config_from_json(all_true["config"]));
    const Tensor3 gated = attention.forward_gated(in.q, in.k, in.v, std::vector<bool>(512, true));
    test::attn::check_summary(gated.data(), all_true["output"]);
    CHECK(test::attn::max_abs_diff(gated, attention.forward(in.q, in.k, in.v)) == 0.0f);

    std::vector<bool> every_third(512);
    for (size_t j = 0; j < every_third.size(); ++j) every_third[j] = j % 3 == 0;
    test::attn::check_summary(attention.forward_gated(in.q, in.k, in.v, every_third).data(),
                              golden_case("09b_forward_gated_every_3rd_mask_s512_h4_d32")["output"]);
}

TEST_CASE("golden: estimate_sparse_edges for the default and Pi Zero profiles (case 13)", "[attention][golden]") {
    SKIP_WITHOUT_SHARED();
    const auto& c = golden_case("13_estimate_sparse_edges");
    for (const auto& r : c["results"].items()) {
        INFO(r["profile"].as_string() << " seq " << r["seq"].as_uint());
        SparseAttention attention(test::attn::config_from_json(c["configs"][r["profile"].as_string()]));
        CHECK(attention.estimate_sparse_edges(r["seq"].as_uint()) == r["edges"].as_uint());
    }
}
