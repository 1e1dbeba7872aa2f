#include "apps/report/text_file.h"

#include "apps/report/report_error.h"
#include "gguf/gguf_error.h"
#include "gguf/output_file.h"

namespace report {
namespace {

// gguf::OutputFile names the path and the reason; the failure is the report's, not a GGUF file's.
template <typename Write>
void as_report_error(Write&& write) {
    try {
        write();
    } catch (const gguf::Error& e) {
        throw Error(e.what());
    }
}

}  // namespace

void write_text_file(const std::string& path, const std::string& text) {
    as_report_error([&] {
        gguf::OutputFile file(path);
        file.write(text.data(), text.size());
        file.commit();
    });
}

void check_can_create(const std::string& path) {
    as_report_error([&] { const gguf::OutputFile probe(path); });  // never committed: it leaves nothing behind
}

}  // namespace report
