#include <sys/mman.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include "apps/cli/text_input.h"
#include "apps/summarise/chunker.h"
#include "fuzz/targets/targets.h"

namespace fuzz {
namespace {

// The bytes as cli::read_text_file reads them from a file (an anonymous one, through /proc/self/fd).
std::string read_back(const uint8_t* data, size_t size) {
    const int fd = memfd_create("fuzz-text", 0);
    if (fd < 0) defect("memfd_create failed");
    if (write(fd, data, size) != static_cast<ssize_t>(size)) defect("cannot write the text to its file");
    std::string text = cli::read_text_file("/proc/self/fd/" + std::to_string(fd), "text file");
    close(fd);
    return text;
}

}  // namespace

// A chunk size byte, a read size byte, then the text: read from a file, then fed to the summariser's chunker a
// read at a time, taking chunks as they come and the rest at the end. The chunks must spell the text.
void run_text_input(const uint8_t* data, size_t size) {
    if (size < 2) return;
    const std::string text = read_back(data + 2, size - 2);
    if (text != std::string_view(reinterpret_cast<const char*>(data + 2), size - 2)) defect("read_text_file changed the bytes");
    summarise::Chunker chunker(vocabulary(0), 1 + data[0] % 64);
    const size_t read_size = 1 + data[1] % 64;
    std::string chunks;
    for (size_t at = 0; at < text.size(); at += read_size) {
        chunker.push(std::string_view(text).substr(at, read_size));
        while (auto chunk = chunker.next(false)) chunks += chunk->text;
    }
    while (auto chunk = chunker.next(true)) chunks += chunk->text;
    if (chunks != text) defect("the chunks do not spell the text");
}

}  // namespace fuzz
