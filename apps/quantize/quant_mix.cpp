#include "apps/quantize/quant_mix.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace quantize {
namespace {

using gguf::FileType;
using gguf::GgmlType;

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }
bool ends_with(std::string_view text, std::string_view end) {
    return text.size() >= end.size() && text.substr(text.size() - end.size()) == end;
}

// llama.cpp's tensor_allows_quantization, for the tensors a llama-family model can hold.
bool allows_quantization(const gguf::TensorInfo& t) {
    if (t.n_dims < 2 || !ends_with(t.name, "weight") || contains(t.name, "_norm.weight")) return false;
    for (const char* kept : {"ffn_gate_inp.weight", "position_embd.weight", "token_types.weight", "ssm_conv1d",
                             "attn_rel_b.weight"})
        if (contains(t.name, kept)) return false;
    return true;
}

enum class Category { Output, TokenEmbd, AttnV, AttnK, AttnQ, AttnOutput, FfnUp, FfnGate, FfnDown, Other };

// llama.cpp's tensor_get_category; attn_qkv and attn_kv_b count as attn_v.
Category category_of(std::string_view name) {
    if (name == "output.weight") return Category::Output;
    if (name == "token_embd.weight" || name == "per_layer_token_embd.weight") return Category::TokenEmbd;
    if (contains(name, "attn_qkv.weight") || contains(name, "attn_kv_b.weight") || contains(name, "attn_v.weight"))
        return Category::AttnV;
    if (contains(name, "attn_k.weight")) return Category::AttnK;
    if (contains(name, "attn_q.weight")) return Category::AttnQ;
    if (contains(name, "attn_output.weight")) return Category::AttnOutput;
    if (contains(name, "ffn_up")) return Category::FfnUp;
    if (contains(name, "ffn_gate")) return Category::FfnGate;
    if (contains(name, "ffn_down")) return Category::FfnDown;
    return Category::Other;
}

uint32_t block_elems(GgmlType type) { return gguf::ggml_type_info(type).block_elems; }

bool is_quantized(GgmlType type) { return type != GgmlType::F32 && type != GgmlType::F16 && type != GgmlType::BF16; }

// The layers that get more bits in the _M mixes: the first and last eighth and every third in between.
bool use_more_bits(int layer, int n_layers) {
    return layer < n_layers / 8 || layer >= 7 * n_layers / 8 || (layer - n_layers / 8) % 3 == 2;
}

// llama.cpp's running state while it walks the tensors in its order: its "layer" of a tensor is how many of
// the same kind came before it.
class MixRules {
public:
    MixRules(const gguf::File& model, const std::vector<const gguf::TensorInfo*>& tensors, FileType file_type)
        : file_type_(file_type) {
        const std::string arch(model.get_string("general.architecture"));
        n_layers_ = static_cast<int>(model.get_uint(arch + ".block_count"));
        const uint64_t heads = model.get_uint_or(arch + ".attention.head_count", 0);
        const uint64_t kv_heads = model.get_uint_or(arch + ".attention.head_count_kv", heads);
        n_gqa_ = kv_heads > 0 ? static_cast<int>(heads / kv_heads) : 0;
        for (const auto* t : tensors) {
            const Category c = category_of(t->name);
            n_attn_v_ += c == Category::AttnV;
            tied_embeddings_ &= c != Category::Output;
        }
    }

    // llama_tensor_get_type_impl for a quantized default type.
    GgmlType choose(const gguf::TensorInfo& t, GgmlType type) {
        using F = FileType;
        const Category c = category_of(t.name);
        if (c == Category::Output || (tied_embeddings_ && c == Category::TokenEmbd)) {
            if (t.ne[0] % block_elems(type) != 0) return GgmlType::Q8_0;
            return type == GgmlType::Q8_0 ? type : GgmlType::Q6_K;
        }
        if (c == Category::AttnV) {
            const int i = attn_v_++;
            if (is(F::MOSTLY_Q2_K)) return n_gqa_ >= 4 ? GgmlType::Q4_K : GgmlType::Q3_K;
            if (is(F::MOSTLY_Q3_K_M)) return i < 2 ? GgmlType::Q5_K : GgmlType::Q4_K;
            if (is(F::MOSTLY_Q3_K_L)) return GgmlType::Q5_K;
            if ((is(F::MOSTLY_Q4_K_M) || is(F::MOSTLY_Q5_K_M)) && use_more_bits(i, n_attn_v_)) return GgmlType::Q6_K;
            if (is(F::MOSTLY_Q4_K_S) && i < 4) return GgmlType::Q5_K;
            return type;
        }
        if (c == Category::FfnDown) {
            const int i = ffn_down_++;
            if (is(F::MOSTLY_Q2_K)) return GgmlType::Q3_K;
            if (is(F::MOSTLY_Q3_K_M)) return i < n_layers_ / 16 ? GgmlType::Q5_K : GgmlType::Q4_K;
            if (is(F::MOSTLY_Q3_K_L)) return GgmlType::Q5_K;
            if (is(F::MOSTLY_Q4_K_M)) return use_more_bits(i, n_layers_) ? GgmlType::Q6_K : type;
            if (is(F::MOSTLY_Q5_K_M) && use_more_bits(i, n_layers_)) return GgmlType::Q6_K;
            if (is(F::MOSTLY_Q4_K_S) && i < n_layers_ / 8) return GgmlType::Q5_K;
            return type;
        }
        if (c == Category::AttnOutput) {
            if (is(F::MOSTLY_Q2_K)) return GgmlType::Q3_K;
            if (is(F::MOSTLY_Q3_K_M)) return GgmlType::Q4_K;
            if (is(F::MOSTLY_Q3_K_L)) return GgmlType::Q5_K;
        }
        return type;
    }

private:
    bool is(FileType f) const { return file_type_ == f; }

    FileType file_type_;
    int n_layers_ = 0;
    int n_gqa_ = 0;
    int n_attn_v_ = 0;
    bool tied_embeddings_ = true;  // until an output.weight shows up
    int attn_v_ = 0;
    int ffn_down_ = 0;
};

// llama.cpp's tensor_type_fallback: K-quants whose rows do not fit fall back to a 32-element type, and
// anything that still does not fit to f16.
GgmlType fall_back(uint64_t row, GgmlType type) {
    if (row % block_elems(type) == 0) return type;
    GgmlType fallback = type;
    switch (type) {
        case GgmlType::Q2_K: case GgmlType::Q3_K: fallback = GgmlType::Q4_0; break;
        case GgmlType::Q4_K: fallback = GgmlType::Q5_0; break;
        case GgmlType::Q5_K: fallback = GgmlType::Q5_1; break;
        case GgmlType::Q6_K: fallback = GgmlType::Q8_0; break;
        default: break;
    }
    return row % block_elems(fallback) == 0 ? fallback : GgmlType::F16;
}

// The n of a "blk.n." name, or -1 (llama.cpp's weight_name_comparer reads it with sscanf "blk.%d.").
int layer_of(std::string_view name) {
    constexpr std::string_view kPrefix = "blk.";
    if (name.substr(0, kPrefix.size()) != kPrefix) return -1;
    const char* begin = name.data() + kPrefix.size();
    if (begin < name.data() + name.size() && *begin == '+') ++begin;
    int layer = -1;
    std::from_chars(begin, name.data() + name.size(), layer);
    return layer;
}

}  // namespace

std::vector<TensorQuantization> plan_quantization(const gguf::File& model, const gguf::FileTypeInfo& file_type, bool pure) {
    std::vector<const gguf::TensorInfo*> tensors;
    for (const auto& t : model.tensors()) tensors.push_back(&t);
    std::sort(tensors.begin(), tensors.end(), [](const auto* a, const auto* b) {
        const int layer_a = layer_of(a->name), layer_b = layer_of(b->name);
        return layer_a != layer_b ? layer_a < layer_b : a->name < b->name;
    });

    MixRules rules(model, tensors, file_type.file_type);
    std::vector<TensorQuantization> plan;
    for (const auto* t : tensors) {
        if (!allows_quantization(*t)) {
            plan.push_back({t, t->type, false});
            continue;
        }
        GgmlType type = file_type.default_type;
        if (is_quantized(type)) {
            if (!pure) type = rules.choose(*t, type);
            const GgmlType fitted = fall_back(t->ne[0], type);
            plan.push_back({t, fitted, fitted != type});
        } else {
            plan.push_back({t, type, false});
        }
    }
    return plan;
}

}  // namespace quantize
