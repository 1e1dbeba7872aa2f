#include "apps/quantize/model_quantize.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

#include <fmt/format.h>

#include "apps/quantize/quantize_error.h"
#include "gguf/gguf_writer.h"
#include "gguf/quant/quant.h"
#include "kernels/common/thread_pool.h"

namespace quantize {
namespace {

using gguf::GgmlType;

constexpr uint32_t kQuantizationVersion = 2;  // ggml's GGML_QNT_VERSION
constexpr uint64_t kElementsPerTask = 32 * 512;  // as llama.cpp's chunks: enough work to amortise a task

bool replaced_key(std::string_view key) {
    return key == "general.quantization_version" || key == "general.file_type" || key == "split.no" ||
           key == "split.count" || key == "split.tensors.count";
}

// The dims as ggml counts them: trailing 1s dropped (so llama.cpp would write the same header).
std::vector<uint64_t> shape_of(const gguf::TensorInfo& t) {
    uint32_t n = t.n_dims;
    while (n > 1 && t.ne[n - 1] == 1) --n;
    return {t.ne.begin(), t.ne.begin() + n};
}

// Converts one tensor row by row: dequantize (unless it is f32), check every value is finite, quantize.
class TensorConverter {
public:
    TensorConverter(const gguf::TensorInfo& tensor, GgmlType to, kernels::ThreadPool& pool)
        : tensor_(tensor), to_(to), pool_(pool) {
        from_traits_ = gguf::quant_traits(tensor.type);
        to_traits_ = gguf::quant_traits(to);
        if (from_traits_ == nullptr || to_traits_ == nullptr)
            throw Error(fmt::format("tensor '{}': cannot convert {} to {}", tensor.name,
                                    gguf::ggml_type_name(tensor.type), gguf::ggml_type_name(to)));
    }

    void operator()(uint8_t* dst, size_t n_bytes) const {
        const uint64_t row = tensor_.ne[0], rows = tensor_.rows();
        const uint64_t row_in = tensor_.n_bytes / rows, row_out = n_bytes / rows;
        const uint64_t rows_per_task = std::max<uint64_t>(1, kElementsPerTask / row);
        const uint64_t n_tasks = (rows + rows_per_task - 1) / rows_per_task;
        std::atomic<uint64_t> first_bad_row{std::numeric_limits<uint64_t>::max()};
        pool_.parallel_for(n_tasks, [&](size_t task) {
            const uint64_t begin = task * rows_per_task, end = std::min(rows, begin + rows_per_task);
            std::vector<float> values(row);
            for (uint64_t r = begin; r < end; ++r) {
                from_traits_->dequantize_row(tensor_.data + r * row_in, values.data(), static_cast<int64_t>(row));
                if (!std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); })) {
                    uint64_t seen = first_bad_row.load();
                    while (r < seen && !first_bad_row.compare_exchange_weak(seen, r)) {}
                    return;
                }
                to_traits_->quantize_row(values.data(), dst + r * row_out, static_cast<int64_t>(row));
            }
        });
        if (first_bad_row.load() != std::numeric_limits<uint64_t>::max())
            throw Error(fmt::format("tensor '{}': row {} holds a NaN or infinity; not quantizing it",
                                    tensor_.name, first_bad_row.load()));
    }

private:
    const gguf::TensorInfo& tensor_;
    GgmlType to_;
    kernels::ThreadPool& pool_;
    const gguf::GgmlTypeTraits* from_traits_;
    const gguf::GgmlTypeTraits* to_traits_;
};

void refuse_overwriting_input(const QuantizeRequest& request) {
    std::error_code ec;
    if (std::filesystem::equivalent(request.input, request.output, ec))
        throw Error(fmt::format("{}: the output would overwrite the input", request.output));
}

}  // namespace

std::vector<QuantizedTensor> quantize_model(const QuantizeRequest& request) {
    const gguf::File model = gguf::File::open(request.input);
    refuse_overwriting_input(request);
    const auto plan = plan_quantization(model, request.file_type, request.pure);

    gguf::Writer writer;
    for (const auto& [key, value] : model.metadata())
        if (!replaced_key(key)) writer.add_value(key, value);
    writer.add_u32("general.quantization_version", kQuantizationVersion);
    writer.add_u32("general.file_type", static_cast<uint32_t>(request.file_type.file_type));

    kernels::ThreadPool pool(std::max(1u, request.threads));
    std::vector<QuantizedTensor> report;
    for (const auto& step : plan) {
        const gguf::TensorInfo& t = *step.tensor;
        const auto shape = shape_of(t);
        // Each input tensor is read once, so it leaves resident memory once written: the mapped input is
        // never resident as a whole.
        gguf::Writer::FillTensor fill = [&t](uint8_t* dst, size_t n_bytes) { std::memcpy(dst, t.data, n_bytes); };
        if (step.type != t.type) fill = TensorConverter(t, step.type, pool);
        writer.add_tensor(t.name, step.type, shape, [&model, &t, fill](uint8_t* dst, size_t n_bytes) {
            fill(dst, n_bytes);
            model.release(t);
        });
        const uint64_t bytes_out = *gguf::ggml_row_bytes(step.type, t.ne[0]) * t.rows();
        report.push_back({std::string(t.name), shape, t.type, step.type, step.fell_back, t.n_bytes, bytes_out});
    }
    writer.write(request.output);
    return report;
}

}  // namespace quantize
