// Synthetic models bound from memory, for tests that need a runnable model but not ../shared.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "apps/make_model/synthetic_model.h"
#include "gguf/gguf_file.h"
#include "src/model.h"

namespace test {

struct BoundModel {
    std::shared_ptr<std::vector<uint8_t>> bytes;  // the GGUF the model maps; kept alive with it
    runtime::Model model;
};

inline BoundModel bind(const make_model::SyntheticModel& synthetic) {
    auto bytes = std::make_shared<std::vector<uint8_t>>(synthetic.to_bytes());
    return {bytes, runtime::Model::bind(gguf::File::parse(bytes->data(), bytes->size(), "synthetic.gguf"))};
}

// A small GQA model (64 wide, 4 heads of 16 over 2 kv heads, 2 layers, 256 tokens), Q8_0 matrices.
inline make_model::SyntheticModelSpec small_spec() {
    make_model::SyntheticModelSpec spec;
    spec.type = gguf::GgmlType::Q8_0;
    spec.seed = 7;
    return spec;
}

// A model of `spec` whose logits are all exactly 0: an untied output matrix scaled by 0.
inline make_model::SyntheticModel zero_logits_model(make_model::SyntheticModelSpec spec) {
    spec.tied = false;
    make_model::SyntheticModel m(std::move(spec));
    m.tensor("output.weight").scale = 0.0f;
    return m;
}

}  // namespace test
