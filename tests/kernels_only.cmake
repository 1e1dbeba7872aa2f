# Kernels-only test build (SPARSE_LLM_KERNELS_ONLY, e.g. aarch64 under qemu): the kernel tests, linked with the
# kernels libraries and gguf/quant alone; not test_matmul_shared_models (it reads GGUF files) nor test_ops (its softmax bound
# at 49,152 values holds for the 8-lane AVX2 sums, not for NEON's 4 lanes). Catch2 is header-only: its headers
# are taken from the build host through a directory holding just them (adding the host's /usr/include would
# mix in the host's C library headers).
set(CATCH2_HOST_DIR /usr/lib/cmake/Catch2 CACHE PATH "Where the host's Catch2 CMake modules are")
list(APPEND CMAKE_MODULE_PATH ${CATCH2_HOST_DIR})
include(Catch)
set(catch_headers ${CMAKE_CURRENT_BINARY_DIR}/catch2-headers)
file(MAKE_DIRECTORY ${catch_headers})
file(CREATE_LINK /usr/include/catch2 ${catch_headers}/catch2 SYMBOLIC)

# The JSON reader encodes \u escapes with the tokenizer's UTF-8 encoder: its two files are compiled in (the
# tokenizer library itself needs fmt).
add_library(test_helpers OBJECT support/main.cpp support/json_reader.cpp ${PROJECT_SOURCE_DIR}/tokenizer/unicode.cpp
  ${PROJECT_SOURCE_DIR}/tokenizer/unicode_table.cpp)
target_include_directories(test_helpers PRIVATE ${PROJECT_SOURCE_DIR})
target_include_directories(test_helpers PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_include_directories(test_helpers SYSTEM PUBLIC ${catch_headers})
target_compile_definitions(test_helpers PUBLIC SPARSE_LLM_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")

file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/kernels/attention/test_*.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/kernels/common/test_thread_pool.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/kernels/common/test_isa.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/kernels/common/test_ops.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/kernels/common/test_vector_math.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/kernels/matmul/test_gemm_kernels.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/kernels/matmul/test_matmul.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/kernels/matmul/test_quantized_activations.cpp)
add_executable(test_kernels ${sources})
target_link_libraries(test_kernels PRIVATE test_helpers kernels_attention kernels_matmul kernels_common gguf_quant)
catch_discover_tests(test_kernels TEST_PREFIX "test_kernels: " PROPERTIES TIMEOUT 600)
