// Every truncation of every real GGUF file in ../shared/models is rejected cleanly.
//
// Parsing one prefix costs up to a whole header walk (100k strings in a vocabulary), so parsing all 40 million
// prefixes one by one would take hours. File::sweep_truncations finds the verdict for every length in one pass
// (gguf_file.h says why that is exact). Each file's verdicts are then checked against File::parse on exact-size
// heap copies of prefixes, where ASan sees any read past the end: every header length of two small-header
// files and both ends of every rejected range there, and sampled lengths (plus the longest rejected one) of
// every file.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "gguf/mapped_file.h"
#include "support/shared_data.h"

namespace {

// "<source>: <field> at byte <n>: ..." with a field the parser names.
bool names_a_field(const std::string& error, const std::string& source) {
    if (error.rfind(source + ": ", 0) != 0 || error.find('\n') != std::string::npos) return false;
    const std::string rest = error.substr(source.size() + 2);
    const size_t at = rest.find(" at byte ");
    if (at == std::string::npos || at == 0) return false;
    const std::string field = rest.substr(0, at);
    for (const char* known : {"magic", "version", "tensor_count", "metadata_kv_count"})
        if (field == known) return true;
    return field.rfind("metadata ", 0) == 0 || field.rfind("tensor ", 0) == 0;
}

// Where the last tensor's data ends, or where the metadata ends in a file without tensors.
uint64_t end_of_content(const gguf::File& file) {
    if (file.tensors().empty()) return file.file_size();  // the shared vocab files have no trailing padding
    uint64_t end = 0;
    for (const auto& t : file.tensors()) end = std::max(end, file.data_offset() + t.offset + t.n_bytes);
    return end;
}

const gguf::TruncationRange& range_of(const std::vector<gguf::TruncationRange>& ranges, uint64_t length) {
    return *std::prev(std::upper_bound(ranges.begin(), ranges.end(), length,
                                       [](uint64_t l, const gguf::TruncationRange& r) { return l < r.first; }));
}

// File::parse on a heap copy of exactly `length` bytes must throw the error the sweep found for that length.
void check_prefix(const gguf::MappedFile& bytes, const std::vector<gguf::TruncationRange>& ranges, uint64_t length,
                  const std::string& source) {
    const std::vector<uint8_t> prefix(bytes.data(), bytes.data() + length);
    INFO(source << " truncated to " << length << " bytes");
    REQUIRE_THROWS_MATCHES(gguf::File::parse(prefix.data(), prefix.size(), source), gguf::Error,
                           Catch::Message(range_of(ranges, length).error));
}

// Sweeps every file, checks that the rejected ranges tile [0, end of content) with errors naming a field and
// that all longer lengths parse, then compares with File::parse: exhaustively for the files named in
// `exhaustive`, at sampled lengths for the others. Returns the number of rejected lengths.
uint64_t check_every_truncation(const std::vector<std::string>& paths, const std::vector<std::string>& exhaustive) {
    std::mt19937_64 rng(20240601);
    uint64_t rejected = 0;
    for (const auto& path : paths) {
        INFO(path);
        const gguf::MappedFile bytes(path);
        const auto file = gguf::File::parse(bytes.data(), bytes.size(), path);
        std::vector<gguf::TruncationRange> ranges;
        const uint64_t accepted_from = gguf::File::sweep_truncations(
            bytes.data(), bytes.size(), path, [&](const gguf::TruncationRange& r) { ranges.push_back(r); });

        uint64_t expected_first = 0;
        bool all_name_a_field = true;
        for (const auto& r : ranges) {
            if (r.first != expected_first || r.end <= r.first) FAIL("range [" << r.first << ", " << r.end << ")");
            if (!names_a_field(r.error, path)) all_name_a_field = false;
            expected_first = r.end;
        }
        CHECK(all_name_a_field);
        CHECK(expected_first == accepted_from);
        CHECK(accepted_from == end_of_content(file));
        rejected += accepted_from;
        // What is left is the final padding after the last tensor (llama.cpp writes it, and does not need it).
        CHECK(bytes.size() - accepted_from < file.alignment());
        for (uint64_t length = accepted_from; length <= bytes.size(); ++length)
            CHECK_NOTHROW(gguf::File::parse(bytes.data(), length, path));

        const std::string name = std::filesystem::path(path).filename();
        if (std::find(exhaustive.begin(), exhaustive.end(), name) != exhaustive.end()) {
            for (uint64_t length = 0; length < file.data_offset(); ++length) check_prefix(bytes, ranges, length, path);
            for (const auto& r : ranges) {
                check_prefix(bytes, ranges, r.first, path);
                check_prefix(bytes, ranges, r.end - 1, path);
            }
        }
        std::uniform_int_distribution<uint64_t> any_length(0, accepted_from - 1);
        for (int i = 0; i < 8; ++i) check_prefix(bytes, ranges, any_length(rng), path);
        check_prefix(bytes, ranges, accepted_from - 1, path);
    }
    return rejected;
}

}  // namespace

TEST_CASE("gguf truncation: every prefix of the shared model files (models/, quant/) is rejected naming a field, and "
          "File::parse agrees at every header length of stories260K and tiny-Q4_K_M and sampled lengths of all",
          "[gguf][truncation]") {
    SKIP_WITHOUT_SHARED();
    const auto paths = test::shared_files({"models", "models/quant"}, ".gguf");
    CHECK(paths.size() == 17);
    CHECK(check_every_truncation(paths, {"stories260K.gguf", "tiny-Q4_K_M.gguf"}) > 40'000'000);
}

TEST_CASE("gguf truncation: every prefix of the shared vocab-only files is rejected naming a field, and File::parse "
          "agrees at sampled lengths",
          "[gguf][truncation]") {
    SKIP_WITHOUT_SHARED();
    const auto paths = test::shared_files({"models/vocab"}, ".gguf");
    CHECK(paths.size() == 7);
    CHECK(check_every_truncation(paths, {}) > 9'000'000);
}
