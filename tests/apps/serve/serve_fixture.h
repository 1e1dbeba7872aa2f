// A `sparse-llm serve` started for a test on a free loopback port, and curl to talk to it.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "support/cli_runner.h"
#include "support/live_process.h"

namespace test {

class TestServer {
public:
    // Starts `serve` with the arguments and --port 0; waits for "listening on http://127.0.0.1:PORT".
    explicit TestServer(std::vector<std::string> args) {
        args.insert(args.begin(), "serve");
        args.insert(args.end(), {"--port", "0"});
        process_ = std::make_unique<LiveProcess>(args);
        bool timed_out = false;
        const std::string line = process_->read_line(120, &timed_out);
        INFO(process_->stderr_text());
        REQUIRE_FALSE(timed_out);
        REQUIRE(line.rfind("listening on http://127.0.0.1:", 0) == 0);
        base_ = line.substr(std::string("listening on ").size());
    }

    std::string url(const std::string& path) const { return base_ + path; }
    LiveProcess& process() { return *process_; }

    // curl's output for a request to `path`: -d BODY makes it a POST of JSON; `extra` are more curl flags.
    CliResult curl(const std::string& path, const std::string& body = "", std::vector<std::string> extra = {}) const {
        std::vector<std::string> args{"-sS", "-N"};
        if (!body.empty()) args.insert(args.end(), {"-H", "Content-Type: application/json", "--data-binary", body});
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back(url(path));
        return run_program("curl", args);
    }

    // The value of a /metrics line ("sparse_llm_NAME VALUE").
    double metric(const std::string& name, const std::vector<std::string>& auth = {}) const {
        const std::string text = curl("/metrics", "", auth).out;
        const std::string key = "\nsparse_llm_" + name + " ";
        const size_t at = text.find(key);
        REQUIRE(at != std::string::npos);
        return std::stod(text.substr(at + key.size()));
    }

private:
    std::unique_ptr<LiveProcess> process_;
    std::string base_;
};

}  // namespace test
