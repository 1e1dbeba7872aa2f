#include "support/cli_runner.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/file_bytes.h"

namespace test {
namespace {

// A temporary file that is removed when it goes out of scope.
struct TempFile {
    std::string path;
    int fd = -1;
    TempFile() {
        char name[] = "/tmp/sparse-llm-test-XXXXXX";
        fd = ::mkstemp(name);
        if (fd < 0) throw std::runtime_error("mkstemp failed");
        path = name;
    }
    ~TempFile() {
        ::close(fd);
        ::unlink(path.c_str());
    }
};

}  // namespace

namespace {

CliResult run(const std::string& program, const std::vector<std::string>& args, const std::string& input,
              const std::string& stdout_path, std::vector<std::string> env = {}) {
    TempFile in, out, err;
    if (::write(in.fd, input.data(), input.size()) != static_cast<ssize_t>(input.size()))
        throw std::runtime_error("cannot write the child's stdin");
    ::lseek(in.fd, 0, SEEK_SET);

    std::vector<std::string> argv_strings{program};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_strings) argv.push_back(a.data());
    argv.push_back(nullptr);

    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(in.fd, 0);
        ::dup2(stdout_path.empty() ? out.fd : ::open(stdout_path.c_str(), O_WRONLY), 1);
        ::dup2(err.fd, 2);
        for (std::string& setting : env) ::putenv(setting.data());
        ::execvp(argv[0], argv.data());
        std::_Exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    CliResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = read_bytes(out.path);
    result.err = read_bytes(err.path);
    return result;
}

}  // namespace

CliResult run_cli(const std::vector<std::string>& args, const std::string& input) {
    return run(SPARSE_LLM_BIN, args, input, "");
}

CliResult run_cli_writing_to(const std::vector<std::string>& args, const std::string& stdout_path) {
    return run(SPARSE_LLM_BIN, args, "", stdout_path);
}

CliResult run_cli_with_env(const std::vector<std::string>& env, const std::vector<std::string>& args) {
    return run(SPARSE_LLM_BIN, args, "", "", env);
}

CliResult run_program(const std::string& program, const std::vector<std::string>& args) {
    return run(program, args, "", "");
}

namespace {

// "sparse-llm ARGS", what it printed on stdout and on stderr: the context of a failed check.
std::string described(const std::vector<std::string>& args, const CliResult& result) {
    std::string text = "sparse-llm";
    for (const std::string& a : args) text += " " + a;
    return text + "\nstdout: " + result.out + "\nstderr: " + result.err;
}

}  // namespace

void check_one_line_error(const std::vector<std::string>& args, const std::string& mentions) {
    const CliResult result = run_cli(args);
    INFO(described(args, result));
    CHECK(result.exit_code == 1);
    CHECK(result.out.empty());  // nothing half-printed
    CHECK_THAT(result.err, Catch::StartsWith("error: ") && Catch::EndsWith("\n") && Catch::Contains(mentions));
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
}

void check_usage_error(const std::vector<std::string>& args, const std::string& mentions) {
    const CliResult result = run_cli(args);
    INFO(described(args, result));
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK_FALSE(result.err.empty());
    CHECK_THAT(result.err, Catch::Contains(mentions));
}

}  // namespace test
