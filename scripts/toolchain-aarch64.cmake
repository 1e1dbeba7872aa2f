# Cross build for aarch64 (Raspberry Pi Zero 2W / Pi 4 / Pi 5) on a Debian host with Debian's
# g++-aarch64-linux-gnu and the arm64 multiarch packages of fmt and spdlog (scripts/install-deps.sh installs
# them); `bash scripts/build-aarch64.sh [DIR]` configures and builds with this file.
#
# As Debian's own cross builds do (/usr/share/cmake/debtoolchainfilegen), nothing is re-rooted: the multiarch
# packages live in the host's /usr. CMake learns the library architecture (aarch64-linux-gnu) from the cross
# compiler, so find_package looks in /usr/lib/aarch64-linux-gnu/cmake and never in the host's
# /usr/lib/x86_64-linux-gnu (a missing arm64 package is "not found", not the x86 one); the header-only CLI11
# and Catch2 come from /usr/share/cmake and /usr/lib/cmake. The cross compiler searches its own C and C++
# headers (/usr/aarch64-linux-gnu/include) before /usr/include, which it lists last among its own system
# directories: CMake therefore drops the packages' "-isystem /usr/include", and only headers the cross
# toolchain lacks (fmt, spdlog, CLI11, Catch2: the same for every architecture) come from there. The host's
# architecture-specific headers (/usr/include/x86_64-linux-gnu) are never searched, and the cross linker
# skips x86 libraries.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Plain qemu-aarch64 runs the binaries with the arm64 multiarch runtime (/lib/ld-linux-aarch64.so.1 and
# /lib/aarch64-linux-gnu). "-L /usr/aarch64-linux-gnu" would take the cross package's loader, which the host's
# ld.so.cache then points at the multiarch libc: a version mismatch that hangs at the first thread. The CPU it
# emulates is $QEMU_CPU (qemu's default: all it implements); scripts/test-aarch64.sh sets it per run.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)
