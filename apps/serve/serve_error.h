#pragma once

#include <stdexcept>
#include <string>

namespace serve {

// A `serve` that cannot start as asked: a port that cannot be bound, limits that contradict each other.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A request the server refuses, as the HTTP status and OpenAI's error object say it: 400 invalid_request_error
// (naming the parameter), 401 for a missing or wrong API key, 404 for an unknown path, 503 when every slot and
// the queue are taken.
class RequestError : public std::runtime_error {
public:
    RequestError(int status, const std::string& message, std::string param = "",
                 std::string type = "invalid_request_error")
        : std::runtime_error(message), status_(status), param_(std::move(param)), type_(std::move(type)) {}

    int status() const { return status_; }
    const std::string& param() const { return param_; }  // empty: none
    const std::string& type() const { return type_; }

private:
    int status_;
    std::string param_, type_;
};

}  // namespace serve
