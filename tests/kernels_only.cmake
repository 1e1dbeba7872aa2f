# Kernels-only test build (SPARSE_LLM_KERNELS_ONLY, e.g. aarch64 under qemu): the tests of the kernels
# library, linked with it alone. Catch2 is header-only: its headers are taken from the build host through a
# directory holding just them (adding the host's /usr/include would mix in the host's C library headers).
set(CATCH2_HOST_DIR /usr/lib/cmake/Catch2 CACHE PATH "Where the host's Catch2 CMake modules are")
list(APPEND CMAKE_MODULE_PATH ${CATCH2_HOST_DIR})
include(Catch)
set(catch_headers ${CMAKE_CURRENT_BINARY_DIR}/catch2-headers)
file(MAKE_DIRECTORY ${catch_headers})
file(CREATE_LINK /usr/include/catch2 ${catch_headers}/catch2 SYMBOLIC)

# The JSON reader encodes \u escapes with the tokenizer's UTF-8 encoder: its two files are compiled in (the
# tokenizer library itself needs fmt).
add_library(test_main OBJECT main.cpp json_reader.cpp ${PROJECT_SOURCE_DIR}/tokenizer/unicode.cpp
  ${PROJECT_SOURCE_DIR}/tokenizer/unicode_table.cpp)
target_include_directories(test_main PRIVATE ${PROJECT_SOURCE_DIR})
target_include_directories(test_main SYSTEM PUBLIC ${catch_headers})

file(GLOB TEST_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_SOURCE_DIR}/test_attention_*.cpp ${CMAKE_CURRENT_SOURCE_DIR}/test_kv_cache.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/test_fastgrnn_gate.cpp ${CMAKE_CURRENT_SOURCE_DIR}/test_thread_pool.cpp)
foreach(source ${TEST_SOURCES})
  get_filename_component(name ${source} NAME_WE)
  add_executable(${name} ${source} $<TARGET_OBJECTS:test_main>)
  target_link_libraries(${name} PRIVATE kernels)
  target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR} SYSTEM ${catch_headers})
  target_compile_definitions(${name} PRIVATE SPARSE_LLM_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
  catch_discover_tests(${name} TEST_PREFIX "${name}: " PROPERTIES TIMEOUT 600)
endforeach()
