#include "apps/serve/http_server.h"

#include <atomic>
#include <chrono>
#include <functional>

#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include "apps/serve/api_response.h"
#include "apps/serve/serve_error.h"

namespace serve {
namespace {

constexpr const char* kJson = "application/json";

int64_t unix_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string next_id(Endpoint endpoint) {
    static std::atomic<uint64_t> counter{0};
    return fmt::format("{}-{}", endpoint == Endpoint::ChatCompletions ? "chatcmpl" : "cmpl", ++counter);
}

void send_error(httplib::Response& response, const RequestError& e) {
    response.status = e.status();
    if (e.status() == 503) response.set_header("Retry-After", "1");
    response.set_content(error_body(e.what(), e.type(), e.param()), kJson);
}

// The handler, with every failure answered by an error object: RequestError as it says, anything else 500.
httplib::Server::Handler answered(ServerMetrics& metrics, std::function<void(const httplib::Request&, httplib::Response&)> handle) {
    return [&metrics, handle = std::move(handle)](const httplib::Request& request, httplib::Response& response) {
        try {
            handle(request, response);
        } catch (const RequestError& e) {
            ++(e.status() == 503 ? metrics.busy : metrics.refused);
            send_error(response, e);
        } catch (const std::exception& e) {
            spdlog::error("{} {}: {}", request.method, request.path, e.what());
            send_error(response, RequestError(500, e.what(), "", "server_error"));
        }
    };
}

}  // namespace

HttpServer::HttpServer(ServerConfig config, const tokenizer::Tokenizer& tokenizer, SlotPool& slots)
    : config_(std::move(config)), tokenizer_(tokenizer), slots_(slots), http_(std::make_unique<httplib::Server>()) {
    const size_t threads = config_.http_threads;
    http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http_->set_payload_max_length(config_.max_body_bytes);
    route();
}

HttpServer::~HttpServer() = default;

int HttpServer::bind() {
    const int port = config_.port == 0 ? http_->bind_to_any_port(config_.host)
                                       : (http_->bind_to_port(config_.host, config_.port) ? config_.port : -1);
    if (port < 0) throw Error(fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)",
                                          config_.host, config_.port));
    return port;
}

void HttpServer::run() { http_->listen_after_bind(); }

void HttpServer::stop() { http_->stop(); }

void HttpServer::authorise(const httplib::Request& request) const {
    if (!config_.api_key.empty() && request.get_header_value("Authorization") != "Bearer " + config_.api_key)
        throw RequestError(401, "missing or wrong API key: send Authorization: Bearer KEY", "", "authentication_error");
}

void HttpServer::route() {
    http_->Get("/health", [](const httplib::Request&, httplib::Response& response) {
        response.set_content(R"({"status":"ok"})", kJson);
    });
    http_->Get("/metrics", answered(metrics_, [this](const httplib::Request& request, httplib::Response& response) {
        authorise(request);
        response.set_content(metrics_.prometheus(slots_.waiting(), slots_.busy(), slots_.size(), slots_.decode_batches()), "text/plain; version=0.0.4");
    }));
    http_->Get("/v1/models", answered(metrics_, [this](const httplib::Request& request, httplib::Response& response) {
        authorise(request);
        response.set_content(models_body(config_.model_id, unix_seconds()), kJson);
    }));
    http_->Post("/v1/completions", answered(metrics_, [this](const httplib::Request& q, httplib::Response& r) {
        completion(Endpoint::Completions, q, r);
    }));
    http_->Post("/v1/chat/completions", answered(metrics_, [this](const httplib::Request& q, httplib::Response& r) {
        completion(Endpoint::ChatCompletions, q, r);
    }));
    // What httplib answers by itself (404, 413 for a body over the cap, ...) gets an error object too.
    http_->set_error_handler([this](const httplib::Request& request, httplib::Response& response) {
        if (!response.body.empty()) return;
        const std::string message =
            response.status == 413 ? fmt::format("the request body is larger than {} bytes", config_.max_body_bytes)
            : response.status == 404 ? fmt::format("no such endpoint: {} {}", request.method, request.path)
                                     : fmt::format("{} {}: HTTP status {}", request.method, request.path, response.status);
        ++metrics_.refused;
        response.set_content(error_body(message, "invalid_request_error", ""), kJson);
    });
}

void HttpServer::count(const CompletionResult& result) {
    ++metrics_.requests;
    metrics_.prompt_tokens += result.prompt_tokens;
    metrics_.generated_tokens += result.stats.generated;
    metrics_.decode_microseconds += static_cast<uint64_t>(result.stats.decode_ms * 1000.0);
    metrics_.deadline_misses += result.stats.deadline_misses;
    if (result.disconnected) ++metrics_.disconnected;
}

void HttpServer::completion(Endpoint endpoint, const httplib::Request& request, httplib::Response& response) {
    authorise(request);
    const CompletionRequest r = parse_request(endpoint, request.body, config_.request);
    if (!r.model.empty() && r.model != config_.model_id)
        throw RequestError(400, fmt::format("unknown model '{}': this server has '{}'", r.model, config_.model_id), "model");
    auto lease = std::make_shared<SlotPool::Lease>(slots_.acquire());
    const std::vector<int32_t> prompt = prompt_tokens(tokenizer_, r, lease->transformer(), config_.limits);
    const ResponseHeader header{endpoint, next_id(endpoint), unix_seconds(), config_.model_id};
    if (!r.stream) {
        const CompletionResult result = complete(lease->transformer(), tokenizer_, r, prompt, config_.limits,
                                                 config_.defaults, [](std::string_view) { return true; });
        count(result);
        response.set_content(completion_body(header, result), kJson);
        return;
    }
    response.set_header("Cache-Control", "no-cache");
    response.set_chunked_content_provider(
        "text/event-stream", [this, lease, r, prompt, header](size_t, httplib::DataSink& sink) mutable {
            auto send = [&](std::string_view text) { return sink.write(text.data(), text.size()); };
            try {
                const CompletionResult result =
                    complete(lease->transformer(), tokenizer_, r, prompt, config_.limits, config_.defaults,
                             [&](std::string_view text) { return send(stream_event(header, text)); });
                lease.reset();  // the slot is free as soon as generation ends, a disconnect's included
                count(result);
                if (!result.disconnected && send(final_stream_event(header, result))) send(kStreamEnd);
            } catch (const std::exception& e) {
                lease.reset();
                spdlog::error("stream {}: {}", header.id, e.what());
                send(fmt::format("data: {}\n\n", error_body(e.what(), "server_error", "")));
            }
            sink.done();
            return true;
        });
}

}  // namespace serve
