// src/system_info.h: the CPU's name as /proc/cpuinfo gives it, on the machines we build for.
#include <catch2/catch.hpp>

#include <string>

#include "src/system_info.h"

namespace {

// The first core's lines of /proc/cpuinfo on a Raspberry Pi 5 (Raspberry Pi OS, kernel 6.6), and the board
// lines at the end.
const char* const kPi5 =
    "processor\t: 0\nBogoMIPS\t: 108.00\n"
    "Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp\n"
    "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x4\nCPU part\t: 0xd0b\nCPU revision\t: 1\n\n"
    "processor\t: 1\nCPU implementer\t: 0x41\nCPU part\t: 0xd0b\n\n"
    "Revision\t: d04170\nSerial\t\t: 1234abcd\nModel\t\t: Raspberry Pi 5 Model B Rev 1.0\n";

}  // namespace

TEST_CASE("system info: the CPU's name is /proc/cpuinfo's model name, else its Arm core and the board",
          "[system_info]") {
    CHECK(runtime::cpu_model_from_cpuinfo("processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) "
                                          "Processor  \nflags\t\t: fpu avx2\n") == "Intel(R) Xeon(R) Processor");
    CHECK(runtime::cpu_model_from_cpuinfo(kPi5) == "Raspberry Pi 5 Model B Rev 1.0, Arm Cortex-A76");
    CHECK(runtime::cpu_model_from_cpuinfo("CPU implementer\t: 0x41\nCPU part\t: 0xd03\n"
                                          "Model\t\t: Raspberry Pi Zero 2 W Rev 1.0\n") ==
          "Raspberry Pi Zero 2 W Rev 1.0, Arm Cortex-A53");
    CHECK(runtime::cpu_model_from_cpuinfo("CPU implementer\t: 0x41\nCPU part\t: 0xd08\n") == "Arm Cortex-A72");
    CHECK(runtime::cpu_model_from_cpuinfo("CPU implementer\t: 0x51\nCPU part\t: 0x802\n") ==
          "CPU implementer 0x51, part 0x802");
    CHECK(runtime::cpu_model_from_cpuinfo("CPU implementer\t: 0x41\nCPU part\t: zz\n") ==
          "CPU implementer 0x41, part zz");
    CHECK(runtime::cpu_model_from_cpuinfo("") == "");
    CHECK_FALSE(runtime::cpu_model().empty());
    CHECK_FALSE(runtime::machine_architecture().empty());
}
