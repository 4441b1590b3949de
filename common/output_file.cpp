#include "common/output_file.h"

#include "common/error.h"
#include "common/input_file.h"

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <set>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace smol {
namespace {

// Temporaries that SIGINT or SIGTERM must not leave behind (an interrupted convert would leave hundreds of
// MB). The handler may only call async-signal-safe functions, so the names sit in fixed slots it can read.
constexpr int max_pending_temps = 64;
std::array<std::atomic<char*>, max_pending_temps> pending_temps{};

extern "C" void remove_temps_and_reraise(int sig) {
    for (auto& slot : pending_temps)
        if (char* name = slot.load()) ::unlink(name);
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

void install_cleanup_handlers() {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction old {};
        ::sigaction(sig, nullptr, &old);
        if (old.sa_handler != SIG_DFL) continue;  // a subcommand with its own handler (chat) keeps it
        struct sigaction action {};
        action.sa_handler = remove_temps_and_reraise;
        sigemptyset(&action.sa_mask);
        ::sigaction(sig, &action, nullptr);
    }
}

int register_temp(const std::string& name) {
    install_cleanup_handlers();  // each time: cheap, and a handler reset since (fork, tests) is put back
    char* copy = ::strdup(name.c_str());
    for (int i = 0; i < max_pending_temps; ++i) {
        char* expected = nullptr;
        if (pending_temps[i].compare_exchange_strong(expected, copy)) return i;
    }
    std::free(copy);
    return -1;  // more outputs open than slots: still removed by the destructor, just not on a signal
}

void unregister_temp(int slot) {
    if (slot < 0) return;
    std::free(pending_temps[size_t(slot)].exchange(nullptr));
}

// Targets of the outputs open now: two outputs of one run naming one file would overwrite each other.
std::mutex open_targets_mutex;
std::set<std::string> open_targets;

std::string target_key(const std::string& path) {
    std::error_code ec;
    std::filesystem::path p = std::filesystem::weakly_canonical(path, ec);
    return ec ? std::filesystem::absolute(path).string() : p.string();
}

void check_target(const std::string& path, bool& write_through) {
    write_through = false;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno != ENOENT) fail("{}: cannot stat output: {}", path, std::strerror(errno));
        return;
    }
    if (S_ISLNK(st.st_mode)) {
        struct stat target {};
        const bool dangling = ::stat(path.c_str(), &target) != 0;
        fail("{}: is a symbolic link{}; refusing to replace it (name the file it points to instead)", path,
             dangling ? " to nothing" : "");
    }
    if (S_ISDIR(st.st_mode)) fail("{}: is a directory, expected an output file", path);
    if (S_ISSOCK(st.st_mode)) fail("{}: is a socket, expected an output file", path);
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode)) {
        write_through = true;
        return;
    }
    if (const std::string* input = input_with_identity(uint64_t(st.st_dev), uint64_t(st.st_ino)))
        fail("{}: is also an input of this run ({}); refusing to overwrite it", path, *input);
}

}  // namespace

output_file::output_file(std::string path) : path_(std::move(path)) {
    bool write_through = false;
    check_target(path_, write_through);
    {
        std::lock_guard lock(open_targets_mutex);
        target_key_ = target_key(path_);
        if (!open_targets.insert(target_key_).second)
            fail("{}: is named twice as an output of this run", path_);
    }
    try {
        int fd = -1;
        if (write_through) {
            // Non-blocking open: a FIFO nobody reads is an error (ENXIO), not a hang.
            fd = ::open(path_.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
            if (fd < 0 && errno == ENXIO) fail("{}: is a FIFO with no reader", path_);
            if (fd < 0) fail("{}: cannot open output: {}", path_, std::strerror(errno));
            ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        } else {
            std::vector<char> name(path_.begin(), path_.end());
            const char suffix[] = ".tmp-XXXXXX";
            name.insert(name.end(), suffix, suffix + sizeof suffix);  // includes the terminating NUL
            fd = ::mkstemp(name.data());
            if (fd < 0) fail("{}: cannot create output: {}", path_, std::strerror(errno));
            temp_path_ = name.data();
            signal_slot_ = register_temp(temp_path_);
            // mkstemp creates 0600; give the output the permissions a plain create would (0666 less the umask).
            mode_t mask = ::umask(0);
            ::umask(mask);
            ::fchmod(fd, 0666 & ~mask);
        }
        file_ = ::fdopen(fd, "wb");
        if (!file_) {
            int e = errno;
            ::close(fd);
            fail("{}: cannot open output: {}", path_, std::strerror(e));
        }
    } catch (...) {
        if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
        unregister_temp(signal_slot_);
        std::lock_guard lock(open_targets_mutex);
        open_targets.erase(target_key_);
        throw;
    }
}

output_file::~output_file() {
    if (file_) std::fclose(file_);
    if (!temp_path_.empty() && (file_ || finished_)) ::unlink(temp_path_.c_str());
    unregister_temp(signal_slot_);
    std::lock_guard lock(open_targets_mutex);
    open_targets.erase(target_key_);
}

void output_file::write(std::span<const std::byte> data) {
    if (!file_) fail("{}: write after commit", path_);
    if (!data.empty() && std::fwrite(data.data(), 1, data.size(), file_) != data.size())
        fail("{}: write failed: {}", path_, std::strerror(errno));
    written_ += data.size();
}

void output_file::finish() {
    if (!file_) fail("{}: committed twice", path_);
    errno = 0;
    // Devices and FIFOs cannot be synced (fsync on /dev/null is EINVAL); their write errors show at fflush.
    bool ok = std::fflush(file_) == 0 && !std::ferror(file_) && (temp_path_.empty() || ::fsync(::fileno(file_)) == 0);
    int e = errno;
    ok = (std::fclose(file_) == 0) && ok;
    if (e == 0) e = errno != 0 ? errno : EIO;
    file_ = nullptr;
    finished_ = true;
    if (!ok) fail("{}: cannot finish writing: {}", path_, std::strerror(e));
}

void output_file::publish() {
    if (!finished_) fail("{}: published before it was finished", path_);
    if (temp_path_.empty()) return;
    if (std::rename(temp_path_.c_str(), path_.c_str()) != 0)
        fail("{}: cannot finish writing: {}", path_, std::strerror(errno));
    finished_ = false;  // nothing left for the destructor to remove
    unregister_temp(signal_slot_);
    signal_slot_ = -1;
}

}  // namespace smol
