// What main does for every command: an unknown command is named, a failed write to stdout is an error, and
// running out of memory is one line, not C++'s text.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/cli_runner.h"
#include "support/shared_data.h"

namespace {

std::string stories() { return test::shared_path("models/stories260K.gguf"); }

// A soft limit on this process's address space while in scope; children started meanwhile inherit it.
class AddressSpaceLimit {
public:
    explicit AddressSpaceLimit(size_t bytes) : bytes_(bytes) {
        ::getrlimit(RLIMIT_AS, &old_);
        rlimit lower = old_;
        lower.rlim_cur = bytes;
        ::setrlimit(RLIMIT_AS, &lower);
    }
    ~AddressSpaceLimit() { ::setrlimit(RLIMIT_AS, &old_); }
    AddressSpaceLimit(const AddressSpaceLimit&) = delete;
    AddressSpaceLimit& operator=(const AddressSpaceLimit&) = delete;

    // Whether the limit holds: qemu-user keeps RLIMIT_AS to itself (it needs the address space it emulates).
    bool enforced() const {
        void* p = ::mmap(nullptr, 2 * bytes_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) return true;
        ::munmap(p, 2 * bytes_);
        return false;
    }

private:
    size_t bytes_;
    rlimit old_{};
};

}  // namespace

TEST_CASE("main: an unknown command or bench is a usage error that names it", "[cli]") {
    const test::CliResult top = test::run_cli({"translate", "m.gguf"});
    CHECK(top.exit_code == 2);
    CHECK(top.out.empty());
    CHECK_THAT(top.err, Catch::StartsWith("error: unknown command 'translate'\n"));
    const test::CliResult bench = test::run_cli({"bench", "warp-speed"});
    CHECK(bench.exit_code == 2);
    CHECK_THAT(bench.err, Catch::StartsWith("error: unknown command 'bench warp-speed'\n"));
    test::check_usage_error({}, "A subcommand is required");  // no word at all
    test::check_usage_error({"bench"}, "A subcommand is required");
}

TEST_CASE("main: a failed write to standard output is one error line and exit 1, for every command", "[cli]") {
    struct stat full {};
    if (::stat("/dev/full", &full) != 0 || !S_ISCHR(full.st_mode)) {  // a regular file there would take the writes
        WARN("skipped: /dev/full is not the full device");
        return;
    }
    SKIP_WITHOUT_SHARED();
    const std::string text = test::shared_path("models/stories260K.greedy200.txt");
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"detokenize", stories(), "400", "401"},
          std::vector<std::string>{"info", stories()},
          std::vector<std::string>{"info", stories(), "--json"},
          std::vector<std::string>{"tokenize", stories(), "-p", "Once upon a time"},
          std::vector<std::string>{"run", stories(), "-n", "4", "--temp", "0"},
          std::vector<std::string>{"run", stories(), "-n", "4", "--temp", "0", "--ids"},
          std::vector<std::string>{"perplexity", stories(), "-f", text, "-c", "64"},
          std::vector<std::string>{"summarise", stories(), text, "--chunk-tokens", "64", "--max-summary-tokens", "4"},
          std::vector<std::string>{"bench", "attention", "--seqs", "64", "--heads", "1", "--kv-heads", "1", "--dim", "8",
                                   "--runs", "1", "--backends", "sparse"}}) {
        const test::CliResult r = test::run_cli_writing_to(args, "/dev/full");
        INFO(args.front() << " " << args.back() << "\nstderr: " << r.err);
        CHECK(r.exit_code == 1);
        const size_t at = r.err.find("error: ");
        REQUIRE(at != std::string::npos);
        CHECK(r.err.substr(at) == "error: cannot write to standard output: No space left on device\n");
    }
}

TEST_CASE("main: running out of memory is one line, naming the KV cache where that is what did not fit", "[cli]") {
#if defined(SPARSE_LLM_ASAN)
    WARN("skipped: AddressSanitizer reserves terabytes of address space, far beyond the limit this test sets");
    return;
#endif
    const AddressSpaceLimit limit(size_t{4} << 30);  // the child inherits it: 4 GiB of address space
    if (!limit.enforced()) {
        WARN("skipped: the address-space limit is not enforced here (qemu-user ignores setrlimit(RLIMIT_AS))");
        return;
    }
    const test::CliResult bench = test::run_cli({"bench", "attention", "--seqs", "16777216", "--heads", "1024", "--kv-heads",
                                                "1024", "--dim", "4096", "--backends", "sparse", "--runs", "1"});
    CHECK(bench.exit_code == 1);
    CHECK(bench.err == "error: out of memory\n");
    SKIP_WITHOUT_SHARED();
    // 2^24 slots of stories260K are about 20 GiB of cache
    test::check_one_line_error({"run", stories(), "-c", "16777216", "-n", "1"},
                               "cannot allocate the KV cache for a context of 16777216 tokens (");
}
