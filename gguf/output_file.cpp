#include "gguf/output_file.h"

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "gguf/gguf_error.h"

namespace gguf {
namespace {

// Opens a new file named after `path` in the same directory (so that rename() is atomic), mode 0666 less
// the umask, as fopen would create it.
std::FILE* create_temporary(const std::string& path, std::string& temporary) {
    static std::atomic<unsigned> counter{0};
    for (int attempt = 0; attempt < 100; ++attempt) {
        temporary = fmt::format("{}.partial-{}-{}", path, ::getpid(), counter++);
        const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            if (std::FILE* file = ::fdopen(fd, "wb")) return file;
            ::close(fd);
            ::unlink(temporary.c_str());
            return nullptr;
        }
        if (errno != EEXIST) return nullptr;
    }
    return nullptr;
}

// Removes the temporaries of earlier writes to `path` whose process is gone (killed before it could remove
// its own): PATH.partial-PID-N, PID no longer running.
void remove_orphaned_temporaries(const std::string& path) {
    const size_t slash = path.rfind('/');
    const std::string folder = slash == std::string::npos ? "." : path.substr(0, slash + 1);
    const std::string prefix = (slash == std::string::npos ? path : path.substr(slash + 1)) + ".partial-";
    DIR* dir = ::opendir(folder.c_str());
    if (!dir) return;
    while (const dirent* entry = ::readdir(dir)) {
        const std::string name = entry->d_name;
        if (name.rfind(prefix, 0) != 0) continue;
        char* end = nullptr;
        const long pid = std::strtol(name.c_str() + prefix.size(), &end, 10);
        if (pid <= 0 || *end != '-' || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
        ::unlink((slash == std::string::npos ? name : folder + name).c_str());
    }
    ::closedir(dir);
}

}  // namespace

OutputFile::OutputFile(std::string path) : path_(std::move(path)), target_(path_) {
    struct stat st {};
    const bool exists = ::stat(path_.c_str(), &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) throw Error(fmt::format("{}: cannot create: Is a directory", path_));
    if (exists && !S_ISREG(st.st_mode)) {
        file_ = std::fopen(path_.c_str(), "wb");
    } else {
        // A symbolic link is replaced through: the new file takes the place of the file it points to.
        char resolved[PATH_MAX];
        if (exists && ::realpath(path_.c_str(), resolved) != nullptr) target_ = resolved;
        remove_orphaned_temporaries(target_);
        file_ = create_temporary(target_, temporary_);
    }
    if (file_ == nullptr) {
        temporary_.clear();
        throw Error(fmt::format("{}: cannot create: {}", path_, std::strerror(errno)));
    }
}

OutputFile::~OutputFile() {
    if (file_ != nullptr) std::fclose(file_);
    if (!temporary_.empty()) ::unlink(temporary_.c_str());
}

void OutputFile::write(const void* bytes, size_t n) {
    if (n != 0 && std::fwrite(bytes, 1, n, file_) != n) fail(errno);
}

void OutputFile::commit() {
    if (std::fflush(file_) != 0) fail(errno);
    if (!temporary_.empty() && ::fsync(::fileno(file_)) != 0) fail(errno);
    std::FILE* file = file_;
    file_ = nullptr;
    if (std::fclose(file) != 0) fail(errno);
    if (!temporary_.empty() && std::rename(temporary_.c_str(), target_.c_str()) != 0) fail(errno);
    temporary_.clear();
}

void OutputFile::fail(int error) const { throw Error(fmt::format("{}: cannot write: {}", path_, std::strerror(error))); }

}  // namespace gguf
