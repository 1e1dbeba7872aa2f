# Cross build for aarch64 (Raspberry Pi Zero 2W / Pi 5) with Debian's g++-aarch64-linux-gnu; tests run under
# qemu-user. Only the kernels library and its tests build this way (the arm64 fmt/spdlog libraries are not
# installed on the build host):
#   cmake -S . -B build-aarch64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=scripts/toolchain-aarch64.cmake \
#         -DSPARSE_LLM_KERNELS_ONLY=ON && cmake --build build-aarch64 && (cd build-aarch64 && ctest)
# or simply: bash scripts/test-aarch64.sh
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Plain qemu-aarch64 runs the binaries with the arm64 multiarch runtime (/lib/ld-linux-aarch64.so.1 and
# /lib/aarch64-linux-gnu). "-L /usr/aarch64-linux-gnu" would take the cross package's loader, which the host's
# ld.so.cache then points at the multiarch libc: a version mismatch that hangs at the first thread.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)
