// SPDX-License-Identifier: Apache-2.0
#include "tests/support/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace slawatch::testing {
namespace fs = std::filesystem;
using namespace std::chrono;

std::string slawatch_bin() {
    return SLAWATCH_BIN;
}
std::string tcmpp_sim_bin() {
    return TCMPP_SIM_BIN;
}

TempDir::TempDir() {
    std::random_device rd;
    const char* tmp = std::getenv("TMPDIR");
    fs::path base = tmp && *tmp ? tmp : "/tmp";
    for (int i = 0; i < 100; ++i) {
        auto candidate = base / ("slawatch-test-" + std::to_string(rd()));
        if (fs::create_directory(candidate)) {
            path_ = candidate;
            return;
        }
    }
    throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

fs::path TempDir::write(std::string_view name, std::string_view content) const {
    auto file = path_ / name;
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + file.string());
    return file;
}

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

namespace {

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
    std::vector<char*> out;
    for (auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
    out.push_back(nullptr);
    return out;
}

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

// Spawns argv with the given file descriptors as stdin/stdout/stderr.
pid_t spawn(const std::vector<std::string>& argv, int in_fd, int out_fd, int err_fd,
            const std::vector<std::string>& extra_env) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_fd, 0);
    posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);

    std::vector<std::string> env;
    // extra_env replaces an inherited variable of the same name.
    const auto overridden = [&](std::string_view e) {
        const auto name = e.substr(0, e.find('=') + 1);
        for (const auto& x : extra_env)
            if (x.starts_with(name)) return true;
        return false;
    };
    for (char** e = environ; *e; ++e)
        if (!overridden(*e)) env.emplace_back(*e);
    for (auto& e : extra_env) env.push_back(e);

    auto args = c_argv(argv);
    auto envp = c_argv(env);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    return pid;
}

}  // namespace

RunResult run(const std::vector<std::string>& argv, std::string_view input, milliseconds timeout,
              const std::vector<std::string>& extra_env) {
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (pipe2(in_pipe, O_CLOEXEC) || pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC))
        throw std::runtime_error("pipe failed");
    const auto spawned = steady_clock::now();
    pid_t pid = spawn(argv, in_pipe[0], out_pipe[1], err_pipe[1], extra_env);
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);

    RunResult result;
    std::size_t written = 0;
    if (input.empty()) {
        close(in_pipe[1]);
        in_pipe[1] = -1;
    } else {
        fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
    }
    signal(SIGPIPE, SIG_IGN);

    const auto deadline = steady_clock::now() + timeout;
    bool out_open = true, err_open = true;
    while (out_open || err_open) {
        pollfd fds[3];
        int n = 0;
        if (out_open) fds[n++] = {out_pipe[0], POLLIN, 0};
        if (err_open) fds[n++] = {err_pipe[0], POLLIN, 0};
        if (in_pipe[1] >= 0) fds[n++] = {in_pipe[1], POLLOUT, 0};
        auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
        if (left <= 0) {
            kill(pid, SIGKILL);
            break;
        }
        if (poll(fds, n, static_cast<int>(left)) < 0 && errno != EINTR) break;
        for (int i = 0; i < n; ++i) {
            if (!fds[i].revents) continue;
            if (fds[i].fd == in_pipe[1]) {
                ssize_t w = write(in_pipe[1], input.data() + written, input.size() - written);
                if (w > 0) written += static_cast<std::size_t>(w);
                if (w < 0 || written == input.size()) {
                    close(in_pipe[1]);
                    in_pipe[1] = -1;
                }
                continue;
            }
            char buf[65536];
            ssize_t r = read(fds[i].fd, buf, sizeof buf);
            if (r <= 0) {
                (fds[i].fd == out_pipe[0] ? out_open : err_open) = false;
            } else {
                (fds[i].fd == out_pipe[0] ? result.out : result.err)
                    .append(buf, static_cast<std::size_t>(r));
            }
        }
    }
    if (in_pipe[1] >= 0) close(in_pipe[1]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    result.wall = duration_cast<milliseconds>(steady_clock::now() - spawned);
    result.max_rss_kb = usage.ru_maxrss;
    result.exit_code = decode_status(status);
    return result;
}

Process::Process(const std::vector<std::string>& argv, const fs::path& log_dir,
                 const std::vector<std::string>& extra_env) {
    static int counter = 0;
    const auto stem = fs::path(argv.at(0)).filename().string() + "-" + std::to_string(++counter);
    out_file_ = log_dir / (stem + ".out");
    err_file_ = log_dir / (stem + ".err");
    int in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int out_fd = open(out_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int err_fd = open(err_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0) throw std::runtime_error("cannot open log files");
    pid_ = spawn(argv, in_fd, out_fd, err_fd, extra_env);
    close(in_fd);
    close(out_fd);
    close(err_fd);
}

Process::~Process() {
    if (running()) {
        kill(pid_, SIGKILL);
        wait(seconds(10));
    }
}

void Process::signal(int sig) const {
    if (pid_ > 0) kill(pid_, sig);
}

std::optional<int> Process::wait(milliseconds timeout) {
    if (exit_code_) return exit_code_;
    const auto deadline = steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        pid_t r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            exit_code_ = decode_status(status);
            core_dumped_ = WIFSIGNALED(status) && WCOREDUMP(status);
            return exit_code_;
        }
        if (r < 0) return std::nullopt;
        if (steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(milliseconds(20));
    }
}

bool Process::running() {
    return !wait(milliseconds(0)).has_value() && pid_ > 0;
}

std::string Process::out() const {
    return read_file(out_file_);
}
std::string Process::err() const {
    return read_file(err_file_);
}

namespace {

// The low end of the kernel's ephemeral range (ip_local_port_range): ports
// from there up are handed to outgoing connections.
int ephemeral_low() {
    std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
    int low = 0;
    if (in >> low && low > 2048) return low;
    return 32768;
}

bool bindable(std::uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return ok;
}

}  // namespace

// Drawn at random below the ephemeral range: a port the kernel chose there
// could be handed to another test's outgoing connection before the process
// under test binds it, which once made a simulator fail to start.
std::uint16_t free_port() {
    static std::mutex mutex;
    static std::mt19937 draw{std::random_device{}() ^ static_cast<unsigned>(getpid())};
    const std::lock_guard lock(mutex);
    const int high = ephemeral_low() - 1;
    std::uniform_int_distribution<int> port(10000, high > 10000 ? high : 30000);
    for (int attempt = 0; attempt < 200; ++attempt) {
        const auto candidate = static_cast<std::uint16_t>(port(draw));
        if (bindable(candidate)) return candidate;
    }
    throw std::runtime_error("cannot find a free port");
}

bool wait_for_port(std::uint16_t port, milliseconds timeout) {
    return eventually(
        [port] {
            int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in addr{};
            addr.sin_family = AF_INET;
            addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            addr.sin_port = htons(port);
            bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
            close(fd);
            return ok;
        },
        timeout);
}

}  // namespace slawatch::testing
