// The HTTP side of `serve` (cpp-httplib): the routes, the API key, the body size cap, OpenAI's error objects
// for every failure, and server-sent events for streams. Requests run on httplib's worker threads, each
// generating on a slot it leases (slot_pool.h) for as long as it needs it.
//
//   GET  /health               {"status":"ok"}, no key needed
//   GET  /metrics              Prometheus text (server_metrics.h)
//   GET  /v1/models            the one model, by its id
//   POST /v1/completions       {"prompt": ...}
//   POST /v1/chat/completions  {"messages": [...]}
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "apps/serve/api_request.h"
#include "apps/serve/completion.h"
#include "apps/serve/server_metrics.h"
#include "apps/serve/slot_pool.h"
#include "tokenizer/tokenizer.h"

namespace httplib {
class Server;
class Request;
class Response;
}  // namespace httplib

namespace serve {

struct ServerConfig {
    std::string host = "127.0.0.1";
    int port = 8080;                // 0: any free port
    std::string api_key;            // empty: none asked for
    std::string model_id;           // what /v1/models lists and requests may name
    size_t max_body_bytes = 1 << 20;
    size_t http_threads = 8;
    RequestLimits request;
    ServeLimits limits;
    GenerationDefaults defaults;
};

class HttpServer {
public:
    HttpServer(ServerConfig config, const tokenizer::Tokenizer& tokenizer, SlotPool& slots);
    ~HttpServer();

    // Binds the address; returns the port. Throws serve::Error naming the address when it cannot.
    int bind();
    // Serves until stop(), then finishes the requests under way (and those queued) before returning.
    void run();
    // Stops accepting connections; callable from another thread.
    void stop();

    const ServerMetrics& metrics() const { return metrics_; }

private:
    void route();
    void authorise(const httplib::Request& request) const;
    void completion(Endpoint endpoint, const httplib::Request& request, httplib::Response& response);
    void count(const CompletionResult& result);

    ServerConfig config_;
    const tokenizer::Tokenizer& tokenizer_;
    SlotPool& slots_;
    ServerMetrics metrics_;
    std::unique_ptr<httplib::Server> http_;
};

}  // namespace serve
