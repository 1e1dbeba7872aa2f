// llama.cpp's file types: names in any case, the _M aliases, and the name a general.file_type number reads as.
#include <catch2/catch.hpp>

#include "gguf/file_type.h"

TEST_CASE("file type: names in any case, and Q3_K / Q4_K / Q5_K as the _M mixes", "[gguf]") {
    REQUIRE(gguf::file_type_from_name("q4_k_m"));
    CHECK(gguf::file_type_from_name("q4_k_m")->file_type == gguf::FileType::MOSTLY_Q4_K_M);
    CHECK(gguf::file_type_from_name("Q4_K")->file_type == gguf::FileType::MOSTLY_Q4_K_M);
    CHECK(gguf::file_type_from_name("bf16")->default_type == gguf::GgmlType::BF16);
    CHECK_FALSE(gguf::file_type_from_name("q2_k_s"));
    CHECK(gguf::file_type_names().size() == 20);
}

TEST_CASE("file type: a general.file_type number reads as its full name, an unknown one as none", "[gguf]") {
    CHECK(gguf::file_type_from_id(2)->name == "Q4_0");
    CHECK(gguf::file_type_from_id(15)->name == "Q4_K_M");
    CHECK(gguf::file_type_from_id(12)->name == "Q3_K_M");
    CHECK(gguf::file_type_from_id(32)->name == "BF16");
    CHECK_FALSE(gguf::file_type_from_id(4));  // llama.cpp's retired Q4_1_SOME_F16
}
